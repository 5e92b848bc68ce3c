"""Pydantic models describing a questionnaire, its conditions and its headline findings."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from ._errors import DefinitionError, UnknownBlock, UnknownQuestion

YES = "yes"
NO = "no"
UNSURE = "unsure"
YES_NO_UNSURE_VALUES: tuple[str, ...] = (YES, NO, UNSURE)

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
QUESTION_ID_PATTERN = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"
QUESTION_REF_PATTERN = r"^([a-z][a-z0-9_]*\.)?[a-z][a-z0-9_]*$"
OPTION_VALUE_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
URL_PATTERN = r"^https?://\S+$"


class AnswerType(StrEnum):
    """Kinds of answer a question accepts; the values are what the YAML uses."""

    YES_NO_UNSURE = "yes_no_unsure"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    COUNT = "count"
    CAPABILITIES = "capabilities"
    MANUFACTURERS = "manufacturers"
    TEXT = "text"


CHOICE_TYPES = frozenset(
    {AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE, AnswerType.CAPABILITIES}
)
MULTI_CHOICE_TYPES = frozenset({AnswerType.MULTIPLE_CHOICE, AnswerType.CAPABILITIES})
CONTROLLER_TYPES = CHOICE_TYPES | {AnswerType.YES_NO_UNSURE}


class TextInput(StrEnum):
    """How a text question is typed: one line (of a kind browsers know) or, by default, several."""

    LINE = "line"
    URL = "url"
    EMAIL = "email"
    TEL = "tel"


WELSH = "cy"
LANGUAGES: tuple[str, ...] = ("en", WELSH)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class OptionCy(_Model):
    """An option's label in Welsh."""

    label: str = Field(min_length=1)


class QuestionCy(_Model):
    """A question's text and hint in Welsh."""

    text: str = Field(min_length=1)
    hint: str | None = None


class BlockCy(_Model):
    """A block's title and description in Welsh."""

    title: str = Field(min_length=1)
    description: str | None = None


class QuestionnaireCy(_Model):
    """The questionnaire's title and description in Welsh, and who translated it."""

    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    translation: str = Field(min_length=1)


def _word_for_yaml_bool(value: Any) -> Any:
    """YAML 1.1 reads bare ``yes``/``no`` as booleans; turn them back into the words."""
    if value is True:
        return YES
    if value is False:
        return NO
    return value


class Option(_Model):
    """One selectable answer; ``exclusive`` marks a "none of the above" option."""

    value: str = Field(pattern=OPTION_VALUE_PATTERN, max_length=64)
    label: str = Field(min_length=1)
    exclusive: bool = False
    cy: OptionCy | None = None

    _value_word = field_validator("value", mode="before")(_word_for_yaml_bool)


APPLICABILITY_MEMORY = 4096
"""Applicability maps a questionnaire remembers, by the answers its conditions test."""


def _frozen(answer: Any) -> Any:
    """``answer`` as a hashable key (lists as tuples); TypeError for any other container."""
    if isinstance(answer, list | tuple):
        return tuple(_frozen(item) for item in answer)
    hash(answer)
    return answer


def is_blank(answer: Any) -> bool:
    """True for no answer: None, an empty or whitespace-only string, or an empty list."""
    if answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    return isinstance(answer, list | tuple) and not answer


class Condition(_Model):
    """Applies when the answer to ``question`` is one of ``in_`` (YAML key ``in``)."""

    question: str = Field(pattern=QUESTION_REF_PATTERN)
    in_: list[str] = Field(alias="in", min_length=1)

    @field_validator("in_", mode="before")
    @classmethod
    def _in_words(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [_word_for_yaml_bool(item) for item in value]
        return value

    def evaluate(self, answer: Any) -> bool | None:
        """True if satisfied, False if not, None when unknown (no answer, or an unlisted unsure)."""
        if is_blank(answer):
            return None
        if isinstance(answer, str):
            chosen = answer.strip().casefold()
            if chosen in self.in_:
                return True
            return None if chosen == UNSURE else False
        if isinstance(answer, list | tuple):
            values = {item.strip().casefold() for item in answer if isinstance(item, str)}
            return bool(values.intersection(self.in_))
        return None


class Question(_Model):
    """One question; ``id`` is the full dotted id ``<block>.<name>``."""

    id: str = Field(pattern=QUESTION_ID_PATTERN)
    text: str = Field(min_length=1)
    hint: str | None = None
    type: AnswerType
    options: list[Option] = Field(default_factory=list)
    required: bool = False
    personal: bool = False
    minimum: int | None = None
    maximum: int | None = None
    when: Condition | None = None
    input: TextInput | None = None
    autocomplete: str | None = Field(default=None, pattern=r"^[a-z][a-z-]*( [a-z][a-z-]*)*$")
    cy: QuestionCy | None = None

    @property
    def name(self) -> str:
        """The id without its block prefix."""
        return self.id.partition(".")[2]

    @property
    def exclusive_option(self) -> Option | None:
        """The "none of the above" option, if the question has one."""
        return next((option for option in self.options if option.exclusive), None)

    def valid_values(self) -> tuple[str, ...]:
        """Values a condition or finding may compare this question's answer with."""
        if self.type is AnswerType.YES_NO_UNSURE:
            return YES_NO_UNSURE_VALUES
        return tuple(option.value for option in self.options)


def _qualify(ref: Any, block_id: str) -> Any:
    """Prefix a bare question name with its block id; leave anything else for validation."""
    if isinstance(ref, str) and ref and "." not in ref:
        return f"{block_id}.{ref}"
    return ref


def _qualify_condition(condition: Any, block_id: str) -> Any:
    if isinstance(condition, dict) and "question" in condition:
        return {**condition, "question": _qualify(condition["question"], block_id)}
    if isinstance(condition, Condition):
        return condition.model_copy(update={"question": _qualify(condition.question, block_id)})
    return condition


def _qualify_question(question: Any, block_id: str) -> Any:
    if isinstance(question, dict):
        qualified = dict(question)
        if "id" in qualified:
            qualified["id"] = _qualify(qualified["id"], block_id)
        if qualified.get("when") is not None:
            qualified["when"] = _qualify_condition(qualified["when"], block_id)
        return qualified
    if isinstance(question, Question):
        update: dict[str, Any] = {"id": _qualify(question.id, block_id)}
        if question.when is not None:
            update["when"] = _qualify_condition(question.when, block_id)
        return question.model_copy(update=update)
    return question


class Block(_Model):
    """A themed group of questions, usually one technology (external CCTV, drones, ...).

    A block-level ``when`` applies to every question of the block except the one it tests.
    """

    id: str = Field(pattern=NAME_PATTERN)
    title: str = Field(min_length=1)
    description: str | None = None
    when: Condition | None = None
    questions: list[Question] = Field(min_length=1)
    cy: BlockCy | None = None

    @model_validator(mode="before")
    @classmethod
    def _qualify_ids(cls, data: Any) -> Any:
        """Let a file write ``operates`` for ``<block>.operates`` inside the block."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return data
        block_id = data["id"]
        qualified = dict(data)
        if qualified.get("when") is not None:
            qualified["when"] = _qualify_condition(qualified["when"], block_id)
        if isinstance(qualified.get("questions"), list):
            qualified["questions"] = [_qualify_question(q, block_id) for q in data["questions"]]
        return qualified


class Predicate(_Model):
    """Selects the returns whose answer to ``question`` equals ``equals``."""

    question: str = Field(pattern=QUESTION_ID_PATTERN)
    equals: str = Field(min_length=1)

    _equals_word = field_validator("equals", mode="before")(_word_for_yaml_bool)


class NamedConcern(_Model):
    """Selects the returns whose answer to a manufacturers ``question`` names a company
    that the knowledge base records a concern against (judged by ``custodes.intel``)."""

    question: str = Field(pattern=QUESTION_ID_PATTERN)
    named_concern: Literal[True]


class FindingSpec(_Model):
    """A headline count: returns matching ``numerator`` out of ``denominator``.

    ``compare_with`` names another finding of the same block whose answers this one checks
    (a named-concern finding against the self-declared one): bodies where the two disagree
    are listed for follow-up enquiries.
    """

    id: str = Field(pattern=SLUG_PATTERN)
    title: str = Field(min_length=1)
    block: str = Field(pattern=NAME_PATTERN)
    numerator: Predicate | NamedConcern
    denominator: Literal["respondents"] | Predicate
    denominator_label: str = Field(min_length=1)
    compare_with: str | None = Field(default=None, pattern=SLUG_PATTERN)


class Questionnaire(_Model):
    """A complete survey instrument: blocks of questions plus the findings computed from it."""

    id: str = Field(pattern=SLUG_PATTERN)
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    source: str = Field(pattern=URL_PATTERN)
    date: dt.date
    references: list[str] = Field(default_factory=list)
    blocks: list[Block] = Field(min_length=1)
    findings: list[FindingSpec] = Field(default_factory=list)
    cy: QuestionnaireCy | None = None

    _translations: dict[str, Questionnaire] = PrivateAttr(default_factory=dict)
    _questions: dict[str, Question] = PrivateAttr(default_factory=dict)
    _blocks_by_question: dict[str, Block] = PrivateAttr(default_factory=dict)
    # Each question's conditions, worked out once: applicability is decided on every page.
    _conditions: dict[str, tuple[Condition, ...]] = PrivateAttr(default_factory=dict)
    # The questions some condition tests: applicability depends on their answers only, so
    # maps are remembered by those answers (a page asks two or three times per request).
    _controllers: tuple[str, ...] = PrivateAttr(default=())
    _applicability_seen: dict[tuple[Any, ...], dict[str, bool | None]] = PrivateAttr(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _check_definition(self) -> Questionnaire:
        problems = definition_problems(self)
        if problems:
            raise DefinitionError(problems)
        for block in self.blocks:
            for question in block.questions:
                self._questions[question.id] = question
                self._blocks_by_question[question.id] = block
                self._conditions[question.id] = tuple(
                    condition
                    for condition in (
                        block.when if block.when and block.when.question != question.id else None,
                        question.when,
                    )
                    if condition is not None
                )
        self._controllers = tuple(
            sorted({c.question for conditions in self._conditions.values() for c in conditions})
        )
        return self

    def question(self, qid: str) -> Question:
        """The question with full id ``qid``; raises UnknownQuestion (a KeyError)."""
        try:
            return self._questions[qid]
        except KeyError:
            raise UnknownQuestion(qid, self.id) from None

    def questions(self) -> Iterator[Question]:
        """Every question, in file order."""
        return iter(self._questions.values())

    def block(self, block_id: str) -> Block:
        """The block with id ``block_id``; raises UnknownBlock (a KeyError)."""
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise UnknownBlock(block_id, self.id)

    def block_of(self, qid: str) -> Block:
        """The block holding question ``qid``."""
        self.question(qid)
        return self._blocks_by_question[qid]

    def conditions_of(self, qid: str) -> list[Condition]:
        """Conditions that decide whether ``qid`` applies (block-level first)."""
        self.question(qid)
        return list(self._conditions[qid])

    def applicability_map(self, answers: Mapping[str, Any]) -> dict[str, bool | None]:
        """Applicability of every question: True, False, or None when it cannot be known yet.

        A question applies when all its conditions hold and every question they test applies
        too (three-valued AND: any False wins, otherwise any unknown makes it unknown).
        """
        try:
            key = tuple(_frozen(answers.get(qid)) for qid in self._controllers)
        except TypeError:  # an answer of a kind no condition compares: work it out afresh
            key = None
        known = self._applicability_seen.get(key) if key is not None else None
        if known is None:
            known = {}
            for question in self.questions():
                known[question.id] = self._decide(question.id, answers, known)
            if key is not None:
                if len(self._applicability_seen) >= APPLICABILITY_MEMORY:
                    self._applicability_seen.clear()
                self._applicability_seen[key] = known
        return dict(known)

    def applicability(self, qid: str, answers: Mapping[str, Any]) -> bool | None:
        """Whether ``qid`` applies given ``answers``: True, False or None (unknown)."""
        self.question(qid)
        decided: dict[str, bool | None] = {}
        for question in self.questions():
            decided[question.id] = self._decide(question.id, answers, decided)
            if question.id == qid:
                break
        return decided[qid]

    def _decide(
        self, qid: str, answers: Mapping[str, Any], decided: Mapping[str, bool | None]
    ) -> bool | None:
        outcome: bool | None = True
        for condition in self._conditions[qid]:
            for value in (
                decided[condition.question],
                condition.evaluate(answers.get(condition.question)),
            ):
                if value is False:
                    return False
                if value is None:
                    outcome = None
        return outcome

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages the respondent's texts exist in: English, and Welsh when the file has it."""
        return LANGUAGES if self.cy is not None else LANGUAGES[:1]

    def in_language(self, language: str) -> Questionnaire:
        """The same questionnaire with its texts in ``language`` (itself for English or a
        language the file does not carry). Ids, conditions and findings are unchanged."""
        if language != WELSH or self.cy is None:
            return self
        if (translated := self._translations.get(language)) is None:
            translated = type(self).model_validate(_welsh_document(self))
            self._translations[language] = translated
        return translated

    @property
    def fingerprint(self) -> str:
        """SHA-256 (hex) of the normalised definition: canonical JSON, sorted keys."""
        document = self.model_dump(mode="json", by_alias=True)
        canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def sha256(self) -> str:
        """Same as ``fingerprint``."""
        return self.fingerprint


def _welsh_document(questionnaire: Questionnaire) -> dict[str, Any]:
    """The questionnaire's document with every Welsh text in place of the English one."""
    document = questionnaire.model_dump(mode="json", by_alias=True)

    def swap(item: dict[str, Any], keys: tuple[str, ...]) -> None:
        welsh = item.get("cy") or {}
        for key in keys:
            if welsh.get(key) is not None:
                item[key] = welsh[key]

    swap(document, ("title", "description"))
    for block in document["blocks"]:
        swap(block, ("title", "description"))
        for question in block["questions"]:
            swap(question, ("text", "hint"))
            for option in question["options"]:
                swap(option, ("label",))
    return document


def _welsh_problems(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """A file that carries Welsh must carry it for every text a respondent reads."""
    problems: list[tuple[str, str]] = []
    has_welsh = questionnaire.cy is not None

    def check(item: Any, where: tuple[str | int, ...], optional: tuple[str, ...]) -> None:
        if item.cy is None:
            if has_welsh:
                problems.append(
                    (
                        field_path(*where, "cy"),
                        "the questionnaire is in Welsh too: give this text in Welsh (cy)",
                    )
                )
            return
        if not has_welsh:
            problems.append(
                (
                    field_path(*where, "cy"),
                    "Welsh texts need the questionnaire's "
                    "own Welsh title, description and translation note (top-level cy)",
                )
            )
            return
        for key in optional:
            if (getattr(item, key) is None) != (getattr(item.cy, key) is None):
                problems.append(
                    (
                        field_path(*where, "cy", key),
                        f"give the Welsh {key} exactly when the English {key} is given",
                    )
                )

    for b_index, block in enumerate(questionnaire.blocks):
        check(block, ("blocks", b_index), ("description",))
        for q_index, question in enumerate(block.questions):
            where = ("blocks", b_index, "questions", q_index)
            check(question, where, ("hint",))
            for o_index, option in enumerate(question.options):
                check(option, (*where, "options", o_index), ())
    return problems


def field_path(*parts: str | int) -> str:
    """Dotted path such as ``blocks[0].questions[2].type`` from its parts."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _check_options(question: Question, where: tuple[str | int, ...]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if question.type in CHOICE_TYPES:
        if not question.options:
            problems.append(
                (field_path(*where, "options"), f"a {question.type} question needs options")
            )
        seen: set[str] = set()
        exclusive_seen = False
        for index, option in enumerate(question.options):
            if option.value in seen:
                problems.append(
                    (
                        field_path(*where, "options", index, "value"),
                        f"duplicate option {option.value!r}",
                    )
                )
            seen.add(option.value)
            if option.exclusive:
                if question.type not in MULTI_CHOICE_TYPES:
                    problems.append(
                        (
                            field_path(*where, "options", index, "exclusive"),
                            "only multiple_choice and capabilities questions take an exclusive "
                            "option",
                        )
                    )
                elif exclusive_seen:
                    problems.append(
                        (
                            field_path(*where, "options", index, "exclusive"),
                            "at most one option may be exclusive",
                        )
                    )
                exclusive_seen = True
    elif question.options:
        problems.append(
            (field_path(*where, "options"), f"a {question.type} question takes no options")
        )
    if question.type is AnswerType.COUNT:
        if question.minimum is not None and question.minimum < 0:
            problems.append((field_path(*where, "minimum"), "minimum must be 0 or more"))
        if (
            question.minimum is not None
            and question.maximum is not None
            and question.minimum > question.maximum
        ):
            problems.append((field_path(*where, "maximum"), "maximum must not be below minimum"))
    else:
        for bound in ("minimum", "maximum"):
            if getattr(question, bound) is not None:
                problems.append((field_path(*where, bound), f"only count questions take a {bound}"))
    return problems


def _check_reference(
    qid: str,
    ref_path: str,
    values: list[tuple[str, str]],
    questions: Mapping[str, Question],
    order: Mapping[str, int],
    before: int | None,
) -> list[tuple[str, str]]:
    """Check that ``qid`` exists, comes before position ``before`` and takes every value.

    ``values`` pairs each compared value with the dotted path where the file gives it.
    """
    target = questions.get(qid)
    if target is None:
        return [(ref_path, f"unknown question {qid!r}")]
    if before is not None and order[qid] >= before:
        return [(ref_path, f"question {qid!r} must come before the questions it controls")]
    if target.type not in CONTROLLER_TYPES:
        return [(ref_path, f"question {qid!r} is a {target.type} question and cannot be tested")]
    allowed = target.valid_values()
    return [
        (path, f"{value!r} is not an answer to {qid!r} (expected one of {', '.join(allowed)})")
        for path, value in values
        if value not in allowed
    ]


def _check_condition(
    condition: Condition,
    where: tuple[str | int, ...],
    questions: Mapping[str, Question],
    order: Mapping[str, int],
    before: int | None,
) -> list[tuple[str, str]]:
    values = [(field_path(*where, "in", index), value) for index, value in enumerate(condition.in_)]
    return _check_reference(
        condition.question, field_path(*where, "question"), values, questions, order, before
    )


def definition_problems(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """Every inconsistency in a definition, as ``(dotted field path, message)`` pairs."""
    problems: list[tuple[str, str]] = []
    questions: dict[str, Question] = {}
    order: dict[str, int] = {}
    block_ids: set[str] = set()
    for b_index, block in enumerate(questionnaire.blocks):
        if block.id in block_ids:
            problems.append(
                (field_path("blocks", b_index, "id"), f"duplicate block id {block.id!r}")
            )
        block_ids.add(block.id)
        for q_index, question in enumerate(block.questions):
            where = ("blocks", b_index, "questions", q_index)
            if question.id.partition(".")[0] != block.id:
                problems.append(
                    (
                        field_path(*where, "id"),
                        f"question {question.id!r} is not in block {block.id!r}",
                    )
                )
            if question.id in questions:
                problems.append(
                    (field_path(*where, "id"), f"duplicate question id {question.id!r}")
                )
            else:
                questions[question.id] = question
                order[question.id] = len(order)
            problems.extend(_check_options(question, where))
            if question.type is not AnswerType.TEXT:
                for attribute in ("input", "autocomplete"):
                    if getattr(question, attribute) is not None:
                        problems.append(
                            (field_path(*where, attribute), f"only text questions take {attribute}")
                        )
    for b_index, block in enumerate(questionnaire.blocks):
        if block.when is not None:
            governed = [order[q.id] for q in block.questions if q.id != block.when.question]
            problems.extend(
                _check_condition(
                    block.when,
                    ("blocks", b_index, "when"),
                    questions,
                    order,
                    min(governed, default=None),
                )
            )
        for q_index, question in enumerate(block.questions):
            if question.when is not None:
                where = ("blocks", b_index, "questions", q_index, "when")
                problems.extend(
                    _check_condition(question.when, where, questions, order, order.get(question.id))
                )
    problems.extend(_welsh_problems(questionnaire))
    finding_ids: set[str] = set()
    for f_index, finding in enumerate(questionnaire.findings):
        where = ("findings", f_index)
        if finding.id in finding_ids:
            problems.append((field_path(*where, "id"), f"duplicate finding id {finding.id!r}"))
        finding_ids.add(finding.id)
        if finding.block not in block_ids:
            problems.append((field_path(*where, "block"), f"unknown block {finding.block!r}"))
        elif finding.numerator.question.partition(".")[0] != finding.block:
            problems.append(
                (
                    field_path(*where, "numerator", "question"),
                    f"question {finding.numerator.question!r} is not in block {finding.block!r}",
                )
            )
        predicates = []
        if isinstance(finding.numerator, NamedConcern):
            named = questions.get(finding.numerator.question)
            if named is None or named.type is not AnswerType.MANUFACTURERS:
                problems.append(
                    (
                        field_path(*where, "numerator", "question"),
                        f"{finding.numerator.question!r} is not a manufacturers question",
                    )
                )
        else:
            predicates.append(("numerator", finding.numerator))
        if isinstance(finding.denominator, Predicate):
            predicates.append(("denominator", finding.denominator))
        for name, predicate in predicates:
            problems.extend(
                _check_reference(
                    predicate.question,
                    field_path(*where, name, "question"),
                    [(field_path(*where, name, "equals"), predicate.equals)],
                    questions,
                    order,
                    None,
                )
            )
    for f_index, finding in enumerate(questionnaire.findings):
        if finding.compare_with is not None and finding.compare_with not in finding_ids:
            problems.append(
                (
                    field_path("findings", f_index, "compare_with"),
                    f"unknown finding {finding.compare_with!r}",
                )
            )
    return problems
