"""The life of a round: creating it, saving and submitting returns, reopening, correcting."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from custodes import findings as fcore
from custodes import questionnaire as qcore
from custodes import roster as roster_core
from custodes.web.bodies.models import Body, RecipientList
from custodes.web.bodies.services import body_finder
from custodes.web.surveys.choices import Action, Channel
from custodes.web.surveys.models import (
    Activity,
    Correction,
    Questionnaire,
    Return,
    Round,
    Submission,
)

__all__ = [
    "COVERS_QUESTION",
    "AnswersInvalid",
    "SurveyError",
    "correct_answer",
    "covered_codes",
    "create_round",
    "current_answers",
    "definition_of",
    "load_questionnaire",
    "reopen_return",
    "return_events",
    "return_for",
    "save_draft",
    "submit_return",
]

# The questionnaire question whose answer names the other bodies a lead-body return covers.
COVERS_QUESTION = "respondent.on_behalf_of"
_COVERS_SPLIT = re.compile(r"[;\n,]+")


class SurveyError(Exception):
    """A survey operation was refused; the message says why, for the person who asked."""


# Questionnaires


def load_questionnaire(name_or_path: str) -> Questionnaire:
    """Stores a shipped questionnaire (by name) or a questionnaire file; idempotent."""
    path = Path(name_or_path)
    if name_or_path in qcore.shipped_names():
        definition = qcore.load_shipped(name_or_path)
    elif path.suffix in {".yaml", ".yml"} and path.exists():
        definition = qcore.load_questionnaire(path)
    else:
        raise SurveyError(
            f"unknown questionnaire {name_or_path!r}: give a file path or one of "
            + ", ".join(qcore.shipped_names())
        )
    row, _ = Questionnaire.objects.get_or_create(
        slug=definition.id,
        fingerprint=definition.fingerprint,
        defaults={
            "version": definition.version,
            "title": definition.title,
            "definition": definition.model_dump(mode="json", by_alias=True),
        },
    )
    return row


def definition_of(questionnaire: Questionnaire) -> qcore.Questionnaire:
    """The typed questionnaire a stored row was made from."""
    return qcore.Questionnaire.model_validate(questionnaire.definition)


# Rounds


@transaction.atomic
def create_round(
    name: str,
    *,
    questionnaire: str,
    recipients: str,
    closes_at: datetime,
    opens_at: datetime | None = None,
    title: str | None = None,
    actor: str,
    synthetic: bool = False,
    recipients_version: int | None = None,
    reminder_days_before_close: int | None = None,
) -> Round:
    """Creates a round; the recipient list is pinned to its current (or given) version.
    ``reminder_days_before_close`` schedules an automatic reminder to bodies not responded."""
    if Round.objects.filter(name=name).exists():
        raise SurveyError(f"a round named {name!r} already exists")
    lists = RecipientList.objects.filter(name=recipients)
    if recipients_version is not None:
        lists = lists.filter(version=recipients_version)
    recipient_list = lists.order_by("-version").first()
    if recipient_list is None:
        known = ", ".join(sorted(set(RecipientList.objects.values_list("name", flat=True))))
        raise SurveyError(f"unknown recipient list {recipients!r} (known: {known or 'none'})")
    opens_at = opens_at or timezone.now()
    if closes_at <= opens_at:
        raise SurveyError("the closing date must be after the opening date")
    stored = load_questionnaire(questionnaire)
    round_ = Round.objects.create(
        name=name,
        title=title or stored.title,
        questionnaire=stored,
        recipient_list=recipient_list,
        opens_at=opens_at,
        closes_at=closes_at,
        synthetic=synthetic,
        created_by=actor,
        reminder_days_before_close=reminder_days_before_close,
    )
    Activity.objects.create(
        actor=actor,
        action=Action.ROUND_CREATED,
        round=round_,
        message=f"Round created for {recipient_list} ({recipient_list.bodies.count()} bodies)",
    )
    return round_


# Returns


def return_for(round_: Round, body: Body) -> Return:
    """The body's return in the round, created empty on first use."""
    if not round_.recipient_list.bodies.filter(pk=body.pk).exists():
        raise SurveyError(f"{body.name} is not a recipient of round {round_.name}")
    record, _ = Return.objects.get_or_create(round=round_, body=body)
    return record


def current_answers(record: Return) -> dict[str, Any]:
    """The answers as they stand now: latest submission with later corrections applied."""
    return fcore.answers_as_of(return_events(record), None) or {}


def return_events(record: Return) -> list[fcore.Submission | fcore.Correction]:
    """The return's submissions and corrections as the pure core's events."""
    events: list[fcore.Submission | fcore.Correction] = [
        fcore.Submission(at=s.submitted_at, answers=s.answers, channel=s.channel)
        for s in record.submissions.all()
    ]
    events += [
        fcore.Correction(
            at=c.corrected_at,
            question_id=c.question_id,
            old_value=c.old_value,
            new_value=c.new_value,
            reason=c.reason,
            by=c.corrected_by,
        )
        for c in record.corrections.all()
    ]
    return events


def covered_codes(
    answers: Mapping[str, Any], finder: roster_core.Roster, own_code: str
) -> tuple[set[str], list[str]]:
    """Bodies named in the covers answer: (codes found, names not recognised)."""
    text = answers.get(COVERS_QUESTION) or ""
    codes: set[str] = set()
    unknown: list[str] = []
    for part in _COVERS_SPLIT.split(str(text)):
        name = part.strip()
        if not name:
            continue
        found = finder.find(name)
        if found is None:
            unknown.append(name)
        elif found.code != own_code:
            codes.add(found.code)
    return codes, unknown


def _validate(
    definition: qcore.Questionnaire, answers: Mapping[str, Any], *, final: bool
) -> dict[str, Any]:
    problems = qcore.check_submission(definition, answers, final=final)
    if problems:
        raise AnswersInvalid(problems)
    return {
        qid: qcore.validate_answer(definition.question(qid), value)
        for qid, value in answers.items()
        if value not in (None, "", [])
    }


class AnswersInvalid(SurveyError):
    """Answers failed validation; ``problems`` lists each question's error."""

    def __init__(self, problems: list[qcore.FieldError]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.question_id}: {p.message}" for p in problems))


@transaction.atomic
def save_draft(record: Return, answers: Mapping[str, Any], *, actor: str) -> None:
    """Saves answers without submitting them; required questions may still be empty."""
    if record.locked:
        raise SurveyError("this return has been submitted and is read-only")
    definition = definition_of(record.round.questionnaire)
    merged = {**record.draft, **answers}
    record.draft = _validate(definition, merged, final=False)
    record.draft_saved_at = timezone.now()
    record.save(update_fields=["draft", "draft_saved_at"])
    Activity.objects.create(
        actor=actor,
        action=Action.RETURN_SAVED,
        round=record.round,
        body=record.body,
        message="Answers saved",
    )


@transaction.atomic
def submit_return(
    record: Return,
    answers: Mapping[str, Any] | None = None,
    *,
    actor: str,
    channel: str = Channel.WEB,
    submitted_at: datetime | None = None,
    final: bool = True,
    finder: roster_core.Roster | None = None,
) -> Submission:
    """Records a submission (the draft, or ``answers``) and makes the return read-only."""
    if record.locked and channel == Channel.WEB:
        raise SurveyError("this return has already been submitted")
    definition = definition_of(record.round.questionnaire)
    cleaned = _validate(definition, record.draft if answers is None else answers, final=final)
    finder = finder or body_finder()
    codes, unknown = covered_codes(cleaned, finder, record.body.code)
    if unknown:
        raise AnswersInvalid(
            [
                qcore.FieldError(
                    COVERS_QUESTION,
                    "Enter the names of police bodies, separated by semicolons; "
                    "not recognised: " + "; ".join(unknown),
                )
            ]
        )
    now = timezone.now()
    submission = Submission.objects.create(
        return_record=record,
        submitted_at=submitted_at or now,
        answers=cleaned,
        channel=channel,
        recorded_by=actor,
    )
    record.covers.set(Body.objects.filter(code__in=codes))
    record.locked = True
    record.draft = cleaned
    record.draft_saved_at = now
    if not record.reference:
        record.reference = f"{record.body.code.upper()[:6]}-{secrets.token_hex(3).upper()}"
    record.save(update_fields=["locked", "draft", "draft_saved_at", "reference"])
    Activity.objects.create(
        actor=actor,
        action=Action.RETURN_SUBMITTED,
        round=record.round,
        body=record.body,
        message=f"Return submitted ({Channel(channel).label})",
        detail={"submission": submission.pk, "reference": record.reference},
    )
    return submission


@transaction.atomic
def reopen_return(record: Return, *, actor: str, reason: str) -> None:
    """Lets the body change a submitted return; its earlier submissions still count until
    it submits again."""
    if not record.locked:
        raise SurveyError("this return is not read-only")
    if not reason.strip():
        raise SurveyError("give a reason for reopening")
    record.draft = current_answers(record)
    record.locked = False
    record.save(update_fields=["locked", "draft"])
    Activity.objects.create(
        actor=actor,
        action=Action.RETURN_REOPENED,
        round=record.round,
        body=record.body,
        message=f"Reopened: {reason}",
    )


@transaction.atomic
def correct_answer(
    record: Return,
    question_id: str,
    raw_value: str | None,
    *,
    reason: str,
    actor: str,
    user=None,
    value: Any = None,
) -> Correction:
    """Corrects one submitted answer after a follow-up enquiry; the original stays on record.

    ``raw_value`` is text as typed (lists separated by ``;``); an empty value removes the answer.
    """
    if not reason or not reason.strip():
        raise SurveyError("a correction needs a reason")
    if not record.submissions.exists():
        raise SurveyError(f"{record.body.name} has not submitted a return to correct")
    definition = definition_of(record.round.questionnaire)
    try:
        question = definition.question(question_id)
    except KeyError as exc:
        raise SurveyError(f"unknown question {question_id!r}") from exc
    if raw_value is not None:
        value = qcore.parse_answer(question, raw_value) if raw_value.strip() else None
    new_value = None if value in (None, "", []) else qcore.validate_answer(question, value)
    old_value = current_answers(record).get(question_id)
    if new_value == old_value:
        raise SurveyError(f"{question_id} already has that value")
    if question_id == COVERS_QUESTION:
        codes, unknown = covered_codes(
            {COVERS_QUESTION: new_value}, body_finder(), record.body.code
        )
        if unknown:
            raise SurveyError("not recognised as bodies: " + "; ".join(unknown))
        record.covers.set(Body.objects.filter(code__in=codes))
    correction = Correction.objects.create(
        return_record=record,
        question_id=question_id,
        old_value=old_value,
        new_value=new_value,
        reason=reason.strip(),
        corrected_by=actor,
        user=user,
    )
    Activity.objects.create(
        actor=actor,
        action=Action.ANSWER_CORRECTED,
        round=record.round,
        body=record.body,
        message=f"{question_id} corrected: {reason.strip()}"[:500],
        detail={"correction": correction.pk},
    )
    return correction
