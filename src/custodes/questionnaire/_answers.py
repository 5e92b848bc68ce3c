"""Parsing, normalising and checking answers to questionnaire questions.

Normalised answers are JSON-serialisable: ``"yes"``/``"no"``/``"unsure"``, an option value, a
list of option values (file order, no duplicates), a non-negative int, a list of manufacturer
names kept verbatim, or a trimmed string. A blank answer of any type normalises to ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._errors import AnswerError, FieldError, UnknownQuestion
from ._schema import (
    MULTI_CHOICE_TYPES,
    NO,
    UNSURE,
    YES,
    AnswerType,
    Question,
    Questionnaire,
    is_blank,
)

MAX_TEXT_LENGTH = 10_000
MAX_RAW_LENGTH = 100_000
MAX_LIST_ITEMS = 500
MAX_MANUFACTURER_LENGTH = 200
MAX_COUNT_DIGITS = 12
LIST_SEPARATOR = ";"
NUL_MESSAGE = "Answer must not contain a NUL character (\\x00)"

_COUNT_PATTERN = re.compile(r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)$")
_YES_NO_UNSURE_WORDS: dict[str, str] = {
    YES: YES,
    "y": YES,
    NO: NO,
    "n": NO,
    UNSURE: UNSURE,
    "don't know": UNSURE,
    "dont know": UNSURE,
    "do not know": UNSURE,
    "not sure": UNSURE,
}


def _fold(text: str) -> str:
    """Case-fold, unify apostrophes and collapse whitespace, for lenient matching."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split()).casefold()


def _require_str(question: Question, value: Any, message: str) -> str:
    if not isinstance(value, str):
        raise AnswerError(question.id, message)
    if "\x00" in value:  # no database stores it in text or JSON (PostgreSQL refuses it)
        raise AnswerError(question.id, NUL_MESSAGE)
    return value


def _require_list(question: Question, value: Any, message: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise AnswerError(question.id, message)
    if len(value) > MAX_LIST_ITEMS:
        raise AnswerError(question.id, f"Give {MAX_LIST_ITEMS} answers or fewer")
    return list(value)


def _validate_yes_no_unsure(question: Question, value: Any) -> str:
    text = _require_str(question, value, "Select yes, no or unsure")
    folded = _fold(text)
    if folded not in (YES, NO, UNSURE):
        raise AnswerError(question.id, "Select yes, no or unsure")
    return folded


def _option_by_value(question: Question, value: Any) -> str:
    if isinstance(value, str):
        folded = _fold(value)
        for option in question.options:
            if option.value == folded:
                return option.value
    shown = value if isinstance(value, str) else repr(value)
    raise AnswerError(
        question.id, f"'{shown[:80]}' is not one of the options; select from the list"
    )


def _validate_multi(question: Question, value: Any) -> list[str] | None:
    items = _require_list(question, value, "Select the options that apply")
    chosen = {_option_by_value(question, item) for item in items if not is_blank(item)}
    ordered = [option.value for option in question.options if option.value in chosen]
    return ordered or None


def _check_count_range(question: Question, number: int) -> int:
    minimum = question.minimum if question.minimum is not None else 0
    if number < minimum:
        raise AnswerError(question.id, f"Enter a number that is {minimum} or more")
    if question.maximum is not None and number > question.maximum:
        raise AnswerError(question.id, f"Enter a number that is {question.maximum} or fewer")
    return number


def _validate_count(question: Question, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AnswerError(question.id, "Enter a whole number, like 12")
    if isinstance(value, float):
        if not value.is_integer():
            raise AnswerError(question.id, "Enter a whole number, like 12")
        value = int(value)
    if abs(value) >= 10**MAX_COUNT_DIGITS:
        raise AnswerError(question.id, "Enter a smaller number")
    return _check_count_range(question, value)


def _validate_manufacturers(question: Question, value: Any) -> list[str] | None:
    items = _require_list(question, value, "Enter the manufacturers as a list of names")
    names: list[str] = []
    for item in items:
        name = _require_str(question, item, "Enter each manufacturer as a name").strip()
        if len(name) > MAX_MANUFACTURER_LENGTH:
            raise AnswerError(
                question.id,
                f"Each manufacturer name must be {MAX_MANUFACTURER_LENGTH} characters or fewer",
            )
        if name and name not in names:
            names.append(name)
    return names or None


def _validate_text(question: Question, value: Any) -> str:
    text = _require_str(question, value, "Enter your answer as text").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise AnswerError(question.id, f"Answer must be {MAX_TEXT_LENGTH:,} characters or fewer")
    return text


def validate_answer(question: Question, value: Any) -> Any:
    """Normalise a JSON answer value for ``question``, or raise AnswerError.

    Blank answers (None, empty or whitespace string, empty list) give None.
    """
    if is_blank(value):
        return None
    match question.type:
        case AnswerType.YES_NO_UNSURE:
            return _validate_yes_no_unsure(question, value)
        case AnswerType.SINGLE_CHOICE:
            return _option_by_value(question, value)
        case AnswerType.MULTIPLE_CHOICE | AnswerType.CAPABILITIES:
            return _validate_multi(question, value)
        case AnswerType.COUNT:
            return _validate_count(question, value)
        case AnswerType.MANUFACTURERS:
            return _validate_manufacturers(question, value)
        case AnswerType.TEXT:
            return _validate_text(question, value)


def _option_by_value_or_label(question: Question, text: str) -> str:
    folded = _fold(text)
    for option in question.options:
        if folded in (option.value, _fold(option.label)):
            return option.value
    raise AnswerError(question.id, f"'{text[:80]}' is not one of the options; select from the list")


def _parse_count(question: Question, text: str) -> int:
    negative = text.startswith("-")
    digits = text[1:].strip() if negative else text
    if not _COUNT_PATTERN.fullmatch(digits):
        raise AnswerError(question.id, "Enter a whole number, like 12 or 1,200")
    plain = digits.replace(",", "")
    if len(plain) > MAX_COUNT_DIGITS:
        raise AnswerError(question.id, "Enter a smaller number")
    number = int(plain)
    return _validate_count(question, -number if negative else number)


def _split_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(LIST_SEPARATOR) if part.strip()]


def parse_answer(question: Question, raw: str) -> Any:
    """Turn text from a CSV cell or the command line into a normalised answer.

    Lists are split on ``;``; yes/no/unsure also accept ``y``, ``n`` and ``don't know``;
    counts accept thousands separators (``1,200``); choices match an option's value or label,
    ignoring case. Blank text gives None.
    """
    _require_str(question, raw, "Enter your answer as text")
    if len(raw) > MAX_RAW_LENGTH:
        raise AnswerError(question.id, f"Answer must be {MAX_RAW_LENGTH:,} characters or fewer")
    text = raw.strip()
    if not text:
        return None
    match question.type:
        case AnswerType.YES_NO_UNSURE:
            word = _YES_NO_UNSURE_WORDS.get(_fold(text))
            if word is None:
                raise AnswerError(question.id, "Answer yes, no or unsure")
            return word
        case AnswerType.SINGLE_CHOICE:
            return _option_by_value_or_label(question, text)
        case AnswerType.MULTIPLE_CHOICE | AnswerType.CAPABILITIES:
            parts = _split_list(text)
            return _validate_multi(
                question, [_option_by_value_or_label(question, part) for part in parts]
            )
        case AnswerType.COUNT:
            return _parse_count(question, text)
        case AnswerType.MANUFACTURERS:
            return _validate_manufacturers(question, _split_list(text))
        case AnswerType.TEXT:
            return _validate_text(question, text)


def _required_message(question: Question) -> str:
    match question.type:
        case AnswerType.YES_NO_UNSURE:
            return "Select yes, no or unsure"
        case AnswerType.SINGLE_CHOICE:
            return "Select an option"
        case AnswerType.MULTIPLE_CHOICE | AnswerType.CAPABILITIES:
            exclusive = question.exclusive_option
            if exclusive is not None:
                return f"Select at least one option, or select '{exclusive.label}'"
            return "Select at least one option"
        case AnswerType.COUNT:
            return "Enter a number"
        case AnswerType.MANUFACTURERS:
            return "Enter at least one manufacturer or supplier"
        case AnswerType.TEXT:
            return "Enter an answer"


def check_submission(
    questionnaire: Questionnaire, answers: Mapping[str, Any], *, final: bool
) -> list[FieldError]:
    """Problems with a set of answers, in question order, worded for the respondent.

    A draft (``final=False``) is checked for type and format only. A final submission is also
    checked for applicable required questions left blank, an exclusive option chosen with
    others, and answers to questions that are not in the questionnaire.
    """
    format_errors: dict[str, str] = {}
    normalised: dict[str, Any] = {}
    unknown: list[str] = []
    for qid, value in answers.items():
        try:
            question = questionnaire.question(qid)
        except UnknownQuestion:
            unknown.append(str(qid))
            continue
        try:
            normalised[qid] = validate_answer(question, value)
        except AnswerError as error:
            format_errors[qid] = error.message
    applicability = questionnaire.applicability_map(normalised) if final else {}
    errors: list[FieldError] = []
    for question in questionnaire.questions():
        if question.id in format_errors:
            errors.append(FieldError(question.id, format_errors[question.id]))
            continue
        if not final:
            continue
        value = normalised.get(question.id)
        if value is None:
            if question.required and applicability[question.id] is True:
                errors.append(FieldError(question.id, _required_message(question)))
        elif question.type in MULTI_CHOICE_TYPES:
            exclusive = question.exclusive_option
            if exclusive is not None and exclusive.value in value and len(value) > 1:
                errors.append(
                    FieldError(
                        question.id,
                        f"Select '{exclusive.label}' on its own, or clear it and select the "
                        "options that apply",
                    )
                )
    if final:
        errors.extend(
            FieldError(qid, "This question is not part of the questionnaire") for qid in unknown
        )
    return errors
