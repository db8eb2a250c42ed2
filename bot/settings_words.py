"""Settings problems and unknown `TDKT_*` variables, worded in Vietnamese for the CLI."""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import dotenv_values

from config.settings import SettingsError, SettingsProblem, unknown_variables
from handlers.texts import newuser as t


def problem_line(problem: SettingsProblem) -> str:
    """`TDKT_SEND_RATE: phải nhỏ hơn hoặc bằng 30 (đang là “31”)`."""
    template = t.SETTING_KINDS.get(problem.kind)
    if template is not None:
        try:
            reason = template.format(**problem.context)
        except (KeyError, IndexError):
            reason = t.SETTING_OTHER.format(message=problem.message)
    else:
        reason = next(
            (
                vietnamese
                for english, vietnamese in t.SETTING_MESSAGES.items()
                if problem.message.startswith(english)
            ),
            t.SETTING_OTHER.format(message=problem.message),
        )
    if problem.value and not _secret(problem.variable):
        return t.SETTING_LINE.format(
            variable=problem.variable, reason=reason, value=problem.value[:80]
        )
    return t.SETTING_LINE_NO_VALUE.format(variable=problem.variable, reason=reason)


def settings_error_text(exc: SettingsError) -> str:
    """Every problem on one line, in Vietnamese; the English text when none was kept."""
    if not exc.problems:
        return str(exc)
    return "; ".join(problem_line(problem) for problem in exc.problems)


def unknown_variable_warnings(env_file: Path = Path(".env")) -> list[str]:
    """A warning line per `TDKT_*` variable (environment or .env) that no setting reads."""
    names = dict(os.environ)
    if env_file.is_file():
        names |= {key: value or "" for key, value in dotenv_values(env_file).items()}
    return [
        t.SETTING_UNKNOWN.format(
            name=name, hint=t.SETTING_UNKNOWN_HINT.format(near=near) if near else ""
        )
        for name, near in unknown_variables(names)
    ]


def _secret(variable: str) -> bool:
    return any(word in variable for word in ("TOKEN", "SECRET", "KEY"))
