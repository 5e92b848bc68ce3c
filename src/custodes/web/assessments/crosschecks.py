"""Assessments against survey returns and registers: the enquiries a round's follow-up lists.

Registered with the surveys app (``surveys.enquiries``) in ``AppConfig.ready``, so the round's
follow-up pages and commands show them beside the returns-against-registers discrepancies
without the lower apps importing this one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db.models import Count, Max, Sum
from django.utils import timezone

from custodes import findings as fcore
from custodes import sat
from custodes.web.assessments.models import (
    ActionItem,
    Assessment,
    AssessmentEvent,
    Certification,
    Evidence,
    PrincipleResult,
)
from custodes.web.assessments.services import records
from custodes.web.bodies.models import Body
from custodes.web.estate.services import exposure
from custodes.web.surveys.analysis import round_data
from custodes.web.surveys.enquiries import Enquiry
from custodes.web.surveys.models import Round

__all__ = ["DEFAULT_FRAMEWORK", "TOPIC", "sat_data_version", "sat_enquiries", "security_checks"]

DEFAULT_FRAMEWORK = "scc-2013"
TOPIC = "Code of Practice self-assessment"


def _by_body(framework_id: str, day: date) -> dict[str, list[sat.AssessmentRecord]]:
    found: dict[str, list[sat.AssessmentRecord]] = defaultdict(list)
    for record in records(framework_id):
        if record.assessed_on <= day:
            found[record.body].append(record)
    return found


def security_checks(
    bodies: list[Body], framework_id: str = DEFAULT_FRAMEWORK, day: date | None = None
) -> list[sat.CrossCheck]:
    """Bodies whose register holds devices of concern and whose current assessment rates
    principle 9 as met without evidence, on ``day`` (today by default)."""
    day = day or timezone.localdate()
    return _security_checks(bodies, _by_body(framework_id, day), day)


def _security_checks(
    bodies: list[Body], held: dict[str, list[sat.AssessmentRecord]], day: date
) -> list[sat.CrossCheck]:
    found = []
    for body in bodies:
        current = sat.current_assessments(held.get(body.code, ()), day)
        if not sat.unevidenced_security(current):
            continue  # no need to read the register
        check = sat.security_cross_check(body.code, current, exposure(body, day).devices_of_concern)
        if check is not None:
            found.append(check)
    return found


def sat_data_version(round_: Round) -> list[object]:
    """A stamp of the assessments data :func:`sat_enquiries` reads (registers are stamped by
    their reader): counts, last ids and latest times of every assessments table."""
    stamps: list[object] = []
    for model, times in (
        (Assessment, ("created_at", "completed_at", "published_at")),
        (PrincipleResult, ("saved_at",)),
        (Evidence, ("added_at",)),
        (ActionItem, ("created_at",)),
        (Certification, ("recorded_at",)),
        (AssessmentEvent, ("at",)),
    ):
        found = model.objects.aggregate(n=Count("pk"), last=Max("pk"), **{t: Max(t) for t in times})
        if model is Assessment:  # every edit of an assessment bumps its version
            found |= Assessment.objects.aggregate(versions=Sum("version"))
        stamps.append([str(found[key]) for key in sorted(found)])
    return stamps


def sat_enquiries(round_: Round, as_of: datetime | None = None) -> list[Enquiry]:
    """The round's recipients whose returns claim self-assessments not on record (or at
    another address), and those rating security met without evidence despite devices of
    concern in their registers."""
    day = timezone.localdate(as_of) if as_of is not None else timezone.localdate()
    bodies = {b.code: b for b in round_.recipient_list.bodies.all()}
    held = _by_body(DEFAULT_FRAMEWORK, day)
    checks: list[sat.CrossCheck] = []
    for record in round_data(round_, as_of=as_of).returns:
        answers = fcore.answers_as_of(record.events, as_of)
        if answers is None or record.body not in bodies:
            continue
        checks.extend(sat.survey_cross_checks(record.body, answers, held.get(record.body, ())))
    checks.extend(_security_checks(list(bodies.values()), held, day))
    return [
        Enquiry(
            body_code=c.body,
            body_name=bodies[c.body].name,
            topic=TOPIC,
            kind=c.kind,
            subject=c.subject,
            detail=c.detail,
        )
        for c in checks
    ]
