"""Compute a round's findings as lower and upper bounds at a chosen point in time.

See the package docstring of :mod:`custodes.findings` for the counting rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Protocol

from custodes.findings._errors import InvalidFindingSpecError, InvalidRoundError
from custodes.findings._events import answers_as_of, require_aware
from custodes.findings._round import Recipient, ReturnRecord, RoundData

UNSURE = "unsure"
ALL_RESPONDENTS = "respondents"

NamesJudge = Callable[[Sequence[str], date], str]
"""Judges a list of manufacturer names as of a date: "yes" (one carries a concern), "no"
(all are known and none does) or "unsure" (some cannot be identified)."""


class PredicateLike(Protocol):
    """A condition ``answer to question == equals`` (questionnaire ``Predicate``)."""

    @property
    def question(self) -> str: ...

    @property
    def equals(self) -> Any: ...


class FindingSpecLike(Protocol):
    """What a finding counts (questionnaire ``FindingSpec``)."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def numerator(self) -> PredicateLike: ...

    @property
    def denominator(self) -> str | PredicateLike: ...

    @property
    def denominator_label(self) -> str: ...


class QuestionnaireLike(Protocol):
    """The part of a questionnaire the findings need."""

    @property
    def findings(self) -> Sequence[FindingSpecLike]: ...

    def applicability(self, qid: str, answers: Mapping[str, Any]) -> bool | None: ...


@dataclass(frozen=True)
class FindingResult:
    """One finding's bounds: at least ``at_least`` and at most ``at_most`` of ``denominator``."""

    id: str
    title: str
    at_least: int
    at_most: int
    unsure: int
    unanswered: int
    denominator: int
    denominator_label: str
    respondents: int
    recipients: int
    yes_bodies: tuple[str, ...] = ()
    unsure_bodies: tuple[str, ...] = ()
    unanswered_bodies: tuple[str, ...] = ()
    no_bodies: tuple[str, ...] = ()
    conditional: bool = False
    """True when the denominator is a subset of respondents chosen by a predicate."""

    def __post_init__(self) -> None:
        if not 0 <= self.at_least <= self.at_most <= self.denominator:
            raise InvalidRoundError(
                f"finding {self.id!r}: bounds must satisfy 0 <= at_least <= at_most <= "
                f"denominator, got {self.at_least}, {self.at_most}, {self.denominator}"
            )
        if self.at_most != self.at_least + self.unsure + self.unanswered:
            raise InvalidRoundError(
                f"finding {self.id!r}: at_most must equal at_least + unsure + unanswered"
            )

    @property
    def rest(self) -> int:
        """Members of the denominator that clearly did not meet the finding."""
        return self.denominator - self.at_most

    def to_dict(self) -> dict[str, Any]:
        """The published figures as plain JSON-ready values."""
        return {
            "id": self.id,
            "title": self.title,
            "at_least": self.at_least,
            "at_most": self.at_most,
            "unsure": self.unsure,
            "unanswered": self.unanswered,
            "denominator": self.denominator,
            "denominator_label": self.denominator_label,
            "respondents": self.respondents,
            "recipients": self.recipients,
        }


@dataclass(frozen=True)
class RoundFindings:
    """All findings of a round as of one moment, with the response figures they rest on."""

    round: str
    as_of: datetime
    recipients: int
    returns: int
    bodies_covered: int
    late_returns: int
    non_respondents: tuple[str, ...]
    respondents: tuple[Recipient, ...]
    findings: tuple[FindingResult, ...]

    def to_dict(self) -> dict[str, Any]:
        """The round's figures as plain JSON-ready values (``as_of`` in ISO 8601)."""
        return {
            "round": self.round,
            "as_of": self.as_of.isoformat(),
            "recipients": self.recipients,
            "returns": self.returns,
            "bodies_covered": self.bodies_covered,
            "late_returns": self.late_returns,
            "non_respondents": list(self.non_respondents),
            "findings": [finding.to_dict() for finding in self.findings],
        }


@dataclass(frozen=True)
class _CountedReturn:
    """A return counted as of the cut-off, with its answers at that time."""

    record: ReturnRecord
    answers: dict[str, Any]


def compute_findings(
    questionnaire: QuestionnaireLike,
    data: RoundData,
    *,
    as_of: datetime | None = None,
    judge_names: NamesJudge | None = None,
) -> RoundFindings:
    """Compute every finding of ``questionnaire`` over ``data`` as of ``as_of`` (None: now).

    ``judge_names`` decides named-concern findings (numerators with ``named_concern``); it is
    given the names answered and the cut-off date, so concerns that took effect later are
    not applied.
    """
    cut_off = datetime.now(UTC) if as_of is None else as_of
    require_aware(cut_off, "as_of")
    counted: list[_CountedReturn] = []
    for record in data.returns:
        answers = answers_as_of(record.events, cut_off)
        if answers is not None:
            counted.append(_CountedReturn(record, answers))
    covered = frozenset().union(*(item.record.codes() for item in counted))
    late = sum(
        1
        for item in counted
        if (first := item.record.first_submission_at(cut_off)) is not None
        and first > data.closes_at
    )
    results = tuple(
        _evaluate(spec, questionnaire, counted, len(data.recipients), judge_names, cut_off)
        for spec in questionnaire.findings
    )
    return RoundFindings(
        round=data.round,
        as_of=cut_off,
        recipients=len(data.recipients),
        returns=len(counted),
        bodies_covered=sum(1 for r in data.recipients if r.code in covered),
        late_returns=late,
        non_respondents=tuple(r.name for r in data.recipients if r.code not in covered),
        respondents=tuple(r for r in data.recipients if r.code in covered),
        findings=results,
    )


def _in_denominator(
    spec: FindingSpecLike, questionnaire: QuestionnaireLike, answers: Mapping[str, Any]
) -> bool:
    """Whether a counted return belongs to the finding's denominator.

    A predicate holds only on a clear answer to a question that applies: an answer left
    over in a block that does not apply, or whose applicability is unknown, does not count.
    """
    denominator = spec.denominator
    if isinstance(denominator, str):
        return True
    question = denominator.question
    if questionnaire.applicability(question, answers) is not True:
        return False
    return _classify(answers.get(question), denominator.equals) is _Verdict.YES


class _Verdict(Enum):
    """How one answer stands against a predicate value."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"
    UNANSWERED = "unanswered"


def _normalise(value: Any) -> Any:
    """Strings compare trimmed and case-folded, as the questionnaire reads its conditions."""
    return value.strip().casefold() if isinstance(value, str) else value


def _classify(answer: Any, expected: Any) -> _Verdict:
    """Compare an answer with a predicate value.

    Blank (None, empty or whitespace-only text, empty selection) is unanswered. A selection
    (list or tuple, multi-select) is a yes when it includes the value, unsure when it
    includes "unsure", else a no. A single answer is a yes when equal to the value, unsure
    when "unsure", else a no.
    """
    wanted = _normalise(expected)
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return _Verdict.UNANSWERED
    if isinstance(answer, list | tuple):
        if not answer:
            return _Verdict.UNANSWERED
        chosen = [_normalise(item) for item in answer]
        if wanted in chosen:
            return _Verdict.YES
        return _Verdict.UNSURE if UNSURE in chosen else _Verdict.NO
    value = _normalise(answer)
    if value == wanted:
        return _Verdict.YES
    return _Verdict.UNSURE if value == UNSURE else _Verdict.NO


def _named_concern_verdict(
    answer: Any, judge: NamesJudge | None, spec_id: str, cut_off: datetime
) -> _Verdict:
    """A manufacturers answer judged against the knowledge base."""
    if judge is None:
        raise InvalidFindingSpecError(
            f"finding {spec_id!r} counts named concerns: compute_findings needs judge_names"
        )
    names = [name for name in answer or () if isinstance(name, str) and name.strip()]
    if not names:
        return _Verdict.UNANSWERED
    return _Verdict(judge(names, cut_off.date()))


def _evaluate(
    spec: FindingSpecLike,
    questionnaire: QuestionnaireLike,
    counted: Sequence[_CountedReturn],
    recipients: int,
    judge: NamesJudge | None,
    cut_off: datetime,
) -> FindingResult:
    """Classify each return in the denominator as yes, unsure, unanswered or no."""
    if isinstance(spec.denominator, str) and spec.denominator != ALL_RESPONDENTS:
        raise InvalidFindingSpecError(
            f"finding {spec.id!r}: denominator must be {ALL_RESPONDENTS!r} or a predicate, "
            f"got {spec.denominator!r}"
        )
    question = spec.numerator.question
    yes: list[str] = []
    unsure: list[str] = []
    unanswered: list[str] = []
    no: list[str] = []
    named = getattr(spec.numerator, "named_concern", False)
    denominator = 0
    for item in counted:
        answers = item.answers
        if not _in_denominator(spec, questionnaire, answers):
            continue
        denominator += 1
        applies = questionnaire.applicability(question, answers)
        if applies is False:
            no.append(item.record.body)
            continue
        if named:
            verdict = _named_concern_verdict(answers.get(question), judge, spec.id, cut_off)
        else:
            verdict = _classify(answers.get(question), spec.numerator.equals)
        if applies is None or verdict is _Verdict.UNANSWERED:
            unanswered.append(item.record.body)
        elif verdict is _Verdict.YES:
            yes.append(item.record.body)
        elif verdict is _Verdict.UNSURE:
            unsure.append(item.record.body)
        else:
            no.append(item.record.body)
    return FindingResult(
        id=spec.id,
        title=spec.title,
        at_least=len(yes),
        at_most=len(yes) + len(unsure) + len(unanswered),
        unsure=len(unsure),
        unanswered=len(unanswered),
        denominator=denominator,
        denominator_label=spec.denominator_label,
        respondents=len(counted),
        recipients=recipients,
        yes_bodies=tuple(yes),
        unsure_bodies=tuple(unsure),
        unanswered_bodies=tuple(unanswered),
        no_bodies=tuple(no),
        conditional=not isinstance(spec.denominator, str),
    )
