"""Every write to assessments: each function owns its transaction, takes its lock and logs.

Locks: creating, completing or importing assessments of a body takes the body's row lock
(PostgreSQL ``FOR NO KEY UPDATE``), so carry-over of open action items sees every earlier
assessment exactly once; an edit of one assessment re-reads it under its own row lock and
refuses a save made from a page older than the assessment (``version``). On SQLite the
settings' ``BEGIN IMMEDIATE`` serialises writers.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from custodes import sat
from custodes.web.assessments.choices import OPEN_STATUSES, ActionStatus, Status
from custodes.web.assessments.models import (
    ActionItem,
    Assessment,
    AssessmentEvent,
    Certification,
    Evidence,
    PrincipleResult,
)
from custodes.web.bodies.models import Body

__all__ = [
    "AssessmentChanged",
    "AssessmentError",
    "add_action",
    "add_evidence",
    "carry_over",
    "complete_assessment",
    "content_hash",
    "evidence_path",
    "lock_bodies",
    "log_event",
    "matrix",
    "publish_assessment",
    "record_certification",
    "records",
    "save_principle",
    "set_action_status",
    "start_assessment",
]

CHUNK = 64 * 1024


class AssessmentError(Exception):
    """A write was refused; the message says why, for the person who tried."""


class AssessmentChanged(AssessmentError):
    """Someone saved the assessment after the page was opened."""


def lock_bodies(body_ids: Iterable[int]) -> None:
    """Locks the bodies' assessments until the transaction ends (ascending ids: no deadlock)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_bodies needs a transaction: the lock ends with it")
    ids = sorted(set(body_ids))
    list(Body.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk"))


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("body").get(pk=assessment.pk)


def log_event(
    actor: str,
    action: str,
    assessment: Assessment,
    message: str,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Appends an entry to the assessments' audit log."""
    AssessmentEvent.objects.create(
        actor=actor,
        action=action,
        body_id=assessment.body_id,
        assessment=assessment,
        message=message[:500],
        detail=dict(detail or {}),
    )


def _check_systems(systems: Iterable[str]) -> list[str]:
    known = [s.code for s in sat.systems()]
    chosen = sorted(set(systems), key=known.index) if set(systems) <= set(known) else None
    if not chosen:
        raise AssessmentError(f"choose one or more systems ({', '.join(known)})")
    return chosen


def _bump(assessment: Assessment) -> None:
    assessment.version += 1
    assessment.save(update_fields=["version"])


def _editable(assessment: Assessment) -> None:
    if assessment.status != Status.DRAFT:
        raise AssessmentError("this assessment is completed: start a new one to change it")


def start_assessment(
    body: Body,
    *,
    framework_id: str,
    systems: Iterable[str],
    actor: str,
    source: sat.Source = sat.Source.SELF_ASSESSED,
    period_start: date | None = None,
    period_end: date | None = None,
    author_role: str = "",
) -> Assessment:
    """A new draft assessment of ``systems`` against the shipped framework, every principle
    not yet assessed."""
    framework = sat.shipped_framework(framework_id)
    chosen = _check_systems(systems)
    if period_start and period_end and period_end < period_start:
        raise AssessmentError("the period ends before it starts")
    with transaction.atomic():
        assessment = Assessment.objects.create(
            body=body,
            framework=framework.id,
            framework_version=framework.version,
            systems=chosen,
            period_start=period_start,
            period_end=period_end,
            source=source.value,
            author_role=author_role[:100],
            created_by=actor,
        )
        PrincipleResult.objects.bulk_create(
            PrincipleResult(assessment=assessment, principle=n) for n in framework.numbers
        )
        log_event(actor, "assessment.started", assessment, f"draft started ({', '.join(chosen)})")
    return assessment


def save_principle(
    assessment: Assessment,
    principle: int,
    *,
    answers: Mapping[str, str],
    rating: sat.Rating,
    rationale: str,
    version: int,
    actor: str,
) -> Assessment:
    """Saves one principle's answers, rating and rationale; refused if the assessment was
    saved by someone else since ``version`` was read (:class:`AssessmentChanged`)."""
    framework = sat.shipped_framework(assessment.framework)
    asked = {q.id for q in framework.principle(principle).questions}
    unknown = sorted(set(answers) - asked)
    if unknown:
        raise AssessmentError(f"not questions of principle {principle}: {', '.join(unknown)}")
    with transaction.atomic():
        current = _locked(assessment)
        _editable(current)
        if current.version != version:
            raise AssessmentChanged(
                "Someone else saved this assessment since you opened this page. Check the "
                "answers below and save again."
            )
        result = PrincipleResult.objects.select_for_update().get(
            assessment=current, principle=principle
        )
        result.answers = {k: v for k, v in answers.items() if v}
        result.rating = rating.value
        result.rationale = rationale
        result.saved_at = timezone.now()
        result.save()
        _bump(current)
        log_event(actor, "principle.saved", current, f"principle {principle} rated {rating.value}")
    return current


def add_action(
    assessment: Assessment,
    principle: int,
    *,
    description: str,
    actor: str,
    owner_role: str = "",
    due_on: date | None = None,
) -> ActionItem:
    """Adds an action-plan item under a principle of a draft."""
    if not description.strip():
        raise AssessmentError("describe the action")
    sat.shipped_framework(assessment.framework).principle(principle)
    with transaction.atomic():
        current = _locked(assessment)
        _editable(current)
        item = ActionItem.objects.create(
            assessment=current,
            principle=principle,
            description=description.strip()[:2000],
            owner_role=owner_role.strip()[:100],
            due_on=due_on,
        )
        _bump(current)
        log_event(actor, "action.added", current, f"action added under principle {principle}")
    return item


def set_action_status(
    item: ActionItem,
    *,
    status: ActionStatus,
    actor: str,
    closure_evidence: str = "",
    closed_on: date | None = None,
) -> ActionItem:
    """Records progress on an action item (also after the assessment is completed)."""
    if status == ActionStatus.CARRIED_OVER:
        raise AssessmentError("items are carried over when the next assessment is completed")
    with transaction.atomic():
        current = (
            ActionItem.objects.select_for_update().select_related("assessment").get(pk=item.pk)
        )
        if current.status == ActionStatus.CARRIED_OVER:
            raise AssessmentError("this item was carried over: update it in the later assessment")
        done = status in (ActionStatus.DONE, ActionStatus.DROPPED)
        if status == ActionStatus.DONE and not closure_evidence.strip():
            raise AssessmentError("say what shows the action is done (closure evidence)")
        current.status = status.value
        current.closure_evidence = closure_evidence.strip()[:2000]
        current.closed_on = (closed_on or timezone.localdate()) if done else None
        current.save()
        log_event(
            actor, "action.status", current.assessment, f"action {current.pk}: {status.value}"
        )
    return current


def evidence_dir() -> Path:
    """Where evidence files are kept, named by their SHA-256: ``<DATA_DIR>/evidence``."""
    folder = Path(settings.DATA_DIR) / "evidence"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def evidence_path(evidence: Evidence) -> Path | None:
    """The stored file of an evidence item, if it has one."""
    return evidence_dir() / evidence.sha256 if evidence.sha256 else None


def _store(stream: BinaryIO) -> tuple[str, int]:
    """Copies a file into the evidence folder under its SHA-256; returns the hash and size."""
    digest = hashlib.sha256()
    size = 0
    partial = evidence_dir() / f".{secrets.token_hex(16)}.part"
    with partial.open("xb") as out:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    name = digest.hexdigest()
    partial.replace(evidence_dir() / name)
    return name, size


def add_evidence(
    assessment: Assessment,
    principle: int,
    *,
    evidence_type: str,
    title: str,
    actor: str,
    dated: date | None = None,
    url: str = "",
    upload: BinaryIO | None = None,
    file_name: str = "",
    public: bool = False,
) -> Evidence:
    """Attaches a document (a file, kept with its SHA-256, or a web address) to a principle."""
    framework = sat.shipped_framework(assessment.framework)
    framework.principle(principle)
    if evidence_type not in {e.id for e in framework.evidence_types}:
        raise AssessmentError(f"unknown kind of evidence {evidence_type!r}")
    if not title.strip():
        raise AssessmentError("give the document a title")
    if upload is None and not url.strip():
        raise AssessmentError("attach a file or give a web address")
    _editable(assessment)
    sha256, size = _store(upload) if upload is not None else ("", 0)
    with transaction.atomic():
        current = _locked(assessment)
        _editable(current)
        evidence = Evidence.objects.create(
            assessment=current,
            principle=principle,
            evidence_type=evidence_type,
            title=title.strip()[:300],
            dated=dated,
            url=url.strip(),
            file_name=Path(file_name).name[:255] if upload is not None else "",
            sha256=sha256,
            size=size,
            public=public,
            added_by=actor,
        )
        _bump(current)
        log_event(
            actor,
            "evidence.added",
            current,
            f"evidence for principle {principle}: {evidence.title}",
            {"sha256": sha256, "url": evidence.url},
        )
    return evidence


def carry_over(assessment: Assessment, actor: str) -> int:
    """Copies the open items of the body's earlier assessments of the same systems into
    ``assessment`` and marks the originals carried over. The body must be locked."""
    earlier = (
        Assessment.objects.filter(
            body_id=assessment.body_id,
            framework=assessment.framework,
            assessed_on__lte=assessment.assessed_on,
        )
        .exclude(status=Status.DRAFT)
        .exclude(pk=assessment.pk)
    )
    systems = set(assessment.systems)
    sources = [a.pk for a in earlier if systems & set(a.systems)]
    items = list(
        ActionItem.objects.select_for_update()
        .filter(assessment_id__in=sources, status__in=OPEN_STATUSES)
        .order_by("pk")
    )
    for item in items:
        ActionItem.objects.create(
            assessment=assessment,
            principle=item.principle,
            description=item.description,
            owner_role=item.owner_role,
            due_on=item.due_on,
            status=item.status,
            carried_from=item,
        )
        item.status = ActionStatus.CARRIED_OVER
        item.save(update_fields=["status"])
    if items:
        log_event(
            actor, "actions.carried_over", assessment, f"{len(items)} open action(s) carried over"
        )
    return len(items)


def complete_assessment(
    assessment: Assessment, *, assessed_on: date, actor: str, published_url: str = ""
) -> Assessment:
    """Completes a draft: it counts from ``assessed_on``; open items of the body's earlier
    assessments of the same systems are carried over into it."""
    if assessed_on > timezone.localdate():
        raise AssessmentError("the assessment date is in the future")
    edition = sat.shipped_framework(assessment.framework).edition_on(assessed_on)
    if edition is None:
        raise AssessmentError(f"the framework was not in force on {assessed_on.isoformat()}")
    with transaction.atomic():
        lock_bodies([assessment.body_id])
        current = _locked(assessment)
        _editable(current)
        current.assessed_on = assessed_on
        current.framework_version = edition.version
        current.published_url = published_url.strip()
        current.status = Status.COMPLETED
        current.completed_at = timezone.now()
        current.version += 1
        current.save()
        log_event(actor, "assessment.completed", current, f"completed, dated {assessed_on}")
        carry_over(current, actor)
    return current


def public_address(assessment: Assessment) -> str:
    """The published page's absolute address (stable: built from the slug)."""
    path = reverse("sat-public:page", args=[assessment.public_slug])
    return f"{settings.BASE_URL}{path}"


def snapshot(assessment: Assessment) -> dict[str, Any]:
    """What the public page and PDF show: the assessment with only its public evidence."""
    framework = sat.shipped_framework(assessment.framework)
    labels = sat.system_labels()
    results = {r.principle: r for r in assessment.results.all()}
    evidence = [e for e in assessment.evidence.all() if e.public]
    actions = [a for a in assessment.actions.all() if a.status != ActionStatus.CARRIED_OVER]
    principles = []
    for principle in framework.principles:
        result = results.get(principle.number)
        answers = result.answers if result else {}
        principles.append(
            {
                "number": principle.number,
                "title": principle.title,
                "rating": result.rating if result else sat.Rating.NOT_ASSESSED.value,
                "rationale": result.rationale if result else "",
                "answers": [
                    {"question": q.text, "answer": answers[q.id]}
                    for q in principle.questions
                    if answers.get(q.id)
                ],
                "evidence": [
                    {
                        "type": framework.evidence_label(e.evidence_type),
                        "title": e.title,
                        "dated": e.dated.isoformat() if e.dated else None,
                        "url": e.url or None,
                        "file_name": e.file_name or None,
                        "sha256": e.sha256 or None,
                    }
                    for e in evidence
                    if e.principle == principle.number
                ],
                "actions": [
                    {
                        "description": a.description,
                        "owner_role": a.owner_role,
                        "due_on": a.due_on.isoformat() if a.due_on else None,
                        "status": a.status,
                    }
                    for a in actions
                    if a.principle == principle.number
                ],
            }
        )
    return {
        "framework": {
            "id": framework.id,
            "version": assessment.framework_version,
            "title": framework.title,
        },
        "body": {"code": assessment.body.code, "name": assessment.body.name},
        "systems": [{"code": s, "label": labels.get(s, s)} for s in assessment.systems],
        "period_start": assessment.period_start.isoformat() if assessment.period_start else None,
        "period_end": assessment.period_end.isoformat() if assessment.period_end else None,
        "assessed_on": assessment.assessed_on.isoformat() if assessment.assessed_on else None,
        "source": assessment.source,
        "author_role": assessment.author_role,
        "principles": principles,
    }


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of published content (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def publish_assessment(assessment: Assessment, *, actor: str) -> Assessment:
    """Publishes a completed assessment: a frozen snapshot at a stable address, with its hash.

    Publishing again is refused: the address and content of a publication never change.
    """
    with transaction.atomic():
        current = _locked(assessment)
        if current.status == Status.DRAFT:
            raise AssessmentError("complete the assessment before publishing it")
        if current.status == Status.PUBLISHED:
            raise AssessmentError("this assessment is already published")
        content = snapshot(current)
        day = current.assessed_on.isoformat()
        current.public_slug = f"{current.body.code}-{current.framework}-{day}-{current.pk}"
        current.published_content = content
        current.content_sha256 = content_hash(content)
        current.published_at = timezone.now()
        current.status = Status.PUBLISHED
        if not current.published_url:
            current.published_url = public_address(current)
        current.version += 1
        current.save()
        log_event(
            actor,
            "assessment.published",
            current,
            f"published at {current.published_url}",
            {"sha256": current.content_sha256},
        )
    return current


def record_certification(
    body: Body,
    *,
    scheme_id: str,
    step: str,
    issued_on: date,
    actor: str,
    systems: Iterable[str] = (),
    expires_on: date | None = None,
    certifier: str = "",
    reference: str = "",
) -> Certification:
    """Records a certificate a body held; its meaning on any day comes from the scheme data."""
    scheme = sat.certification_scheme(scheme_id)
    if step not in {s.id for s in scheme.steps}:
        raise AssessmentError(f"{scheme.id} has no step {step!r}")
    if expires_on is not None and expires_on < issued_on:
        raise AssessmentError("the certificate expires before it was issued")
    with transaction.atomic():
        return Certification.objects.create(
            body=body,
            scheme=scheme.id,
            step=step,
            systems=_check_systems(systems) if systems else [],
            issued_on=issued_on,
            expires_on=expires_on,
            certifier=certifier[:200],
            reference=reference[:200],
            recorded_by=actor,
        )


# Read side


def _record(assessment: Assessment) -> sat.AssessmentRecord:
    return sat.AssessmentRecord(
        sequence=assessment.pk,
        body=assessment.body.code,
        framework=assessment.framework,
        version=assessment.framework_version,
        systems=frozenset(assessment.systems),
        assessed_on=assessment.assessed_on,
        source=sat.Source(assessment.source),
        published_url=assessment.published_url or None,
        ratings={r.principle: sat.Rating(r.rating) for r in assessment.results.all()},
        evidence=dict(Counter(e.principle for e in assessment.evidence.all())),
    )


def counted_assessments(framework_id: str):
    """Completed and published assessments of a framework, with their results."""
    return (
        Assessment.objects.filter(framework=framework_id)
        .exclude(status=Status.DRAFT)
        .select_related("body")
        .prefetch_related(
            "results", Prefetch("evidence", Evidence.objects.only("pk", "assessment", "principle"))
        )
        .order_by("pk")
    )


def records(framework_id: str) -> list[sat.AssessmentRecord]:
    """The counted assessments of a framework as pure records."""
    return [_record(a) for a in counted_assessments(framework_id)]


def matrix(framework_id: str, as_of: date | None = None) -> tuple[sat.Matrix, dict[str, Body]]:
    """The national matrix on ``as_of`` (today when not given); scope: every body on record."""
    framework = sat.shipped_framework(framework_id)
    bodies = {b.code: b for b in Body.objects.order_by("name")}
    day = as_of or timezone.localdate()
    return sat.compute_matrix(framework, list(bodies), records(framework_id), day), bodies
