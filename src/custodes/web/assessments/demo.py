"""The synthetic demo self-assessments against the Surveillance Camera Code (``scc-2013``).

Built through the paths real assessments take: three bodies' completed assessments arrive as
a spreadsheet read by ``import_assessments`` (one current, one more than 12 months old, one
rating security "met" without evidence although the body's demo register holds equipment of
concern, so the round's follow-up shows the cross-check enquiry); a fourth body completes and
publishes one through the services its own pages use (``start_assessment``,
``save_principle``, ``add_evidence``, ``add_action``, ``complete_assessment``,
``publish_assessment``), and the body of the demo's respondent link has a draft under way.
Dates are relative to today. Every rationale, action and author says "synthetic". Running it
again adds nothing.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from custodes import sat
from custodes.web.assessments.choices import Status
from custodes.web.assessments.imports import import_assessments
from custodes.web.assessments.models import Assessment
from custodes.web.assessments.services import (
    add_action,
    add_evidence,
    complete_assessment,
    publish_assessment,
    save_principle,
    start_assessment,
)
from custodes.web.bodies.models import Body
from custodes.web.estate.demo import DemoEstate
from custodes.web.surveys.demo import NON_RESPONDENTS
from custodes.web.surveys.models import Round

__all__ = ["DemoAssessments", "build_demo_assessments"]

FRAMEWORK = "scc-2013"
ACTOR = "demo:synthetic"
NOTE = "SYNTHETIC DEMO"
AUTHOR = "Synthetic demo author (made up)"
FILE_NAME = "synthetic-demo-assessments.csv"
SECURITY = 9


@dataclass(frozen=True)
class DemoAssessments:
    """Which bodies' assessments show what: the security cross-check, the stale one, the
    published one (its public slug) and the draft under way."""

    security: str
    stale: str
    current: str
    published: str
    public_slug: str
    draft: str


def _ratings(overrides: dict[int, str], default: str = "met") -> dict[int, str]:
    numbers = sat.shipped_framework(FRAMEWORK).numbers
    return {n: overrides.get(n, default) for n in numbers}


def _row(
    body: Body,
    system: str,
    assessed_on: date,
    ratings: dict[int, str],
    rationales: dict[int, str],
    actions: dict[int, str],
) -> dict[str, str]:
    row = {
        "body": body.code,
        "system": system,
        "assessed_on": assessed_on.isoformat(),
        "published_url": "",
        "source": "self_assessed",
    }
    for n, rating in ratings.items():
        row[f"p{n}"] = rating
        row[f"p{n}.rationale"] = f"{NOTE}: " + rationales.get(n, f"made-up rating ({rating})")
        row[f"p{n}.actions"] = actions.get(n, "")
    return row


def _import(rows: list[dict[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / FILE_NAME
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        import_assessments(path, framework_id=FRAMEWORK, actor=ACTOR)


def _imported_rows(security: Body, stale: Body, current: Body, today: date) -> list[dict]:
    overdue = (today - timedelta(days=30)).isoformat()
    later = (today + timedelta(days=120)).isoformat()
    return [
        _row(
            security,
            "ext_cctv",
            today - timedelta(days=60),
            _ratings({3: "partly", 10: "partly"}),
            {SECURITY: "we consider the cameras secure (no test or supplier review attached)"},
            {
                3: f"{NOTE}: publish a page about the cameras | Synthetic comms lead | {later}",
                10: f"{NOTE}: first annual review of the system | Synthetic SRO | {overdue}",
            },
        ),
        _row(
            stale,
            "int_cctv",
            today - timedelta(days=430),
            _ratings({2: "partly", 6: "not met", 9: "partly", 12: "not assessed"}),
            {6: "no retention schedule for custody footage"},
            {6: f"{NOTE}: agree a retention schedule | Synthetic records manager"},
        ),
        _row(
            current,
            "anpr",
            today - timedelta(days=150),
            _ratings({1: "partly", 4: "partly", 12: "not met"}, default="partly"),
            {12: "reference data for the watch list is not checked"},
            {12: f"{NOTE}: weekly check of the hot list | Synthetic ANPR manager | {later}"},
        ),
    ]


def _published(body: Body, today: date) -> Assessment:
    """A body's assessment completed and published through its own pages' services."""
    assessment = start_assessment(
        body,
        framework_id=FRAMEWORK,
        systems=["drones"],
        actor=ACTOR,
        period_start=today - timedelta(days=365),
        period_end=today - timedelta(days=30),
        author_role=AUTHOR,
    )
    ratings = _ratings({5: "partly", 9: "partly", 11: "not met"})
    for number, rating in ratings.items():
        assessment = save_principle(
            assessment,
            number,
            answers={},
            rating=sat.parse_rating(rating),
            rationale=f"{NOTE}: made-up rating of the drone unit ({rating})",
            version=assessment.version,
            actor=ACTOR,
        )
    add_evidence(
        assessment,
        SECURITY,
        evidence_type="vendor_risk_review",
        title=f"{NOTE}: review of the drone maker's data transfers",
        url="https://example.org/synthetic-demo/drone-vendor-review",
        dated=today - timedelta(days=45),
        actor=ACTOR,
        public=True,
    )
    add_action(
        assessment,
        11,
        description=f"{NOTE}: join the national drone information-sharing agreement",
        owner_role="Synthetic head of drone unit",
        due_on=today + timedelta(days=60),
        actor=ACTOR,
    )
    assessment = complete_assessment(
        assessment, assessed_on=today - timedelta(days=20), actor=ACTOR
    )
    return publish_assessment(assessment, actor=ACTOR)


def _draft(body: Body) -> Assessment:
    """A draft under way: two principles saved, the rest to do."""
    assessment = start_assessment(
        body, framework_id=FRAMEWORK, systems=["ext_cctv"], actor=ACTOR, author_role=AUTHOR
    )
    for number, rating in ((1, "met"), (2, "partly")):
        assessment = save_principle(
            assessment,
            number,
            answers={},
            rating=sat.parse_rating(rating),
            rationale=f"{NOTE}: first answers of a draft",
            version=assessment.version,
            actor=ACTOR,
        )
    return assessment


def _describe(codes: tuple[str, str, str, str, str]) -> DemoAssessments:
    security, stale, current, published, draft = codes
    slug = (
        Assessment.objects.filter(body__code=published, created_by=ACTOR, status=Status.PUBLISHED)
        .values_list("public_slug", flat=True)
        .first()
    )
    if slug is None:
        raise RuntimeError(f"the demo's published assessment of {published} is missing")
    return DemoAssessments(security, stale, current, published, slug, draft)


def build_demo_assessments(round_: Round, estate: DemoEstate) -> DemoAssessments:
    """Creates (once) the demo's assessments: the body whose register contradicts its return
    rates principle 9 met without evidence (its register holds equipment of concern), another
    register's body has one 14 months old, a third responding body a recent one, the body that
    declared equipment of concern one published through the services, and the body of the
    demo's respondent link a draft under way."""
    security, stale, published = estate.discrepancy, estate.registers[1], estate.registers[2]
    draft = NON_RESPONDENTS[3]
    taken = {security, stale, published, *NON_RESPONDENTS}
    current = next(
        code
        for code in round_.recipient_list.bodies.order_by("code").values_list("code", flat=True)
        if code not in taken
    )
    codes = (security, stale, current, published, draft)
    if Assessment.objects.filter(created_by=ACTOR).exists():
        return _describe(codes)
    bodies = {b.code: b for b in Body.objects.filter(code__in=codes)}
    today = timezone.localdate()
    with transaction.atomic():
        _import(_imported_rows(bodies[security], bodies[stale], bodies[current], today))
        _published(bodies[published], today)
        _draft(bodies[draft])
    return _describe(codes)
