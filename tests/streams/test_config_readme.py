"""The README's configuration table and :class:`streams.config.Settings` name the same
variables with the same defaults: Settings is the one place configuration is read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from streams.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def env_names() -> dict[str, str]:
    """Environment variable → Settings field."""
    prefix = Settings.model_config.get("env_prefix", "")
    names = {}
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names[alias if isinstance(alias, str) else f"{prefix}{name}".upper()] = name
    return names


def readme_rows() -> dict[str, str]:
    """Variable → default cell of the table under '## Configuration'."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        for var in re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0]):
            rows[var] = cells[1]
    return rows


def test_every_setting_is_in_the_readme_and_nothing_else() -> None:
    documented, settings = set(readme_rows()), set(env_names())
    assert documented - settings == set(), "README documents variables Settings does not read"
    assert settings - documented == set(), "Settings reads variables the README does not document"


def _shown(value: Any) -> str:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


@pytest.mark.parametrize("var", sorted(env_names()))
def test_readme_default_is_the_settings_default(var: str) -> None:
    cell = readme_rows()[var]
    default = Settings.model_fields[env_names()[var]].default
    literal = re.match(r"`([^`]*)`", cell)
    if literal:
        assert literal.group(1) == _shown(default), f"{var}: README says {cell!r}, Settings {default!r}"
    elif cell.split()[0] in {"empty", "unset"}:
        assert _shown(default) == "", f"{var}: README says {cell!r}, Settings {default!r}"
    # anything else is a sentence (defaults that depend on the broker), checked by reading


def test_no_module_reads_the_environment_at_import() -> None:
    """Settings is the only reader of claimwatch's variables in the package."""
    root = README.parent / "streams"
    readers = []
    for path in root.rglob("*.py"):
        # benchmarks and the evaluation/training tools are development commands, not the product
        if path.name == "config.py" or {"bench", "evaluation", "training"} & set(path.parts):
            continue
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"os\.(?:environ\.get|getenv)\(\s*[\"'](CLAIMWATCH_\w+|KAFKA_\w+)", text):
            readers.append(f"{path.relative_to(root)}: {m.group(1)}")
    assert readers == []
