"""Questions as form fields: reading a block's answers from a POST and describing them for pages.

The respondent form shows one block per page. Every question becomes a ``FormField`` that
``render_fields`` renders (the Jinja2 template ``web/jinja2/respond/_fields.html``; see
``custodes.web.jinja``) with the GOV.UK pattern for its answer type: radios
(yes/no/unsure, single choice), checkboxes (multiple choice, capabilities, with the exclusive
"none" option after an "or" divider), a short text input with ``inputmode="numeric"`` (counts),
a one-line input for text questions whose ``input`` says so (``line``, ``url``, ``email``,
``tel``) and textareas (manufacturers one per line, other free text).

Follow-up questions use the GOV.UK conditional reveal, as progressive enhancement. A question
whose condition tests a question on the same page is rendered inside a ``Conditional`` panel
after that question, headed "If you answered ‘Yes’". Without JavaScript the panel is shown
(and the server decides, as before: saving "No" rules its questions out); the static script
``custodes/respond.js`` hides it until a triggering answer is chosen. A panel whose trigger is
answered otherwise is rendered hidden, so that switching the answer reveals it at once with
the script; without it, the page says which answer hid its questions. A question whose
condition tests another page's question is shown with the note "Answer only if you answered
...". Conditions may only test earlier questions, so the controlling question always comes
first. Saving ``operates`` = no clears the block's other answers and makes it "not applicable".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from custodes import questionnaire as qcore
from custodes.questionnaire import AnswerType, Block, Condition, Question, Questionnaire

__all__ = [
    "BlockStatus",
    "Choice",
    "Conditional",
    "FormField",
    "answer_lines",
    "block_status",
    "build_fields",
    "condition_note",
    "field_id",
    "missing_required",
    "raw_values",
    "read_block",
    "render_fields",
    "rendered_questions",
    "shown_questions",
    "translated_message",
]

YES_NO_UNSURE_LABELS: dict[str, Any] = {
    qcore.YES: _("Yes"),
    qcore.NO: _("No"),
    qcore.UNSURE: _("Unsure"),
}


@lru_cache(maxsize=8)
def _yes_no_unsure_labels(language: str | None) -> Mapping[str, str]:
    """The yes/no/unsure labels translated into ``language`` (the active one when first
    asked): once per language, not for every option of every question of every page."""
    return MappingProxyType({value: str(label) for value, label in YES_NO_UNSURE_LABELS.items()})


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
        """Wording for the task list, in the language in use."""
        return str(_STATUS_LABELS[self])


_STATUS_LABELS = {
    BlockStatus.NOT_STARTED: _("Not started"),
    BlockStatus.IN_PROGRESS: _("In progress"),
    BlockStatus.COMPLETED: _("Completed"),
    BlockStatus.NOT_APPLICABLE: _("Not applicable"),
}


@dataclass(frozen=True)
class Choice:
    """One radio button or checkbox."""

    id: str
    value: str
    label: str
    checked: bool
    exclusive: bool = False


@dataclass(frozen=True)
class Conditional:
    """Follow-up questions revealed by some answers to the field they follow."""

    id: str
    controller: str  # the controlling field's name
    show_values: tuple[str, ...]  # answers that reveal the panel (the script reads them)
    label: str  # "If you answered ‘Yes’"
    hidden: bool  # the controlling answer, as shown, rules the panel out
    fields: tuple[FormField, ...]

    @property
    def show_values_text(self) -> str:
        return " ".join(self.show_values)


@dataclass(frozen=True)
class FormField:
    """A question ready for the template: ids, widget, current value, error and notes."""

    question: Question
    id: str
    name: str
    widget: str  # "radios", "checkboxes", "number", "input" or "textarea"
    value: str
    choices: tuple[Choice, ...]
    error: str | None
    note: str | None
    conditionals: tuple[Conditional, ...] = ()

    @property
    def hint(self) -> str | None:
        """The question's hint; manufacturers without one say how to list them."""
        if self.question.hint:
            return self.question.hint
        if self.question.type is AnswerType.MANUFACTURERS:
            return gettext("Enter one name per line.")
        return None

    @property
    def input_type(self) -> str:
        """The one-line input's ``type``: url, email, tel or text."""
        kind = self.question.input
        return "text" if kind in (None, qcore.TextInput.LINE) else str(kind)

    @property
    def autocomplete(self) -> str:
        """The input's ``autocomplete`` token: the question's own, or off."""
        return self.question.autocomplete or "off"

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
        return _yes_no_unsure_labels(get_language()).get(value, value)
    return next((option.label for option in question.options if option.value == value), value)


def _answered(controller: Question, values: Iterable[str]) -> str:
    """‘Yes’ or ‘Unsure’, in the language in use."""
    labels = [f"‘{_value_label(controller, value)}’" for value in values]
    return gettext(" or ").join(labels)


def condition_note(definition: Questionnaire, question: Question) -> str | None:
    """'Answer only if you answered ‘Yes’ to ‘…’', or None for an unconditional question."""
    parts = []
    for condition in definition.conditions_of(question.id):
        controller = definition.question(condition.question)
        parts.append(
            gettext("%(answers)s to ‘%(question)s’")
            % {"answers": _answered(controller, condition.in_), "question": controller.text}
        )
    if not parts:
        return None
    return gettext("Answer only if you answered %(conditions)s.") % {
        "conditions": gettext(" and ").join(parts)
    }


def required_message(question: Question) -> str:
    """The error for a required question left unanswered, naming the question."""
    match question.type:
        case AnswerType.YES_NO_UNSURE:
            message = gettext("Select yes, no or unsure for ‘%(question)s’")
        case AnswerType.SINGLE_CHOICE:
            message = gettext("Select an option for ‘%(question)s’")
        case AnswerType.MULTIPLE_CHOICE | AnswerType.CAPABILITIES:
            message = gettext("Select at least one option for ‘%(question)s’")
        case AnswerType.COUNT:
            message = gettext("Enter a number for ‘%(question)s’")
        case AnswerType.MANUFACTURERS:
            message = gettext("Enter at least one manufacturer or supplier for ‘%(question)s’")
        case _:
            message = gettext("Enter an answer for ‘%(question)s’")
    return message % {"question": question.text}


# The answer errors of custodes.questionnaire (pure Python, so English), listed for
# makemessages: translated_message looks each up in the respondent's language.
_CORE_MESSAGES = (
    gettext_noop("Select yes, no or unsure"),
    gettext_noop("Answer yes, no or unsure"),
    gettext_noop("Select an option"),
    gettext_noop("Select at least one option"),
    gettext_noop("Select the options that apply"),
    gettext_noop("Enter a number"),
    gettext_noop("Enter a whole number, like 12"),
    gettext_noop("Enter a whole number, like 12 or 1,200"),
    gettext_noop("Enter a smaller number"),
    gettext_noop("Enter a number that is %(n)s or more"),
    gettext_noop("Enter a number that is %(n)s or fewer"),
    gettext_noop("Enter at least one manufacturer or supplier"),
    gettext_noop("Enter the manufacturers as a list of names"),
    gettext_noop("Enter each manufacturer as a name"),
    gettext_noop("Enter an answer"),
    gettext_noop("Enter your answer as text"),
    gettext_noop("This question is not part of the questionnaire"),
)


def translated_message(message: str) -> str:
    """An answer error from ``custodes.questionnaire`` in the language in use (a message not
    in ``_CORE_MESSAGES`` is returned as it is)."""
    if message in _CORE_MESSAGES:
        return gettext(message)
    if found := re.fullmatch(r"Enter a number that is (\d+) or (more|fewer)", message):
        template = f"Enter a number that is %(n)s or {found.group(2)}"  # one of _CORE_MESSAGES
        return gettext(template) % {"n": found.group(1)}
    return message


def missing_required(
    definition: Questionnaire, block: Block, answers: Mapping[str, Any]
) -> dict[str, str]:
    """Error messages for the block's required questions that apply and are unanswered."""
    applicability = definition.applicability_map(answers)
    return {
        q.id: required_message(q)
        for q in block.questions
        if q.required and applicability[q.id] is True and qcore.is_blank(answers.get(q.id))
    }


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
        raise qcore.AnswerError(
            question.id, gettext("Enter %(n)s names or fewer") % {"n": f"{MAX_LINES:,}"}
        )
    return [name for name in names if name]


def _read_one(question: Question, raw: RawValue) -> Any:
    """The normalised answer for one posted field; raises AnswerError with a message."""
    if question.type in CHECKBOX_TYPES:
        value = qcore.validate_answer(question, raw if isinstance(raw, list) else [raw])
        exclusive = question.exclusive_option
        if value and exclusive is not None and exclusive.value in value and len(value) > 1:
            raise qcore.AnswerError(
                question.id,
                gettext(
                    "Select ‘%(none)s’ on its own, or clear it and select the options that apply"
                )
                % {"none": exclusive.label},
            )
        return value
    text = raw if isinstance(raw, str) else ""
    if len(text) > MAX_RAW_CHARS:
        raise qcore.AnswerError(
            question.id,
            gettext("Answer must be %(n)s characters or fewer") % {"n": f"{MAX_RAW_CHARS:,}"},
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
            errors[question.id] = translated_message(error.message)
    return answers, raw, errors


def shown_questions(block: Block, applicability: Mapping[str, bool | None]) -> list[Question]:
    """The block's questions that may apply (not ruled out by an answer)."""
    return [q for q in block.questions if applicability.get(q.id) is not False]


def _reveal_condition(block: Block, question: Question) -> Condition | None:
    """The condition whose controlling question the question follows on the page, if any:
    its own, else the block's (the block's controller is the parent of the own controller)."""
    condition = question.when
    if condition is None and block.when is not None and block.when.question != question.id:
        condition = block.when
    if condition is None or not condition.question.startswith(f"{block.id}."):
        return None
    return condition


def rendered_questions(
    definition: Questionnaire, block: Block, applicability: Mapping[str, bool | None]
) -> list[Question]:
    """The block's questions the page renders: those that may apply, and those ruled out by an
    answer on this same page (in a hidden panel, revealed when that answer changes)."""
    rendered: list[Question] = []
    ids: set[str] = set()
    for question in block.questions:
        if applicability.get(question.id) is False:
            conditions = definition.conditions_of(question.id)
            if not conditions or any(c.question not in ids for c in conditions):
                continue
        rendered.append(question)
        ids.add(question.id)
    return rendered


def _field(
    definition: Questionnaire,
    question: Question,
    raw: Mapping[str, RawValue],
    errors: Mapping[str, str],
    applicability: Mapping[str, bool | None],
    nested: bool,
) -> FormField:
    base_id = field_id(question)
    value = raw.get(question.name, "")
    note = (
        condition_note(definition, question)
        if applicability.get(question.id) is None and not nested
        else None
    )
    choices: tuple[Choice, ...] = ()
    if question.type in RADIO_TYPES or question.type in CHECKBOX_TYPES:
        options = (
            [(v, label, False) for v, label in _yes_no_unsure_labels(get_language()).items()]
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
    elif question.type is AnswerType.TEXT and question.input is not None:
        widget = "input"
    else:
        widget = "textarea"
    return FormField(
        question=question,
        id=base_id,
        name=question.name,
        widget=widget,
        value=value if isinstance(value, str) else "",
        choices=choices,
        error=errors.get(question.id),
        note=note,
    )


def _conditional(
    controller: Question, condition: Condition, raw: RawValue, fields: tuple[FormField, ...]
) -> Conditional:
    """The panel of ``fields`` that ``condition`` on ``controller`` reveals."""
    offered = set(controller.valid_values())
    # An "unsure" answer leaves the follow-ups open (applicability unknown), as on the server.
    show = [v for v in condition.in_ if v in offered]
    if qcore.UNSURE in offered and qcore.UNSURE not in show:
        show.append(qcore.UNSURE)
    answer: Any = raw if isinstance(raw, list) else (raw.strip().casefold() or None)
    return Conditional(
        id=f"conditional-{field_id(controller)}-{'-'.join(condition.in_)}",
        controller=controller.name,
        show_values=tuple(show),
        label=gettext("If you answered %(answers)s") % {"answers": _answered(controller, show)},
        hidden=condition.evaluate(answer) is False,
        fields=fields,
    )


def build_fields(
    definition: Questionnaire,
    questions: Sequence[Question],
    raw: Mapping[str, RawValue],
    errors: Mapping[str, str],
    applicability: Mapping[str, bool | None],
    block: Block | None = None,
) -> list[FormField]:
    """Form fields for ``questions`` showing ``raw`` values and ``errors`` (by question id).

    With ``block``, a question that follows another of ``questions`` (its condition tests it)
    is nested in that question's conditional panel instead of standing on its own.
    """
    ids = {q.id for q in questions}
    parents: dict[str, Condition] = {}
    if block is not None:
        for question in questions:
            condition = _reveal_condition(block, question)
            if condition is not None and condition.question in ids:
                parents[question.id] = condition

    def children_of(controller: Question) -> tuple[Conditional, ...]:
        groups: dict[tuple[str, ...], list[Question]] = {}
        for question in questions:
            condition = parents.get(question.id)
            if condition is not None and condition.question == controller.id:
                groups.setdefault(tuple(condition.in_), []).append(question)
        panels = []
        for members in groups.values():
            condition = parents[members[0].id]
            panels.append(
                _conditional(
                    controller,
                    condition,
                    raw.get(controller.name, ""),
                    tuple(build(member) for member in members),
                )
            )
        return tuple(panels)

    def build(question: Question) -> FormField:
        made = _field(
            definition, question, raw, errors, applicability, nested=question.id in parents
        )
        panels = children_of(question)
        return replace(made, conditionals=panels) if panels else made

    return [build(question) for question in questions if question.id not in parents]


def render_fields(fields: Sequence[FormField]) -> SafeString:
    """The fields' HTML (escaped by the template) for a page's form."""
    template = get_template("respond/_fields.html", using="jinja2")
    return mark_safe(template.render({"fields": fields}))  # the template autoescapes


def block_status(
    block: Block,
    answers: Mapping[str, Any],
    applicability: Mapping[str, bool | None],
    saved: bool = False,
) -> BlockStatus:
    """Not applicable (its condition answered no), not started, in progress or completed.

    A block is completed once something is answered and every required question that applies
    has an answer: what a final submission would ask of it. A block the person ``saved`` on
    purpose with nothing answered is in progress.
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
        return BlockStatus.IN_PROGRESS if saved else BlockStatus.NOT_STARTED
    missing = [
        q
        for q in block.questions
        if q.required and applicability.get(q.id) is True and answers.get(q.id) in (None, "", [])
    ]
    return BlockStatus.IN_PROGRESS if missing else BlockStatus.COMPLETED
