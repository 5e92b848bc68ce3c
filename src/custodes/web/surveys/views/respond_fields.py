"""Questions as form fields: reading a block's answers from a POST and describing them for pages.

The respondent form shows one block per page. Every question becomes a ``FormField`` that the
template ``respond/_field.html`` renders with the GOV.UK pattern for its answer type: radios
(yes/no/unsure, single choice), checkboxes (multiple choice, capabilities, with the exclusive
"none" option after an "or" divider), a short text input with ``inputmode="numeric"`` (counts),
and textareas (manufacturers one per line, free text).

Conditions are applied on the server, without JavaScript. A question whose condition is not met
by the saved answers is not shown at all (it is "not applicable"), and the page says which
answers hid it. A question whose condition cannot be decided yet (the controlling question is
unanswered or "unsure") is shown with the note "Answer only if you answered ...". The
controlling question always comes first, since a questionnaire may only test earlier
questions. So after saving ``operates`` = no, the rest of the block disappears and the block is
"not applicable"; changing it back to yes and saving shows the block's questions again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from custodes import questionnaire as qcore
from custodes.questionnaire import AnswerType, Block, Question, Questionnaire

__all__ = [
    "BlockStatus",
    "Choice",
    "FormField",
    "answer_lines",
    "block_status",
    "build_fields",
    "condition_note",
    "field_id",
    "raw_values",
    "read_block",
    "shown_questions",
]

YES_NO_UNSURE_LABELS: dict[str, str] = {qcore.YES: "Yes", qcore.NO: "No", qcore.UNSURE: "Unsure"}
MAX_RAW_CHARS = 100_000  # longest text accepted in one field before parsing
MAX_LINES = 1_000  # most manufacturer names read from one textarea

RADIO_TYPES = frozenset({AnswerType.YES_NO_UNSURE, AnswerType.SINGLE_CHOICE})
CHECKBOX_TYPES = frozenset({AnswerType.MULTIPLE_CHOICE, AnswerType.CAPABILITIES})

RawValue = str | list[str]


class BlockStatus(StrEnum):
    """How far a block has got, as the overview's task list shows it."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        """Wording for the task list."""
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Choice:
    """One radio button or checkbox."""

    id: str
    value: str
    label: str
    checked: bool
    exclusive: bool = False


@dataclass(frozen=True)
class FormField:
    """A question ready for the template: ids, widget, current value, error and notes."""

    question: Question
    id: str
    name: str
    widget: str  # "radios", "checkboxes", "number" or "textarea"
    value: str
    choices: tuple[Choice, ...]
    error: str | None
    note: str | None

    @property
    def hint(self) -> str | None:
        """The question's hint; manufacturers without one say how to list them."""
        if self.question.hint:
            return self.question.hint
        if self.question.type is AnswerType.MANUFACTURERS:
            return "Enter one name per line."
        return None

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def note_id(self) -> str:
        return f"{self.id}-note"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def described_by(self) -> str:
        """Ids for ``aria-describedby``: hint, condition note and error, when present."""
        ids = []
        if self.hint:
            ids.append(self.hint_id)
        if self.note:
            ids.append(self.note_id)
        if self.error:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def uses_fieldset(self) -> bool:
        """Radios and checkboxes are grouped in a fieldset whose legend is the question."""
        return self.widget in ("radios", "checkboxes")


def field_id(question: Question) -> str:
    """The HTML id of a question's (first) input; error links point at it.

    Block and question names are ``[a-z][a-z0-9_]*``, so joining them with ``-`` is unique.
    """
    block, _, name = question.id.partition(".")
    return f"{block}-{name}"


def _value_label(question: Question, value: str) -> str:
    if question.type is AnswerType.YES_NO_UNSURE:
        return YES_NO_UNSURE_LABELS.get(value, value)
    return next((option.label for option in question.options if option.value == value), value)


def condition_note(definition: Questionnaire, question: Question) -> str | None:
    """'Answer only if you answered ‘Yes’ to ‘…’', or None for an unconditional question."""
    parts = []
    for condition in definition.conditions_of(question.id):
        controller = definition.question(condition.question)
        values = " or ".join(f"‘{_value_label(controller, value)}’" for value in condition.in_)
        parts.append(f"{values} to ‘{controller.text}’")
    if not parts:
        return None
    return "Answer only if you answered " + " and ".join(parts) + "."


def answer_lines(question: Question, value: Any) -> list[str]:
    """An answer as lines of text for the check-your-answers page (empty when unanswered)."""
    if value in (None, "", []):
        return []
    match question.type:
        case AnswerType.YES_NO_UNSURE | AnswerType.SINGLE_CHOICE:
            return [_value_label(question, str(value))]
        case AnswerType.MULTIPLE_CHOICE | AnswerType.CAPABILITIES | AnswerType.MANUFACTURERS:
            items = value if isinstance(value, list) else [value]
            return [_value_label(question, str(item)) for item in items]
        case AnswerType.COUNT:
            return [f"{value:,}" if isinstance(value, int) else str(value)]
        case _:
            return [str(value)]


def raw_values(block: Block, answers: Mapping[str, Any]) -> dict[str, RawValue]:
    """Saved answers as the form shows them (counts as text, manufacturers one per line)."""
    raw: dict[str, RawValue] = {}
    for question in block.questions:
        value = answers.get(question.id)
        if value in (None, "", []):
            raw[question.name] = [] if question.type in CHECKBOX_TYPES else ""
        elif question.type in CHECKBOX_TYPES:
            raw[question.name] = [str(item) for item in value]
        elif question.type is AnswerType.MANUFACTURERS:
            raw[question.name] = "\n".join(str(item) for item in value)
        else:
            raw[question.name] = str(value)
    return raw


def _names(question: Question, text: str) -> list[str]:
    """Names given one per line (or separated by semicolons), each kept as written."""
    names = [part.strip() for line in text.splitlines() for part in line.split(";")]
    if len(names) > MAX_LINES:
        raise qcore.AnswerError(question.id, f"Enter {MAX_LINES:,} names or fewer")
    return [name for name in names if name]


def _read_one(question: Question, raw: RawValue) -> Any:
    """The normalised answer for one posted field; raises AnswerError with a message."""
    if question.type in CHECKBOX_TYPES:
        value = qcore.validate_answer(question, raw if isinstance(raw, list) else [raw])
        exclusive = question.exclusive_option
        if value and exclusive is not None and exclusive.value in value and len(value) > 1:
            raise qcore.AnswerError(
                question.id,
                f"Select ‘{exclusive.label}’ on its own, or clear it and select the options "
                "that apply",
            )
        return value
    text = raw if isinstance(raw, str) else ""
    if len(text) > MAX_RAW_CHARS:
        raise qcore.AnswerError(
            question.id, f"Answer must be {MAX_RAW_CHARS:,} characters or fewer"
        )
    if question.type is AnswerType.COUNT:
        return qcore.parse_answer(question, text)
    if question.type is AnswerType.MANUFACTURERS:
        return qcore.validate_answer(question, _names(question, text))
    return qcore.validate_answer(question, text)


def read_block(
    block: Block, data: Mapping[str, list[str]], shown: Iterable[str]
) -> tuple[dict[str, Any], dict[str, RawValue], dict[str, str]]:
    """Reads the posted fields of ``block`` that were ``shown`` (question ids).

    ``data`` maps each posted name to all its values (``dict(request.POST.lists())``); a
    single-valued field takes the last, as Django's ``QueryDict.get`` does.

    Returns ``(answers, raw, errors)``: normalised answers by question id (None for a cleared
    field), the raw posted values by field name (to redisplay what was typed) and error
    messages by question id. Fields not shown on the page are left alone.
    """
    shown_ids = set(shown)
    answers: dict[str, Any] = {}
    raw: dict[str, RawValue] = {}
    errors: dict[str, str] = {}
    for question in block.questions:
        if question.id not in shown_ids:
            continue
        values = data.get(question.name, [])
        value: RawValue = (
            values if question.type in CHECKBOX_TYPES else (values[-1] if values else "")
        )
        raw[question.name] = value
        try:
            answers[question.id] = _read_one(question, value)
        except qcore.AnswerError as error:
            errors[question.id] = error.message
    return answers, raw, errors


def shown_questions(block: Block, applicability: Mapping[str, bool | None]) -> list[Question]:
    """The block's questions that may apply (not ruled out by an answer)."""
    return [q for q in block.questions if applicability.get(q.id) is not False]


def build_fields(
    definition: Questionnaire,
    questions: Sequence[Question],
    raw: Mapping[str, RawValue],
    errors: Mapping[str, str],
    applicability: Mapping[str, bool | None],
) -> list[FormField]:
    """Form fields for ``questions`` showing ``raw`` values and ``errors`` (by question id)."""
    fields = []
    for question in questions:
        base_id = field_id(question)
        value = raw.get(question.name, "")
        note = (
            condition_note(definition, question) if applicability.get(question.id) is None else None
        )
        choices: tuple[Choice, ...] = ()
        if question.type in RADIO_TYPES or question.type in CHECKBOX_TYPES:
            options = (
                [(v, YES_NO_UNSURE_LABELS[v], False) for v in YES_NO_UNSURE_LABELS]
                if question.type is AnswerType.YES_NO_UNSURE
                else [(o.value, o.label, o.exclusive) for o in question.options]
            )
            chosen = set(value) if isinstance(value, list) else {value}
            choices = tuple(
                Choice(
                    id=base_id if index == 0 else f"{base_id}-{index + 1}",
                    value=option_value,
                    label=label,
                    checked=option_value in chosen,
                    exclusive=exclusive,
                )
                for index, (option_value, label, exclusive) in enumerate(options)
            )
        if question.type in RADIO_TYPES:
            widget = "radios"
        elif question.type in CHECKBOX_TYPES:
            widget = "checkboxes"
        elif question.type is AnswerType.COUNT:
            widget = "number"
        else:
            widget = "textarea"
        fields.append(
            FormField(
                question=question,
                id=base_id,
                name=question.name,
                widget=widget,
                value=value if isinstance(value, str) else "",
                choices=choices,
                error=errors.get(question.id),
                note=note,
            )
        )
    return fields


def block_status(
    block: Block, answers: Mapping[str, Any], applicability: Mapping[str, bool | None]
) -> BlockStatus:
    """Not applicable (its condition answered no), not started, in progress or completed.

    A block is completed once something is answered and every required question that applies
    has an answer: what a final submission would ask of it.
    """
    controller = block.when.question if block.when is not None else None
    governed = [q for q in block.questions if q.id != controller]
    if (
        controller is not None
        and governed
        and all(applicability.get(q.id) is False for q in governed)
    ):
        return BlockStatus.NOT_APPLICABLE
    answered = [q for q in block.questions if answers.get(q.id) not in (None, "", [])]
    if not answered:
        return BlockStatus.NOT_STARTED
    missing = [
        q
        for q in block.questions
        if q.required and applicability.get(q.id) is True and answers.get(q.id) in (None, "", [])
    ]
    return BlockStatus.IN_PROGRESS if missing else BlockStatus.COMPLETED
