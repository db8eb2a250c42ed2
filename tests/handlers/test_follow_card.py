"""Lookup and follow share the follow button through follow_card: no import circle (issue 21)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_lookup_does_not_import_follow_anywhere():
    imported = _imported_modules(ROOT / "handlers" / "lookup.py")
    assert "handlers.follow" not in imported


def test_follow_card_imports_neither_lookup_nor_follow():
    imported = _imported_modules(ROOT / "handlers" / "follow_card.py")
    assert not imported & {"handlers.lookup", "handlers.follow"}


def test_follow_still_offers_its_names():
    from handlers import follow, follow_card

    assert follow.MAX_FOLLOWS == follow_card.MAX_FOLLOWS == 10
