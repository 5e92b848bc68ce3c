"""Everything a published report says, gathered from the database as it stood at a cut-off.

The figures come from the survey services (``round_findings`` and ``round_data``); this
module adds what only the report needs: each counted return's answers and dates, the
corrections made up to the cut-off with the figures they changed, and provenance metadata.
Officials' names (``Correction.corrected_by``, contacts, personal questions) are never read
into a :class:`ReportData`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

import custodes
from custodes import findings as fcore
from custodes import questionnaire as qcore
from custodes.web.bodies.models import Body
from custodes.web.estate.services import round_reconciliations
from custodes.web.reports.errors import InvalidAsOf
from custodes.web.surveys.analysis import (
    correction_effects,
    follow_up,
    round_data,
    round_findings,
)
from custodes.web.surveys.enquiries import Enquiry, round_enquiries
from custodes.web.surveys.lifecycle import definition_of
from custodes.web.surveys.models import Correction, Round

__all__ = [
    "CorrectionNote",
    "CountedReturn",
    "FigureChange",
    "KnowledgeVersion",
    "ReportData",
    "answer_text",
    "knowledge_version",
    "report_data",
]

logger = logging.getLogger(__name__)

WITHHELD_PERSONAL = "not published (personal data)"
WITHHELD_TEXT = "free-text answer (see responses.csv)"
NO_ANSWER = "no answer"


@dataclass(frozen=True)
class KnowledgeVersion:
    """Version and date of the vendor-intelligence knowledge base the report was built with."""

    version: str
    date: str


@dataclass(frozen=True)
class CountedReturn:
    """A return counted as of the cut-off, with its answers after corrections."""

    body_code: str
    body_name: str
    covers: tuple[tuple[str, str], ...]
    """Other bodies the return answers for, as (code, name), by name."""
    first_submitted_at: datetime
    late: bool
    channel: str
    """Channel of the latest submission counted (web, email, paper...)."""
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class FollowUp:
    """A body whose declared answer and named manufacturers disagree: an enquiry to make."""

    body_code: str
    body_name: str
    block_title: str
    declared: str
    """Its answer to the block's concerns question: yes, no, unsure or unanswered."""
    named: str
    """Whether the manufacturers it named carry a recorded concern: yes, no or unsure."""
    manufacturers: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self.body_code,
            "body_name": self.body_name,
            "system": self.block_title,
            "declared": self.declared,
            "named": self.named,
            "manufacturers": list(self.manufacturers),
        }


@dataclass(frozen=True)
class RegisterNote:
    """A return's "no" contradicted by the body's own equipment register."""

    body_code: str
    body_name: str
    block_title: str
    question_id: str
    answer: str
    devices_of_concern: int
    manufacturers: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self.body_code,
            "body_name": self.body_name,
            "system": self.block_title,
            "question": self.question_id,
            "answer": self.answer,
            "devices_of_concern": self.devices_of_concern,
            "manufacturers": list(self.manufacturers),
        }


@dataclass(frozen=True)
class FigureChange:
    """A finding whose figures a correction changed."""

    finding_id: str
    title: str
    before: fcore.FindingResult
    after: fcore.FindingResult


@dataclass(frozen=True)
class CorrectionNote:
    """A correction as published: when, which body and question, old and new, and why.

    Who made the correction is deliberately absent: it may name an official.
    """

    at: datetime
    body_code: str
    body_name: str
    question_id: str
    question_text: str
    old_text: str
    new_text: str
    reason: str
    changes: tuple[FigureChange, ...]


@dataclass(frozen=True)
class ReportData:
    """The round's publishable content as of ``as_of``."""

    round_name: str
    round_title: str
    synthetic: bool
    opens_at: datetime
    closes_at: datetime
    as_of: datetime
    generated_at: datetime
    definition: qcore.Questionnaire
    questionnaire_fingerprint: str
    knowledge: KnowledgeVersion | None
    custodes_version: str
    findings: fcore.RoundFindings
    returns: tuple[CountedReturn, ...]
    corrections: tuple[CorrectionNote, ...]
    follow_ups: tuple[FollowUp, ...]
    register_notes: tuple[RegisterNote, ...]
    enquiries: tuple[Enquiry, ...]

    def finding_block(self, finding_id: str) -> str:
        """The questionnaire block a finding belongs to."""
        for spec in self.definition.findings:
            if spec.id == finding_id:
                return spec.block
        raise KeyError(f"questionnaire {self.definition.id!r} has no finding {finding_id!r}")

    def publishable_questions(self) -> list[qcore.Question]:
        """Every question whose answers may be published: all but ``personal`` ones."""
        return [q for q in self.definition.questions() if not q.personal]


def knowledge_version() -> KnowledgeVersion | None:
    """The knowledge base's version and date, or None when ``custodes.intel`` cannot say.

    A knowledge base that fails to load (the intel package's own error) is logged and
    reported as unknown: it does not stop a survey report from being published.
    """
    try:
        intel = importlib.import_module("custodes.intel")
    except ImportError:
        return None
    loader = getattr(intel, "load_knowledge", None)
    if not callable(loader):
        return None
    intel_error = getattr(intel, "IntelError", None)
    expected = intel_error if isinstance(intel_error, type) else ()
    try:
        knowledge = loader()
    except expected as error:
        logger.warning("knowledge base not loaded for the report: %s", error)
        return None
    version, when = getattr(knowledge, "version", None), getattr(knowledge, "date", None)
    if version is None or when is None:
        return None
    return KnowledgeVersion(
        version=str(version),
        date=when.isoformat() if isinstance(when, date) else str(when),
    )


def _cut_off(as_of: datetime | None, now: datetime) -> datetime:
    """The report's cut-off: ``as_of`` (aware), no later than ``now``; ``now`` when None."""
    if as_of is None:
        return now
    if not isinstance(as_of, datetime):
        raise InvalidAsOf(f"as_of must be a datetime, got {type(as_of).__name__}")
    if timezone.is_naive(as_of):
        raise InvalidAsOf(f"as_of must be timezone-aware, got naive {as_of.isoformat()}")
    return min(as_of, now)


def answer_text(question: qcore.Question | None, value: Any) -> str:
    """An answer as a reader would say it; personal and free-text values are withheld."""
    if question is not None and question.personal:
        return WITHHELD_PERSONAL
    if value is None or value == "" or value == []:
        return NO_ANSWER
    if question is not None and question.type is qcore.AnswerType.TEXT:
        return WITHHELD_TEXT
    labels = {option.value: option.label for option in question.options} if question else {}
    items = value if isinstance(value, list | tuple) else [value]
    return "; ".join(
        labels.get(item, str(item)) if isinstance(item, str) else str(item) for item in items
    )


def _latest_channel(
    events: tuple[fcore.Submission | fcore.Correction, ...], as_of: datetime
) -> str:
    submissions = [e for e in events if isinstance(e, fcore.Submission) and e.at <= as_of]
    return max(submissions, key=lambda e: e.at).channel


def _figure_changes(effect: fcore.CorrectionEffect) -> tuple[FigureChange, ...]:
    """Findings whose figures this correction, alone, moved."""
    return tuple(
        FigureChange(finding_id=new.id, title=new.title, before=old, after=new)
        for old, new in effect.changed()
    )


def _question(definition: qcore.Questionnaire, qid: str) -> qcore.Question | None:
    try:
        return definition.question(qid)
    except KeyError:
        return None


def _corrections(
    round_: Round,
    definition: qcore.Questionnaire,
    data: fcore.RoundData,
    as_of: datetime,
    counted: set[str],
) -> tuple[CorrectionNote, ...]:
    """Each correction counted by ``as_of``, with the figures it alone changed: corrections
    made at the same instant are applied one by one, so no change is described twice."""
    rows = {
        row.pk: row
        for row in Correction.objects.filter(
            return_record__round=round_, corrected_at__lte=as_of
        ).select_related("return_record__body")
    }
    notes = []
    for effect in correction_effects(round_, data, as_of=as_of):
        row = rows.get(effect.correction.id) if effect.correction.id is not None else None
        if row is None or effect.body not in counted:
            continue
        body = row.return_record.body
        question = _question(definition, row.question_id)
        notes.append(
            CorrectionNote(
                at=row.corrected_at,
                body_code=body.code,
                body_name=body.name,
                question_id=row.question_id,
                question_text=question.text if question else row.question_id,
                old_text=answer_text(question, row.old_value),
                new_text=answer_text(question, row.new_value),
                reason=row.reason,
                changes=_figure_changes(effect),
            )
        )
    return tuple(notes)


def _counted_returns(data: fcore.RoundData, as_of: datetime) -> tuple[CountedReturn, ...]:
    codes = {r.body for r in data.returns} | {c for r in data.returns for c in r.covers}
    names = dict(Body.objects.filter(code__in=codes).values_list("code", "name"))
    counted = []
    for record in data.returns:
        answers = fcore.answers_as_of(record.events, as_of)
        first = record.first_submission_at(as_of)
        if answers is None or first is None:
            continue
        covers = sorted(
            ((code, names.get(code, code)) for code in record.covers),
            key=lambda pair: (pair[1], pair[0]),
        )
        counted.append(
            CountedReturn(
                body_code=record.body,
                body_name=names.get(record.body, record.body),
                covers=tuple(covers),
                first_submitted_at=first,
                late=first > data.closes_at,
                channel=_latest_channel(record.events, as_of),
                answers=answers,
            )
        )
    return tuple(sorted(counted, key=lambda r: (r.body_name, r.body_code)))


def report_data(round_: Round, as_of: datetime | None = None) -> ReportData:
    """The round's report content as the data stood at ``as_of`` (now when None).

    A cut-off in the future is brought back to now: a report never claims figures for a
    moment that has not happened yet. Raises :class:`InvalidAsOf` for a naive ``as_of``.
    """
    now = timezone.now()
    moment = _cut_off(as_of, now)
    definition = definition_of(round_.questionnaire)
    data = round_data(round_, as_of=moment)
    result = round_findings(round_, as_of=moment, data=data)
    returns = _counted_returns(data, moment)
    return ReportData(
        round_name=round_.name,
        round_title=round_.title,
        synthetic=round_.synthetic,
        opens_at=round_.opens_at,
        closes_at=round_.closes_at,
        as_of=moment,
        generated_at=now,
        definition=definition,
        questionnaire_fingerprint=round_.questionnaire.fingerprint,
        knowledge=knowledge_version(),
        custodes_version=custodes.__version__,
        findings=result,
        returns=returns,
        corrections=_corrections(round_, definition, data, moment, {r.body_code for r in returns}),
        follow_ups=_follow_ups(round_, definition, result, returns),
        register_notes=_register_notes(round_, definition, moment),
        enquiries=tuple(round_enquiries(round_, moment)),
    )


def _register_notes(
    round_: Round, definition: qcore.Questionnaire, moment: datetime
) -> tuple[RegisterNote, ...]:
    """Returns contradicted by the bodies' registers as they stood on the as-of day."""
    notes = [
        RegisterNote(
            body_code=item.body.code,
            body_name=item.body.name,
            block_title=definition.block(found.block).title,
            question_id=found.question,
            answer=found.answer,
            devices_of_concern=found.devices_of_concern,
            manufacturers=found.manufacturers,
        )
        for item in round_reconciliations(round_, as_of=moment)
        for found in item.reconciliation.discrepancies
    ]
    return tuple(sorted(notes, key=lambda n: (n.block_title, n.body_name)))


def _follow_ups(
    round_: Round,
    definition: qcore.Questionnaire,
    result: fcore.RoundFindings,
    returns: tuple[CountedReturn, ...],
) -> tuple[FollowUp, ...]:
    """Disagreements between declared concerns and named manufacturers, with the names."""
    by_code = {record.body_code: record for record in returns}
    notes = []
    for item in follow_up(round_, result):
        record = by_code[item.body]
        spec = next(f for f in definition.findings if f.id == item.finding)
        names = record.answers.get(spec.numerator.question) or ()
        notes.append(
            FollowUp(
                body_code=item.body,
                body_name=record.body_name,
                block_title=definition.block(item.block).title,
                declared=item.declared,
                named=item.named,
                manufacturers=tuple(names),
            )
        )
    return tuple(sorted(notes, key=lambda n: (n.block_title, n.body_name)))
