"""The shared YAML data-file loader: lines, limits, refusals and pydantic errors located."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from custodes.datafile import (
    DataFileError,
    FileProblem,
    Location,
    dotted,
    line_of,
    load_model,
    load_yaml,
    validate,
)

VALID = """\
title: Example
date: 2026-01-01
items:
  - name: first
    size: 1
  - name: second
    size: 2
    tags:
      - a
      - b
"""


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    size: int = Field(ge=0)
    tags: list[str] = []


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    date: dt.date
    items: list[Item]


class Circle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shape: Literal["circle"]
    radius: float


class Square(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shape: Literal["square"]
    side: float


class Drawing(BaseModel):
    figures: list[Circle | Square]


def _error(text: str | bytes, **options: Any) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        load_yaml(text, label="t.yaml", **options)
    assert caught.value.label == "t.yaml"
    return caught.value


def _invalid(model: type[BaseModel], text: str) -> DataFileError:
    data, lines = load_yaml(text, label="t.yaml")
    with pytest.raises(DataFileError) as caught:
        validate(model, data, lines, path="t.yaml")
    return caught.value


def test_values_and_the_line_of_every_key_and_item() -> None:
    data, lines = load_yaml(VALID)
    assert data["date"] == dt.date(2026, 1, 1)
    assert data["items"][1]["tags"] == ["a", "b"]
    assert lines[()] == 1
    assert lines[("items",)] == 3  # the key's line, not the line where its list starts
    assert lines[("items", 1)] == 6
    assert lines[("items", 1, "tags", 1)] == 10


def test_line_of_falls_back_to_the_deepest_known_ancestor() -> None:
    _, lines = load_yaml(VALID)
    assert line_of(lines, ("items", 1, "colour")) == 6
    assert line_of(lines, ("nothing", 3)) == 1
    assert line_of({}, ("a",)) is None


@pytest.mark.parametrize(
    ("location", "expected"),
    [((), ""), (("a",), "a"), (("a", 0, "b", 2), "a[0].b[2]"), ((0, "x"), "[0].x")],
)
def test_dotted(location: Location, expected: str) -> None:
    assert dotted(location) == expected


def test_wrong_type_names_line_and_dotted_field() -> None:
    error = _invalid(Document, VALID.replace("size: 2", "size: two"))
    assert (error.line, error.field) == (7, "items[1].size")
    assert "valid integer" in error.message
    assert str(error) == f"t.yaml, line 7, field items[1].size: {error.message}"


def test_every_problem_is_listed_and_counted_in_the_message() -> None:
    text = VALID.replace("size: 2", "size: -2").replace("name: first", "name: [first]")
    error = _invalid(Document, text)
    assert [(p.line, p.field) for p in error.problems] == [
        (4, "items[0].name"),
        (7, "items[1].size"),
    ]
    assert error.problems[0] == FileProblem(error.line, error.field, error.message)
    assert str(error).endswith("(and 1 more problem)")


def test_missing_and_extra_fields_are_located() -> None:
    missing = _invalid(Document, VALID.replace("    size: 1\n", ""))
    assert (missing.line, missing.field, missing.message) == (4, "items[0].size", "Field required")
    extra = _invalid(Document, VALID.replace("    size: 1\n", "    size: 1\n    colour: red\n"))
    assert (extra.line, extra.field) == (6, "items[0].colour")


def test_union_member_tags_are_left_out_of_the_field() -> None:
    text = "figures:\n  - shape: circle\n    radius: 1\n  - shape: square\n    side: wide\n"
    error = _invalid(Drawing, text)
    assert {(p.line, p.field) for p in error.problems} >= {(5, "figures[1].side")}
    assert all("Circle" not in (p.field or "") for p in error.problems)


def test_validate_at_prefixes_the_location() -> None:
    data, lines = load_yaml(VALID)
    with pytest.raises(DataFileError) as caught:
        validate(Circle, data["items"][1], lines, path="t.yaml", at=("items", 1))
    assert caught.value.line == 6
    assert caught.value.field is not None and caught.value.field.startswith("items[1].")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("a: [1, 2\n", 2, "invalid YAML"),
        ("a: 1\n  b: 2\n", 2, "invalid YAML"),
        ("a: 1\n---\nb: 2\n", 2, "invalid YAML"),
        ("a: \x01\n", 1, "invalid text"),
    ],
)
def test_bad_yaml_names_its_line(text: str, line: int, fragment: str) -> None:
    error = _error(text)
    assert error.line == line
    assert fragment in error.message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_empty_file(text: str) -> None:
    error = _error(text)
    assert error.message == "file is empty"


def test_duplicate_key_is_refused_at_its_line() -> None:
    error = _error("a: 1\nb:\n  c: 1\n  c: 2\n")
    assert (error.line, error.field) == (4, "b.c")
    assert error.message == "duplicate key 'c' (first given on line 3)"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\n12: x\n", 2, "keys must be plain text"),
        ("a:\n  2024-01-01: x\n", 2, "keys must be plain text"),
        ("a: 1\nyes: x\n", 2, "keys must be plain text"),
        ("? [a]\n: b\n", 1, "invalid YAML: a key must be a single value"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", 3, "merge keys (<<) are not supported"),
    ],
)
def test_keys_must_be_text(text: str, line: int, message: str) -> None:
    error = _error(text)
    assert (error.line, error.message) == (line, message)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: !!python/object:os.system ls\n", "could not determine a constructor"),
        ("a: !!python/name:os.system\n", "could not determine a constructor"),
        ("a: !!set {x, y}\n", "tag 'tag:yaml.org,2002:set' is not allowed"),
        ("a: !!int zz\n", "bad value 'zz'"),
        ("a: !!timestamp soon\n", "bad value 'soon'"),
        ("a: 2024-13-01\n", "invalid date '2024-13-01'"),
    ],
)
def test_unsafe_tags_and_impossible_values_are_refused(text: str, fragment: str) -> None:
    error = _error(text)
    assert (error.line, error.field) == (1, "a")
    assert error.message.startswith("invalid YAML") and fragment in error.message


def test_depth_is_capped() -> None:
    assert load_yaml("a: [[[1]]]\n", max_depth=4).data == {"a": [[[1]]]}
    error = _error("a: [[[[1]]]]\n", max_depth=4)
    assert error.message == "nested more than 4 levels deep"
    assert error.field == "a[0][0][0][0]"


def test_deep_nesting_beyond_the_parser_fails_cleanly() -> None:
    assert "nested too deeply" in _error("[" * 5000 + "]" * 5000).message


def test_self_referencing_alias_stops_at_the_depth_cap() -> None:
    assert "levels deep" in _error("a: &x [*x]\n").message


def test_alias_bomb_is_bounded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    error = _error("\n".join(lines))
    assert "more than 200,000 YAML nodes" in error.message
    assert "more than 50 YAML nodes" in _error("a: [" + "1, " * 60 + "]", max_nodes=50).message


def test_size_is_capped_for_text_bytes_and_files(tmp_path: Path) -> None:
    assert "larger than 10 bytes" in _error("a: 123456789\n", max_bytes=10).message
    assert "larger than 10 bytes" in _error("a: ééééé\n", max_bytes=10).message  # 13 bytes
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * 3_000_000)
    with pytest.raises(DataFileError, match="larger than 2,000,000 bytes") as caught:
        load_yaml(path)
    assert caught.value.label == str(path) and caught.value.path == path


def test_bytes_must_be_utf8() -> None:
    error = _error(b"a: 1\nb: \xff\n")
    assert (error.line, error.message) == (2, "file is not UTF-8 (byte 8)")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read file") as caught:
        load_yaml(tmp_path / "absent.yaml")
    assert caught.value.line is None


def test_yes_no_words() -> None:
    text = "answers: [yes, no, On, off, true, False]\ncountry: NO\n"
    assert load_yaml(text).data == {
        "answers": [True, False, True, False, True, False],
        "country": False,
    }
    assert load_yaml(text, yes_no_words=True).data == {
        "answers": ["yes", "no", "On", "off", True, False],
        "country": "NO",
    }


class _PackageError(DataFileError):
    location_style = "colons"

    @classmethod
    def field_name(cls, location: Location) -> str | None:
        return "/".join(str(part) for part in location) or None


def test_error_class_and_its_hooks_are_used_throughout(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(VALID.replace("size: 2", "size: -1"))
    with pytest.raises(_PackageError) as caught:
        load_model(path, Document, error=_PackageError)
    assert str(caught.value).startswith(f"{path}:7: items/1/size: ")
    with pytest.raises(_PackageError, match=r"t\.yaml:3: items/0/a: duplicate key"):
        load_yaml("x: 1\nitems:\n  - {a: 1, a: 2}\n", label="t.yaml", error=_PackageError)
    with pytest.raises(_PackageError, match=r"^<string>: file is empty$"):
        load_yaml("", error=_PackageError)


def test_load_model_returns_the_model(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(VALID)
    document = load_model(path, Document)
    assert [item.size for item in document.items] == [1, 2]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!?|>'\"#<\n .1y%@`,\t\\")), max_size=200)
)
def test_random_text_only_raises_data_file_error(text: str) -> None:
    try:
        document = load_yaml(text, label="fuzz.yaml")
    except DataFileError as error:
        assert error.label == "fuzz.yaml"
        assert error.line is None or 1 <= error.line <= text.count("\n") + 2
    else:
        assert all(line >= 1 for line in document.lines.values())


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(VALID)))
def test_truncated_files_load_or_fail_cleanly(cut: int) -> None:
    try:
        data, lines = load_yaml(VALID[:cut], label="cut.yaml")
        validate(Document, data, lines, path="cut.yaml")
    except DataFileError as error:
        assert error.label == "cut.yaml"
