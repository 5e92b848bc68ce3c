"""Loading questionnaire files: every kind of bad file names the right line and field."""

from __future__ import annotations

import textwrap
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.questionnaire import (
    DefinitionError,
    Questionnaire,
    QuestionnaireError,
    QuestionnaireFileError,
    UnknownBlock,
    UnknownQuestion,
    load_questionnaire,
    load_shipped,
    parse_questionnaire,
)

HEADER = textwrap.dedent(
    """\
    schema: custodes.questionnaire/1
    id: t
    version: "1"
    title: T
    description: D
    source: https://example.org/t
    date: 2024-01-31
    blocks:
    """
)
# Lines 9-14: one valid block with one question.
BLOCK = """\
  - id: a
    title: A
    questions:
      - id: q1
        text: Q1
        type: yes_no_unsure
"""


def _doc(body: str) -> str:
    return HEADER + textwrap.dedent(body)


def _error(text: str) -> QuestionnaireFileError:
    with pytest.raises(QuestionnaireFileError) as caught:
        parse_questionnaire(text, "bad.yaml")
    return caught.value


def test_minimal_file_loads() -> None:
    questionnaire = parse_questionnaire(_doc(BLOCK))
    assert [q.id for q in questionnaire.questions()] == ["a.q1"]


BAD_BLOCKS: list[tuple[str, str, int, str, str]] = [
    (
        "unknown answer type",
        BLOCK.replace("yes_no_unsure", "banana"),
        14,
        "blocks[0].questions[0].type",
        "Input should be 'yes_no_unsure'",
    ),
    (
        "missing question text",
        BLOCK.replace("        text: Q1\n", ""),
        12,
        "blocks[0].questions[0].text",
        "Field required",
    ),
    (
        "unexpected field",
        BLOCK + "        colour: red\n",
        15,
        "blocks[0].questions[0].colour",
        "Extra inputs are not permitted",
    ),
    (
        "choice without options",
        BLOCK.replace("yes_no_unsure", "single_choice"),
        12,
        "blocks[0].questions[0].options",
        "needs options",
    ),
    (
        "options on a yes/no question",
        BLOCK + "        options:\n          - {value: x, label: X}\n",
        15,
        "blocks[0].questions[0].options",
        "takes no options",
    ),
    (
        "two exclusive options",
        BLOCK.replace("yes_no_unsure", "multiple_choice")
        + "        options:\n"
        + "          - {value: x, label: X, exclusive: true}\n"
        + "          - {value: y, label: Y}\n"
        + "          - {value: z, label: Z, exclusive: true}\n",
        18,
        "blocks[0].questions[0].options[2].exclusive",
        "at most one option may be exclusive",
    ),
    (
        "exclusive option on a single choice",
        BLOCK.replace("yes_no_unsure", "single_choice")
        + "        options:\n"
        + "          - {value: x, label: X, exclusive: true}\n",
        16,
        "blocks[0].questions[0].options[0].exclusive",
        "only multiple_choice and capabilities",
    ),
    (
        "duplicate option value",
        BLOCK.replace("yes_no_unsure", "capabilities")
        + "        options:\n"
        + "          - {value: x, label: X}\n"
        + "          - {value: x, label: X again}\n",
        17,
        "blocks[0].questions[0].options[1].value",
        "duplicate option 'x'",
    ),
    (
        "option value with spaces",
        BLOCK.replace("yes_no_unsure", "single_choice")
        + "        options:\n"
        + "          - {value: two words, label: X}\n",
        16,
        "blocks[0].questions[0].options[0].value",
        "String should match pattern",
    ),
    (
        "bound on a text question",
        BLOCK.replace("yes_no_unsure", "text") + "        minimum: 1\n",
        15,
        "blocks[0].questions[0].minimum",
        "only count questions take a minimum",
    ),
    (
        "minimum above maximum",
        BLOCK.replace("yes_no_unsure", "count") + "        minimum: 5\n        maximum: 2\n",
        16,
        "blocks[0].questions[0].maximum",
        "maximum must not be below minimum",
    ),
    (
        "negative minimum",
        BLOCK.replace("yes_no_unsure", "count") + "        minimum: -1\n",
        15,
        "blocks[0].questions[0].minimum",
        "0 or more",
    ),
    (
        "badly formed question id",
        BLOCK.replace("id: q1", "id: Q-1"),
        12,
        "blocks[0].questions[0].id",
        "String should match pattern",
    ),
    (
        "question id from another block",
        BLOCK.replace("id: q1", "id: b.q1"),
        12,
        "blocks[0].questions[0].id",
        "question 'b.q1' is not in block 'a'",
    ),
    (
        "duplicate question id",
        BLOCK + "      - id: a.q1\n        text: Again\n        type: text\n",
        15,
        "blocks[0].questions[1].id",
        "duplicate question id 'a.q1'",
    ),
    (
        "duplicate block id",
        BLOCK
        + "  - id: a\n    title: A2\n    questions:\n      - {id: q2, text: Q2, type: text}\n",
        15,
        "blocks[1].id",
        "duplicate block id 'a'",
    ),
    (
        "empty block",
        "  - id: a\n    title: A\n    questions: []\n",
        11,
        "blocks[0].questions",
        "at least 1 item",
    ),
    (
        "condition on an unknown question",
        BLOCK + "      - id: q2\n        text: Q2\n        type: text\n"
        "        when: {question: a.nope, in: [yes]}\n",
        18,
        "blocks[0].questions[1].when.question",
        "unknown question 'a.nope'",
    ),
    (
        "condition on a later question",
        BLOCK + "        when: {question: q2, in: [yes]}\n"
        "      - id: q2\n        text: Q2\n        type: yes_no_unsure\n",
        15,
        "blocks[0].questions[0].when.question",
        "must come before",
    ),
    (
        "condition on itself",
        BLOCK + "        when: {question: q1, in: [yes]}\n",
        15,
        "blocks[0].questions[0].when.question",
        "must come before",
    ),
    (
        "condition on a text question",
        BLOCK.replace("yes_no_unsure", "text")
        + "      - id: q2\n        text: Q2\n        type: text\n"
        "        when: {question: q1, in: [yes]}\n",
        18,
        "blocks[0].questions[1].when.question",
        "is a text question",
    ),
    (
        "condition value that is not an answer",
        BLOCK + "      - id: q2\n        text: Q2\n        type: text\n"
        "        when: {question: q1, in: [yes, maybe]}\n",
        18,
        "blocks[0].questions[1].when.in[1]",
        "'maybe' is not an answer to 'a.q1'",
    ),
    (
        "condition with no values",
        BLOCK + "      - id: q2\n        text: Q2\n        type: text\n"
        "        when: {question: q1, in: []}\n",
        18,
        "blocks[0].questions[1].when.in",
        "at least 1 item",
    ),
    (
        "block condition on a question inside it but not first",
        "  - id: a\n    title: A\n    when: {question: operates, in: [yes]}\n    questions:\n"
        "      - {id: q1, text: Q1, type: text}\n"
        "      - {id: operates, text: Op, type: yes_no_unsure}\n",
        11,
        "blocks[0].when.question",
        "must come before",
    ),
    (
        "block condition on a later block",
        "  - id: a\n    title: A\n    when: {question: b.op, in: [yes]}\n    questions:\n"
        "      - {id: q1, text: Q1, type: text}\n"
        "  - id: b\n    title: B\n    questions:\n"
        "      - {id: op, text: Op, type: yes_no_unsure}\n",
        11,
        "blocks[0].when.question",
        "must come before",
    ),
    (
        "block that is not a mapping",
        "  - just text\n",
        9,
        "blocks[0]",
        "valid dictionary",
    ),
]


@pytest.mark.parametrize(
    ("body", "line", "field", "fragment"),
    [case[1:] for case in BAD_BLOCKS],
    ids=[case[0] for case in BAD_BLOCKS],
)
def test_bad_block(body: str, line: int, field: str, fragment: str) -> None:
    error = _error(_doc(body))
    assert (error.line, error.field) == (line, field), str(error)
    assert fragment in error.message
    assert str(error).startswith(f"bad.yaml, line {line}, field {field}: ")


FINDING = """\
findings:
  - id: f1
    title: F
    block: a
    numerator: {question: a.q1, equals: yes}
    denominator: respondents
    denominator_label: all
"""

BAD_FINDINGS: list[tuple[str, str, str, int, str, str]] = [
    ("unknown block", "block: a", "block: zzz", 18, "findings[0].block", "unknown block 'zzz'"),
    (
        "unknown numerator question",
        "{question: a.q1, equals: yes}",
        "{question: a.nope, equals: yes}",
        19,
        "findings[0].numerator.question",
        "unknown question 'a.nope'",
    ),
    (
        "numerator value not an answer",
        "equals: yes}",
        "equals: maybe}",
        19,
        "findings[0].numerator.equals",
        "'maybe' is not an answer",
    ),
    (
        "numerator with a short id",
        "{question: a.q1,",
        "{question: q1,",
        19,
        "findings[0].numerator.question",
        "String should match pattern",
    ),
    (
        "unknown denominator word",
        "denominator: respondents",
        "denominator: everyone",
        20,
        "findings[0].denominator",
        "Input should be 'respondents'",
    ),
    (
        "denominator on an unknown question",
        "denominator: respondents",
        "denominator: {question: a.gone, equals: yes}",
        20,
        "findings[0].denominator.question",
        "unknown question 'a.gone'",
    ),
    (
        "missing denominator label",
        "    denominator_label: all\n",
        "",
        16,
        "findings[0].denominator_label",
        "Field required",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "fragment"),
    [case[1:] for case in BAD_FINDINGS],
    ids=[case[0] for case in BAD_FINDINGS],
)
def test_bad_finding(old: str, new: str, line: int, field: str, fragment: str) -> None:
    assert old in FINDING
    error = _error(_doc(BLOCK) + FINDING.replace(old, new))
    assert (error.line, error.field) == (line, field), str(error)
    assert fragment in error.message


def test_duplicate_finding_id() -> None:
    second = FINDING.split("\n", 1)[1]
    error = _error(_doc(BLOCK) + FINDING + second)
    assert (error.line, error.field) == (22, "findings[1].id")
    assert "duplicate finding id 'f1'" in error.message


BAD_HEADERS: list[tuple[str, str, str, int | None, str | None, str]] = [
    ("missing schema", "schema: custodes.questionnaire/1\n", "", 1, "schema", "expected schema"),
    (
        "wrong schema",
        "questionnaire/1\n",
        "questionnaire/2\n",
        1,
        "schema",
        "got 'custodes.questionnaire/2'",
    ),
    ("impossible date", "2024-01-31", "2024-13-01", 7, "date", "invalid date '2024-13-01'"),
    ("date that is not a date", "2024-01-31", "soon", 7, "date", "valid date"),
    ("source that is not a URL", "https://example.org/t", "ftp://x", 6, "source", "pattern"),
    ("version as a number", 'version: "1"', "version: 1", 3, "version", "valid string"),
    ("duplicate key", "title: T\n", "title: T\ntitle: U\n", 5, "title", "duplicate key 'title'"),
    ("bad indentation", "title: T\n", "title: T\n  oops: 1\n", 5, None, "invalid YAML"),
    ("unknown top-level field", "title: T\n", "title: T\nowner: me\n", 5, "owner", "Extra inputs"),
    ("missing title", "title: T\n", "", 1, "title", "Field required"),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "fragment"),
    [case[1:] for case in BAD_HEADERS],
    ids=[case[0] for case in BAD_HEADERS],
)
def test_bad_header(old: str, new: str, line: int | None, field: str | None, fragment: str) -> None:
    text = _doc(BLOCK)
    assert old in text
    error = _error(text.replace(old, new, 1))
    assert (error.line, error.field) == (line, field), str(error)
    assert fragment in error.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "file is empty"),
        ("# only a comment\n", "file is empty"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("a: [1, 2\n", "invalid YAML"),
        ("? [a]\n: b\n", "invalid YAML"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ("a: !!python/object:os.system ls\n", "invalid YAML"),
    ],
)
def test_unreadable_yaml(text: str, fragment: str) -> None:
    assert fragment in _error(text).message


def test_alias_bomb_is_refused() -> None:
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for name, previous in zip("bcdefg", "abcdef", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    assert "YAML nodes" in _error("\n".join(lines) + "\n").message


def test_aliases_within_limits_are_allowed() -> None:
    text = _doc(
        BLOCK.replace("yes_no_unsure", "capabilities")
        + "        options: &caps\n          - {value: x, label: X}\n"
        + "      - id: q2\n        text: Q2\n        type: capabilities\n        options: *caps\n"
    )
    questionnaire = parse_questionnaire(text)
    assert questionnaire.question("a.q2").options == questionnaire.question("a.q1").options


def test_bytes_must_be_utf8() -> None:
    error = _error(
        _doc(BLOCK).replace("title: T", "title: \udcff").encode("utf-8", "surrogateescape")
    )
    assert "not UTF-8" in error.message


def test_oversized_file_is_refused() -> None:
    assert "larger than" in _error("a: " + "x" * 2_000_001).message


def test_yaml_booleans_read_as_words() -> None:
    text = _doc(
        BLOCK + "      - id: q2\n        text: Q2\n        type: text\n"
        "        when: {question: q1, in: [yes, no]}\n"
    )
    assert parse_questionnaire(text).question("a.q2").when.in_ == ["yes", "no"]  # type: ignore[union-attr]


def test_every_problem_is_reported() -> None:
    error = _error(_doc(BLOCK.replace("yes_no_unsure", "banana") + "        colour: red\n"))
    assert [(p.line, p.field) for p in error.problems] == [
        (14, "blocks[0].questions[0].type"),
        (15, "blocks[0].questions[0].colour"),
    ]
    assert str(error).endswith("(and 1 more problem)")


def test_load_from_path(tmp_path: Path) -> None:
    path = tmp_path / "police.yaml"
    path.write_text(_doc(BLOCK.replace("yes_no_unsure", "count")).replace("type: count", "type: x"))
    with pytest.raises(QuestionnaireFileError) as caught:
        load_questionnaire(path)
    assert caught.value.file == str(path)
    assert str(caught.value).startswith(f"{path}, line 14, field blocks[0].questions[0].type: ")
    path.write_text(_doc(BLOCK))
    assert load_questionnaire(str(path)).id == "t"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireFileError, match="cannot read file"):
        load_questionnaire(tmp_path / "absent.yaml")


def test_python_construction_checks_definition() -> None:
    data = parse_questionnaire(_doc(BLOCK)).model_dump(by_alias=True)
    data["blocks"].append(data["blocks"][0])
    with pytest.raises(DefinitionError) as caught:
        Questionnaire.model_validate(data)
    assert caught.value.field == "blocks[1].id"
    assert isinstance(caught.value, QuestionnaireError)


def test_unknown_question_is_a_key_error() -> None:
    questionnaire = parse_questionnaire(_doc(BLOCK))
    with pytest.raises(KeyError) as caught:
        questionnaire.question("a.nope")
    assert isinstance(caught.value, UnknownQuestion)
    assert "a.nope" in str(caught.value) and "'t'" in str(caught.value)
    with pytest.raises(UnknownQuestion):
        questionnaire.block_of("zz.top")
    with pytest.raises(UnknownBlock, match="no block 'zz'"):
        questionnaire.block("zz")


SHIPPED_TEXT = (
    resources.files("custodes")
    .joinpath("data/questionnaires/police-estate-2022.yaml")
    .read_text(encoding="utf-8")
)


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(SHIPPED_TEXT)))
def test_truncated_files_fail_cleanly(cut: int) -> None:
    try:
        result = parse_questionnaire(SHIPPED_TEXT[:cut], "cut.yaml")
    except QuestionnaireFileError as error:
        assert error.file == "cut.yaml"
        assert error.line is None or 1 <= error.line <= SHIPPED_TEXT[:cut].count("\n") + 1
    else:
        # Some cuts (between blocks, inside a hint) still leave a valid, shorter questionnaire.
        shipped_ids = [block.id for block in load_shipped("police-estate-2022").blocks]
        assert [block.id for block in result.blocks] == shipped_ids[: len(result.blocks)]


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!?|>'\"#\n .1y")), max_size=200))
def test_random_text_fails_cleanly(text: str) -> None:
    with pytest.raises(QuestionnaireFileError):
        parse_questionnaire(HEADER + text, "random.yaml")
