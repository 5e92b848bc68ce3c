"""The life of a round: creating it, saving and submitting returns, reopening, correcting."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from custodes import findings as fcore
from custodes import questionnaire as qcore
from custodes import roster as roster_core
from custodes.web.bodies import services as bodies_services
from custodes.web.bodies.models import Body, RecipientList
from custodes.web.bodies.services import body_finder
from custodes.web.core.joined import JoinedRows, Part
from custodes.web.surveys.choices import Action, Channel
from custodes.web.surveys.models import (
    Activity,
    Correction,
    Invitation,
    Questionnaire,
    Return,
    Round,
    Submission,
)
from custodes.web.surveys.tokens import record_opened

__all__ = [
    "COVERS_QUESTION",
    "DEFINITION",
    "AnswersInvalid",
    "Conflict",
    "DraftSaved",
    "ReturnLocked",
    "SurveyError",
    "correct_answer",
    "covered_codes",
    "create_round",
    "current_answers",
    "definition_of",
    "drop_inapplicable",
    "existing_return",
    "list_rounds",
    "load_questionnaire",
    "lock_returns",
    "open_invitation",
    "reopen_return",
    "return_events",
    "return_for",
    "return_history",
    "round_named",
    "save_draft",
    "submit_return",
    "update_email_text",
]

# The questionnaire question whose answer names the other bodies a lead-body return covers.
COVERS_QUESTION = "respondent.on_behalf_of"
_COVERS_SPLIT = re.compile(r"[;\n,]+")
# The round's texts a watchdog may edit (the email_text page).
EMAIL_TEXT_FIELDS = ("invitation_subject", "invitation_body", "reminder_subject", "reminder_body")


class SurveyError(Exception):
    """A survey operation was refused; the message says why, for the person who asked."""


class ReturnLocked(SurveyError):
    """The return is read-only (submitted, or being imported): nothing was written."""


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
    return Questionnaire.store(definition)


# Queries that load a round's questionnaire for a request defer its large JSON definition:
# definition_of parses it once per process.
DEFINITION = "round__questionnaire__definition"


def definition_of(questionnaire: Questionnaire) -> qcore.Questionnaire:
    """The typed questionnaire a stored row was made from (validated once per process: every
    respondent request needs it)."""
    return questionnaire.typed(qcore.Questionnaire)


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
    recipient_list = bodies_services.recipient_list(recipients, recipients_version)
    if recipient_list is None:
        known = ", ".join(bodies_services.known_list_names())
        raise SurveyError(f"unknown recipient list {recipients!r} (known: {known or 'none'})")
    opens_at = opens_at or timezone.now()
    if closes_at <= opens_at:
        raise SurveyError("the closing date must be after the opening date")
    stored = load_questionnaire(questionnaire)
    try:
        with transaction.atomic():  # a savepoint: the unique name decides between two creators
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
    except IntegrityError:
        raise SurveyError(f"a round named {name!r} already exists") from None
    Activity.objects.create(
        actor=actor,
        action=Action.ROUND_CREATED,
        round=round_,
        message=f"Round created for {recipient_list} ({recipient_list.bodies.count()} bodies)",
    )
    return round_


# Rounds: look-ups


def round_named(name: str) -> Round:
    """The round called ``name``; the error lists the rounds there are."""
    try:
        return Round.objects.select_related("questionnaire", "recipient_list").get(name=name)
    except Round.DoesNotExist:
        known = ", ".join(Round.objects.values_list("name", flat=True)) or "none yet"
        raise SurveyError(f"no round named {name!r} (rounds: {known})") from None


def list_rounds() -> models.QuerySet[Round]:
    """Every round, newest first, with its questionnaire and recipient list."""
    return Round.objects.select_related("questionnaire", "recipient_list")


@transaction.atomic
def update_email_text(round_: Round, texts: Mapping[str, str], *, actor: str) -> None:
    """Saves the round's invitation and reminder texts (``EMAIL_TEXT_FIELDS``), logged."""
    unknown = set(texts) - set(EMAIL_TEXT_FIELDS)
    if unknown:
        raise SurveyError("not an email text: " + ", ".join(sorted(unknown)))
    Round.objects.filter(pk=round_.pk).update(**texts)
    Activity.objects.create(
        actor=actor, action=Action.ROUND_UPDATED, round=round_, message="Email text changed"
    )


# Returns


def _is_recipient(round_: Round, body: Body) -> bool:
    """Whether the body is on the round's recipient list (one look-up of the membership row)."""
    members = RecipientList.bodies.through.objects
    return members.filter(recipientlist_id=round_.recipient_list_id, body_id=body.pk).exists()


def return_for(round_: Round, body: Body) -> Return:
    """The body's return in the round, created empty on first use."""
    if not _is_recipient(round_, body):
        raise SurveyError(f"{body.name} is not a recipient of round {round_.name}")
    record, _ = Return.objects.get_or_create(round=round_, body=body)
    return record


@transaction.atomic
def open_invitation(invitation: Invitation) -> None:
    """The body opened its link: the opening is recorded and, while the body is a recipient,
    its empty return made in the same transaction, so that the pages the link leads to only
    read. (A return made at once by a second opening is kept: the insert then does nothing.)"""
    record_opened(invitation)
    if _is_recipient(invitation.round, invitation.body):
        Return.objects.bulk_create(
            [Return(round=invitation.round, body=invitation.body)], ignore_conflicts=True
        )


def existing_return(round_: Round, body: Body) -> Return:
    """The body's return in the round; an error when it has none (nothing is created)."""
    record = Return.objects.select_related("round", "body").filter(round=round_, body=body).first()
    if record is None:
        raise SurveyError(f"{body.name} has no return in {round_.name}")
    return record


def _require_transaction() -> None:
    """Row locks last until commit: outside a transaction they would end at once."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("returns can only be locked inside transaction.atomic")


# Every save reads its return under lock: one statement built once per process (core.joined).
_LOCKED_RETURN = JoinedRows(
    [Part(Return, "ret")], 'FROM {ret} WHERE "ret"."id" = %s', lock_rows=True
)


def _locked(record: Return) -> Return:
    """The return re-read inside the caller's transaction, its row locked until commit.

    Every write to a return reads what it changes from this fresh copy, never from the
    caller's (possibly stale) instance. PostgreSQL: ``FOR NO KEY UPDATE`` makes concurrent
    writers of one return wait their turn, without blocking the inserts of its submissions
    and corrections (they only take ``KEY SHARE``). The query reads the return's table only:
    a join would lock the joined round, questionnaire and body rows too (``FOR … UPDATE``
    without ``OF`` locks every table read), and every save of a round would wait for every
    other. SQLite has no row locks and Django skips
    the clause: there, the settings' ``transaction_mode: IMMEDIATE`` takes the database's
    write lock when the transaction begins, which serialises every writer just the same.
    """
    _require_transaction()
    found = _LOCKED_RETURN.one([record.pk])
    if found is None:
        raise Return.DoesNotExist(f"return {record.pk} no longer exists")
    fresh = found[0]
    # A return's round and body never change: keep the caller's copies rather than join them
    # (what a write uses of them, the questionnaire and the body's code, is fixed too).
    for name in ("round", "body"):
        relation = Return._meta.get_field(name)
        if relation.is_cached(record) and getattr(fresh, relation.attname) == getattr(
            record, relation.attname
        ):
            relation.set_cached_value(fresh, relation.get_cached_value(record))
    return fresh


def lock_returns(round_: Round, bodies: Iterable[Body]) -> dict[str, Return]:
    """The bodies' returns (created if need be) by body code, every row locked till commit.

    For writes that change many returns at once (``responses import``): rows are locked in
    primary-key order, so two such writers can never deadlock, and a respondent's save or
    submission waits for the import and then finds its return read-only.
    """
    _require_transaction()
    wanted = list(bodies)
    for body in wanted:
        return_for(round_, body)
    rows = (
        Return.objects.select_for_update(no_key=True, of=("self",))
        .select_related("round__questionnaire", "body")
        .defer(DEFINITION)
        .filter(round=round_, body__in=wanted)
        .order_by("pk")
    )
    return {record.body.code: record for record in rows}


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
            id=c.pk,
        )
        for c in record.corrections.all()
    ]
    return events


def return_history(record: Return) -> list[dict[str, Any]]:
    """Submissions and corrections as plain records, in time order (``responses history``)."""
    events = [
        {
            "at": s.submitted_at.isoformat(),
            "kind": "submission",
            "channel": s.channel,
            "by": s.recorded_by,
            "recorded_at": s.recorded_at.isoformat(),
            "answers": len(s.answers),
        }
        for s in record.submissions.all()
    ] + [
        {
            "at": c.corrected_at.isoformat(),
            "kind": "correction",
            "question": c.question_id,
            "old_value": c.old_value,
            "new_value": c.new_value,
            "by": c.corrected_by,
            "reason": c.reason,
        }
        for c in record.corrections.all()
    ]
    events.sort(key=lambda e: e["at"])
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


def _blank(value: Any) -> Any:
    """An answer with every kind of "no answer" (None, "", []) made None, for comparing."""
    return None if value in (None, "", []) else value


def drop_inapplicable(
    definition: qcore.Questionnaire, saved: Mapping[str, Any], posted: Mapping[str, Any]
) -> dict[str, Any]:
    """``posted`` plus a None for every saved answer the new answers rule out.

    An answer to a question that no longer applies (drones counted, then "operates" changed to
    no) would contradict the return, so it is cleared when the return is saved.
    """
    merged = {**saved, **posted}
    applicability = definition.applicability_map(merged)
    cleared = {
        qid: None
        for qid, value in merged.items()
        if value not in (None, "", []) and applicability.get(qid) is False
    }
    return {**posted, **cleared}


@dataclass(frozen=True)
class Conflict:
    """A question someone else changed after this person opened the page: theirs was kept."""

    question_id: str
    yours: Any
    theirs: Any


@dataclass(frozen=True)
class DraftSaved:
    """What a save did: the answers written, the conflicts left alone, the draft now."""

    applied: dict[str, Any]
    draft: dict[str, Any]
    conflicts: list[Conflict] = field(default_factory=list)


@transaction.atomic
def save_draft(
    record: Return,
    answers: Mapping[str, Any],
    *,
    actor: str,
    baseline: Mapping[str, Any] | None = None,
    section: str | None = None,
) -> DraftSaved:
    """Saves answers without submitting them; required questions may still be empty.

    ``section`` names the block the person saved: it is remembered, so that a block saved on
    purpose with nothing answered shows as in progress rather than not started.

    ``baseline`` holds the answers as the person's page showed them (question id → value).
    With it, only the questions the person changed are written, and a question that someone
    else changed since (the draft no longer equals the baseline, nor the person's value) is
    left as they saved it and reported in ``conflicts``: never overwritten unseen. Without a
    baseline every given answer is written. Answers ruled out by the result are cleared.
    """
    record = _locked(record)
    if record.locked:
        raise ReturnLocked(
            "Your return has been submitted and is read-only now, so these answers were not "
            "saved. Contact the survey team if you need to change an answer."
        )
    definition = definition_of(record.round.questionnaire)
    draft = dict(record.draft)
    wanted = dict(answers)
    conflicts: list[Conflict] = []
    if baseline is not None:
        wanted = {q: v for q, v in wanted.items() if _blank(v) != _blank(baseline.get(q))}
        for qid, value in list(wanted.items()):
            theirs = _blank(draft.get(qid))
            if theirs != _blank(baseline.get(qid)) and theirs != _blank(value):
                conflicts.append(Conflict(qid, _blank(value), theirs))
                del wanted[qid]
    applied = drop_inapplicable(definition, draft, wanted)
    record.draft = _validate(definition, {**draft, **applied}, final=False)
    record.draft_saved_at = timezone.now()
    fields = ["draft", "draft_saved_at"]
    if section is not None and section not in record.sections_saved:
        record.sections_saved = [*record.sections_saved, section]
        fields.append("sections_saved")
    record.save(update_fields=fields)
    Activity.objects.create(
        actor=actor,
        action=Action.RETURN_SAVED,
        round=record.round,
        body=record.body,
        message="Answers saved"
        + (f" ({len(conflicts)} changed by someone else kept)" if conflicts else ""),
        detail={"conflicts": [c.question_id for c in conflicts]} if conflicts else {},
    )
    return DraftSaved(applied=applied, draft=dict(record.draft), conflicts=conflicts)


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
    """Records a submission (the draft, or ``answers``) and makes the return read-only.

    The draft submitted is the one saved last, read under the return's lock; a submission on
    the web against a return already read-only (a second tab, an import) is refused.
    """
    record = _locked(record)
    if record.locked and channel == Channel.WEB:
        raise ReturnLocked("Your return has already been submitted and is read-only now.")
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
    if not reason.strip():
        raise SurveyError("give a reason for reopening")
    # Locked so that the draft is made from the latest submission and corrections, and a
    # submission or correction in flight lands wholly before or after the reopening.
    record = _locked(record)
    if not record.locked:
        raise SurveyError("this return is not read-only")
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

    A reopened return's draft gets the correction too, unless the body changed that answer.
    ``raw_value`` is text as typed (lists separated by ``;``); an empty value removes the answer.
    """
    if not reason or not reason.strip():
        raise SurveyError("a correction needs a reason")
    # Locked before the old value is read: two watchdogs correcting one answer at once take
    # turns, so each correction's old value is the value the one before it set.
    record = _locked(record)
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
    if not record.locked and _blank(record.draft.get(question_id)) == _blank(old_value):
        # A reopened return: its next submission replaces every answer, so the draft the body
        # will submit carries the correction too (unless the body has changed that answer).
        record.draft = {k: v for k, v in record.draft.items() if k != question_id}
        if new_value is not None:
            record.draft[question_id] = new_value
        record.save(update_fields=["draft"])
    Activity.objects.create(
        actor=actor,
        action=Action.ANSWER_CORRECTED,
        round=record.round,
        body=record.body,
        message=f"{question_id} corrected: {reason.strip()}"[:500],
        detail={"correction": correction.pk},
    )
    return correction
