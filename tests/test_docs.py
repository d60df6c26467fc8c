"""The settings table in docs/configuration.md is the reference users read: it must list
exactly the fields of ``Settings``, each with its real default."""

from __future__ import annotations

import re

from assistant.settings import Settings

from .conftest import ROOT

CONFIGURATION = ROOT / "docs" / "configuration.md"
ROW = re.compile(r"^\|\s*`(ASSISTANT_[A-Z_]+)`\s*\|\s*([^|]+?)\s*\|")


def as_documented(value: object) -> str:
    """How the table writes a default: `value`, or the words unset / empty."""
    if value is None:
        return "unset"
    if value in ("", []):
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def documented_defaults() -> dict[str, str]:
    lines = CONFIGURATION.read_text(encoding="utf-8").splitlines()
    rows = [match.groups() for line in lines if (match := ROW.match(line))]
    names = [name for name, _ in rows]
    assert len(names) == len(set(names)), "a variable is listed twice"
    return dict(rows)


def test_settings_table_lists_every_field_with_its_default() -> None:
    actual = {
        f"ASSISTANT_{name.upper()}": as_documented(field.get_default(call_default_factory=True))
        for name, field in Settings.model_fields.items()
    }
    assert documented_defaults() == actual
