"""The README's table of fingerprint rule files lists every shipped rule file with its number
of rules, so that the documentation of where rules come from stays true."""

from __future__ import annotations

import re
from pathlib import Path

from custodes.discovery.rules import default_rule_directory

from .conftest import shipped_rules

README = Path(__file__).resolve().parents[2] / "README.md"
_ROW = re.compile(r"^\| (`[\w.-]+\.yaml`(?:, `[\w.-]+\.yaml`)*) \| ([\d, ]+) \|", re.M)


def test_readme_lists_every_rule_file_with_its_number_of_rules() -> None:
    listed: dict[str, int] = {}
    for files, counts in _ROW.findall(README.read_text(encoding="utf-8")):
        names = re.findall(r"`([\w.-]+)\.yaml`", files)
        numbers = [int(number) for number in counts.split(",")]
        assert len(names) == len(numbers), files
        listed.update(zip(names, numbers, strict=True))
    shipped = {path.stem for path in default_rule_directory().glob("*.yaml")}
    assert set(listed) == shipped
    assert listed == {name: len(shipped_rules(name)) for name in shipped}
