"""Reading roster files: valid files, and bad ones reported by file, line and field."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.roster import RosterError, RosterFileError, load_roster, parse_roster

VALID = """\
schema: custodes.roster/1
source: https://example.org/roster
date: 2024-05-01
bodies:
  - code: alpha
    name: Alpha Police
    aliases: [AP, Heddlu Alpha]
    kind: territorial
    country: Wales
  - code: beta
    name: Beta Constabulary
    kind: special
    country: United Kingdom
    note: A special force.
    source: https://example.org/beta
    date: 2024-04-01
lists:
  - name: round
    version: 1
    title: First round
    description: Everyone.
    source: https://example.org/round
    date: 2024-05-01
    codes: [alpha, beta]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> RosterFileError:
    path = _write(tmp_path, text)
    with pytest.raises(RosterFileError) as caught:
        load_roster(path)
    assert caught.value.file == str(path)
    assert str(path) in str(caught.value)
    return caught.value


def test_valid_file_loads(tmp_path: Path) -> None:
    roster = load_roster(_write(tmp_path, VALID))
    assert [body.code for body in roster.bodies] == ["alpha", "beta"]
    assert roster.body("alpha").aliases == ("AP", "Heddlu Alpha")
    assert roster.body("beta").date == dt.date(2024, 4, 1)
    assert roster.date == dt.date(2024, 5, 1)
    assert roster.get("heddlu alpha").code == "alpha"
    assert roster.recipient_list("round").codes == ("alpha", "beta")


def test_load_roster_accepts_a_string_path(tmp_path: Path) -> None:
    assert len(load_roster(str(_write(tmp_path, VALID))).bodies) == 2


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "problem"),
    [
        ("    kind: special\n", "    kind: regional\n", 12, "bodies[1].kind", "territorial"),
        ("country: Wales", "country: Mars", 9, "bodies[0].country", "England"),
        ("  - code: beta\n", "  - code: Beta Force\n", 10, "bodies[1].code", "pattern"),
        ("    note: A special force.\n", "    colour: blue\n", 14, "bodies[1].colour", "Extra"),
        ("    name: Beta Constabulary\n", "", 10, "bodies[1].name", "Field required"),
        ("    version: 1\n", "    version: one\n", 19, "lists[0].version", "integer"),
        ("    version: 1\n", "    version: 0\n", 19, "lists[0].version", "greater than"),
        ("date: 2024-05-01\nbodies", "date: someday\nbodies", 3, "date", "date"),
        ("schema: custodes.roster/1", "schema: custodes.roster/2", 1, "schema", "roster/1"),
        ("    date: 2024-04-01\n", "", 10, "bodies[1]", "source and date"),
        ("aliases: [AP, Heddlu Alpha]", "aliases: [AP, '!!']", 7, "bodies[0].aliases[1]", "letter"),
        ("codes: [alpha, beta]", "codes: [alpha, gamma]", 24, "lists[0].codes[1]", "'gamma'"),
        ("codes: [alpha, beta]", "codes: [alpha, alpha]", 24, "lists[0].codes[1]", "twice"),
        ("  - code: beta\n", "  - code: alpha\n", 10, "bodies[1].code", "duplicate code"),
        (
            "aliases: [AP, Heddlu Alpha]",
            "aliases: [AP, Beta]",
            7,
            "bodies[0].aliases[1]",
            "already a spelling of Beta Constabulary",
        ),
        (
            "aliases: [AP, Heddlu Alpha]",
            "aliases: [AP, Beta Force]",
            7,
            "bodies[0].aliases[1]",
            "ambiguous",
        ),
        (
            "    note: A special force.\n",
            "    aliases: [A.P.]\n",
            14,
            "bodies[1].aliases[0]",
            "already a spelling of Alpha Police",
        ),
        (
            "    kind: special\n",
            "    kind: special\n    kind: agency\n",
            13,
            "bodies[1].kind",
            "dup",
        ),
    ],
)
def test_bad_values_name_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, problem: str
) -> None:
    assert old in VALID
    error = _error(tmp_path, VALID.replace(old, new, 1))
    assert (error.line, error.field) == (line, field)
    assert problem.lower() in error.problem.lower()
    assert f":{line}: {field}: " in str(error)


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    error = _error(tmp_path, VALID.replace("    kind: special", "    kind: [special", 1))
    assert error.line is not None and error.line >= 12
    assert "invalid YAML" in error.problem


def test_unsafe_tag_is_refused(tmp_path: Path) -> None:
    error = _error(tmp_path, VALID.replace("Alpha Police", "!!python/object:os.system x", 1))
    assert error.line == 6


def test_non_text_key_is_refused(tmp_path: Path) -> None:
    error = _error(tmp_path, VALID.replace("    note:", "    12:", 1))
    assert (error.line, error.problem) == (14, "keys must be plain text")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"# only a comment\n", "empty"),
        (b"- a\n- b\n", "Input should be a valid dictionary"),
        (b"schema: custodes.roster/1\n\xff\xfe\n", "UTF-8"),
    ],
)
def test_degenerate_files(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "roster.yaml"
    path.write_bytes(content)
    with pytest.raises(RosterFileError, match=problem):
        load_roster(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RosterFileError, match="cannot read file") as caught:
        load_roster(tmp_path / "absent.yaml")
    assert caught.value.line is None


def test_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (3 * 1024 * 1024))
    with pytest.raises(RosterFileError, match="larger than"):
        load_roster(path)


def test_alias_bomb_is_bounded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    with pytest.raises(RosterFileError, match="YAML nodes"):
        parse_roster("\n".join(lines), "bomb.yaml")


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(VALID)))
def test_truncated_files_fail_cleanly_or_load(cut: int) -> None:
    try:
        roster = parse_roster(VALID[:cut], "cut.yaml")
    except RosterFileError as exc:
        assert exc.file == "cut.yaml"
    else:
        assert roster.bodies


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_text_only_raises_roster_file_error(text: str) -> None:
    with pytest.raises(RosterError):
        parse_roster(text, "random.yaml")


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0, max_value=len(VALID) - 1), char=st.characters())
def test_single_character_corruption_never_escapes(position: int, char: str) -> None:
    corrupted = VALID[:position] + char + VALID[position + 1 :]
    with contextlib.suppress(RosterFileError):
        parse_roster(corrupted, "corrupt.yaml")


def test_languages_default_to_english_and_may_add_welsh(tmp_path: Path) -> None:
    text = VALID.replace("    country: Wales\n", "    country: Wales\n    languages: [en, cy]\n", 1)
    roster = load_roster(_write(tmp_path, text))
    assert roster.get("alpha").languages == ("en", "cy")
    assert roster.get("beta").languages == ("en",)


@pytest.mark.parametrize("languages", ["[cy]", "[en, en]", "[en, fr]", "[]"])
def test_bad_languages_name_the_field(tmp_path: Path, languages: str) -> None:
    text = VALID.replace(
        "    country: Wales\n", f"    country: Wales\n    languages: {languages}\n", 1
    )
    error = _error(tmp_path, text)
    assert error.field.startswith("bodies[0]"), str(error)
    assert error.line is not None
