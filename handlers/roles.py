"""Roles (vai trò): admin, leader (lãnh đạo), officer (chuyên viên); everyone else is a citizen."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    leader = "leader"
    officer = "officer"
    citizen = "citizen"


#: Commands for board staff: officers, leaders and admins.
STAFF = frozenset({Role.officer.value, Role.leader.value, Role.admin.value})
#: Commands for leaders (and admins).
LEADERS = frozenset({Role.leader.value, Role.admin.value})
ADMINS = frozenset({Role.admin.value})
