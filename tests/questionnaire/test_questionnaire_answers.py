"""Parsing and validating answers, and checking whole submissions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.questionnaire import (
    AnswerError,
    AnswerType,
    FieldError,
    Option,
    Question,
    Questionnaire,
    check_submission,
    parse_answer,
    validate_answer,
)

YNU = Question(id="b.ynu", text="?", type=AnswerType.YES_NO_UNSURE)
COUNT = Question(id="b.count", text="?", type=AnswerType.COUNT)
BOUNDED = Question(id="b.bounded", text="?", type=AnswerType.COUNT, minimum=1, maximum=100)
OPTIONS = [
    Option(value="fixed", label="Fixed cameras"),
    Option(value="mobile", label="Mobile cameras"),
    Option(value="body_worn", label="Body-worn"),
    Option(value="none", label="None of these", exclusive=True),
]
SINGLE = Question(id="b.single", text="?", type=AnswerType.SINGLE_CHOICE, options=OPTIONS[:3])
MULTI = Question(id="b.multi", text="?", type=AnswerType.MULTIPLE_CHOICE, options=OPTIONS)
CAPS = Question(id="b.caps", text="?", type=AnswerType.CAPABILITIES, options=OPTIONS)
MAKERS = Question(id="b.makers", text="?", type=AnswerType.MANUFACTURERS)
TEXT = Question(id="b.text", text="?", type=AnswerType.TEXT)
ALL = [YNU, COUNT, BOUNDED, SINGLE, MULTI, CAPS, MAKERS, TEXT]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", "yes"),
        (" YES ", "yes"),
        ("Y", "yes"),
        ("n", "no"),
        ("No", "no"),
        ("unsure", "unsure"),
        ("Don't know", "unsure"),
        ("don\u2019t  know", "unsure"),
        ("not sure", "unsure"),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_yes_no_unsure(raw: str, expected: str | None) -> None:
    assert parse_answer(YNU, raw) == expected


@pytest.mark.parametrize("raw", ["maybe", "yess", "true", "1"])
def test_parse_yes_no_unsure_rejects(raw: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer(YNU, raw)
    assert caught.value.question_id == "b.ynu"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0", 0), ("12", 12), (" 1,200 ", 1200), ("1,234,567", 1234567), ("007", 7)],
)
def test_parse_count(raw: str, expected: int) -> None:
    assert parse_answer(COUNT, raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-3", "0 or more"),
        ("1,20", "whole number"),
        ("12,0000", "whole number"),
        ("1.5", "whole number"),
        ("twelve", "whole number"),
        ("\u0661\u0662", "whole number"),
        ("9" * 13, "smaller number"),
        ("9" * 5000, "smaller number"),
    ],
)
def test_parse_count_rejects(raw: str, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        parse_answer(COUNT, raw)


def test_count_bounds() -> None:
    assert parse_answer(BOUNDED, "100") == 100
    with pytest.raises(AnswerError, match="1 or more"):
        parse_answer(BOUNDED, "0")
    with pytest.raises(AnswerError, match="100 or fewer"):
        validate_answer(BOUNDED, 101)


def test_choices_match_value_or_label_ignoring_case() -> None:
    assert parse_answer(SINGLE, "MOBILE") == "mobile"
    assert parse_answer(SINGLE, "fixed  cameras") == "fixed"
    assert validate_answer(SINGLE, "Body_Worn") == "body_worn"
    with pytest.raises(AnswerError, match="not one of the options"):
        validate_answer(SINGLE, "Fixed cameras")  # labels only from text input
    with pytest.raises(AnswerError, match="not one of the options"):
        parse_answer(SINGLE, "drone")


def test_multiple_choice_is_ordered_and_deduplicated() -> None:
    assert parse_answer(MULTI, "Body-worn; fixed ;; FIXED") == ["fixed", "body_worn"]
    assert validate_answer(CAPS, ["none", "mobile", "mobile"]) == ["mobile", "none"]
    assert parse_answer(MULTI, " ; ; ") is None
    with pytest.raises(AnswerError):
        validate_answer(MULTI, "fixed")
    with pytest.raises(AnswerError):
        validate_answer(MULTI, ["fixed", 3])


def test_manufacturers_are_kept_verbatim() -> None:
    raw = " Hikvision ;HIKVISION; Dahua Technology Co., Ltd ;; Hikvision "
    assert parse_answer(MAKERS, raw) == ["Hikvision", "HIKVISION", "Dahua Technology Co., Ltd"]
    assert validate_answer(MAKERS, ["  Acme  ", "", "Acme"]) == ["Acme"]
    with pytest.raises(AnswerError, match="200 characters"):
        validate_answer(MAKERS, ["x" * 201])
    with pytest.raises(AnswerError, match="500 answers"):
        validate_answer(MAKERS, ["x"] * 501)
    with pytest.raises(AnswerError):
        validate_answer(MAKERS, "Acme")


def test_text_is_trimmed_and_bounded() -> None:
    assert validate_answer(TEXT, "  hello\nthere  ") == "hello\nthere"
    assert validate_answer(TEXT, "x" * 10_000) == "x" * 10_000
    with pytest.raises(AnswerError, match="10,000 characters"):
        validate_answer(TEXT, "x" * 10_001)
    with pytest.raises(AnswerError):
        validate_answer(TEXT, 5)


@pytest.mark.parametrize("question", ALL, ids=lambda q: q.id)
def test_a_nul_character_is_refused_by_every_question_type(question: Question) -> None:
    with pytest.raises(AnswerError) as parsed:
        parse_answer(question, "yes\x00")
    assert parsed.value.question_id == question.id
    assert "NUL" in parsed.value.message
    for value in ("a\x00b", ["a\x00b"]):
        with pytest.raises(AnswerError):
            validate_answer(question, value)


@pytest.mark.parametrize("value", [True, False, "12", 1.5, [3], {"n": 1}])
def test_validate_count_rejects_non_numbers(value: Any) -> None:
    with pytest.raises(AnswerError, match="whole number"):
        validate_answer(COUNT, value)


def test_validate_count_accepts_integral_float() -> None:
    assert validate_answer(COUNT, 12.0) == 12


@pytest.mark.parametrize("question", ALL, ids=[q.id for q in ALL])
@pytest.mark.parametrize("blank", [None, "", "  ", []])
def test_blank_answers_are_none(question: Question, blank: Any) -> None:
    assert validate_answer(question, blank) is None


def test_parse_answer_needs_text() -> None:
    with pytest.raises(AnswerError):
        parse_answer(TEXT, 12)  # type: ignore[arg-type]
    with pytest.raises(AnswerError, match="100,000 characters"):
        parse_answer(TEXT, "x" * 100_001)


# --- round trips -----------------------------------------------------------------------------

_SAFE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=";\x00"), max_size=40
).map(str.strip)


def _normalised_values(question: Question) -> st.SearchStrategy[Any]:
    """Valid normalised answers for ``question``."""
    match question.type:
        case AnswerType.YES_NO_UNSURE:
            return st.sampled_from(["yes", "no", "unsure"])
        case AnswerType.SINGLE_CHOICE:
            return st.sampled_from([option.value for option in question.options])
        case AnswerType.MULTIPLE_CHOICE | AnswerType.CAPABILITIES:
            values = [option.value for option in question.options]
            return st.sets(st.sampled_from(values), min_size=1).map(
                lambda chosen: [v for v in values if v in chosen]
            )
        case AnswerType.COUNT:
            low = question.minimum or 0
            return st.integers(min_value=low, max_value=question.maximum or 10**11)
        case AnswerType.MANUFACTURERS:
            return st.lists(_SAFE_TEXT.filter(bool), min_size=1, max_size=8, unique=True)
        case AnswerType.TEXT:
            return _SAFE_TEXT.filter(bool)


def _as_text(question: Question, value: Any, use_labels: bool) -> str:
    """Render a normalised answer the way a CSV cell might hold it."""
    if question.type is AnswerType.COUNT:
        return f"{value:,}" if use_labels else str(value)
    if isinstance(value, list):
        if use_labels and question.options:
            labels = {option.value: option.label for option in question.options}
            value = [labels[item].upper() for item in value]
        return "; ".join(value)
    if use_labels and question.options:
        return next(o.label for o in question.options if o.value == value).lower()
    return str(value)


@st.composite
def _question_and_value(draw: st.DrawFn) -> tuple[Question, Any]:
    question = draw(st.sampled_from(ALL))
    return question, draw(_normalised_values(question))


@settings(max_examples=300)
@given(pair=_question_and_value(), use_labels=st.booleans())
def test_parse_round_trip(pair: tuple[Question, Any], use_labels: bool) -> None:
    question, value = pair
    assert parse_answer(question, _as_text(question, value, use_labels)) == value


@settings(max_examples=300)
@given(pair=_question_and_value())
def test_validate_is_idempotent(pair: tuple[Question, Any]) -> None:
    question, value = pair
    assert validate_answer(question, value) == value
    assert validate_answer(question, validate_answer(question, value)) == value


@settings(max_examples=300)
@given(question=st.sampled_from(ALL), raw=st.text(max_size=60))
def test_parse_never_fails_unexpectedly(question: Question, raw: str) -> None:
    try:
        value = parse_answer(question, raw)
    except AnswerError as error:
        assert error.question_id == question.id and error.message
    else:
        assert validate_answer(question, value) == value


@settings(max_examples=300)
@given(
    question=st.sampled_from(ALL),
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
        max_leaves=8,
    ),
)
def test_validate_never_fails_unexpectedly(question: Question, value: Any) -> None:
    try:
        normalised = validate_answer(question, value)
    except AnswerError:
        return
    assert validate_answer(question, normalised) == normalised


# --- submissions -----------------------------------------------------------------------------


def test_draft_reports_only_format_errors(small: Questionnaire) -> None:
    answers = {"cams.operates": "yes", "cams.count": "lots", "extra.thing": "x"}
    assert check_submission(small, answers, final=False) == [
        FieldError("cams.count", "Enter a whole number, like 12")
    ]


def test_final_reports_required_exclusive_and_unknown(small: Questionnaire) -> None:
    answers = {
        "cams.operates": "yes",
        "cams.count": 0,
        "cams.kinds": ["fixed", "none"],
        "extra.thing": "x",
    }
    assert check_submission(small, answers, final=True) == [
        FieldError("cams.count", "Enter a number that is 1 or more"),
        FieldError(
            "cams.kinds",
            "Select 'None of the above' on its own, or clear it and select the options that apply",
        ),
        FieldError("extra.thing", "This question is not part of the questionnaire"),
    ]


def test_final_required_follows_applicability(small: Questionnaire) -> None:
    assert check_submission(small, {}, final=True) == [
        FieldError("cams.operates", "Select yes, no or unsure")
    ]
    # Not operating cameras: nothing else is required.
    assert check_submission(small, {"cams.operates": "no"}, final=True) == []
    # Unsure: the rest is of unknown applicability, so it is not demanded.
    assert check_submission(small, {"cams.operates": "unsure"}, final=True) == []
    errors = check_submission(small, {"cams.operates": "yes"}, final=True)
    assert errors == [
        FieldError("cams.kinds", "Select at least one option, or select 'None of the above'")
    ]
    errors = check_submission(small, {"cams.operates": "yes", "cams.kinds": ["mobile"]}, final=True)
    assert errors == [FieldError("cams.detail", "Enter an answer")]


def test_invalid_controlling_answer_makes_dependants_unknown(small: Questionnaire) -> None:
    errors = check_submission(small, {"cams.operates": "perhaps"}, final=True)
    assert errors == [FieldError("cams.operates", "Select yes, no or unsure")]
