"""The demo's Code of Practice self-assessments: imported and made through the services,
stale, current and published, open and overdue actions, the principle-9 cross-check against
the demo register, labelled synthetic, and nothing added by a second run."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from custodes import sat
from custodes.web.assessments.choices import ActionStatus, Status
from custodes.web.assessments.crosschecks import sat_enquiries
from custodes.web.assessments.demo import build_demo_assessments
from custodes.web.assessments.models import ActionItem, Assessment, AssessmentEvent
from custodes.web.assessments.services import matrix
from custodes.web.estate.demo import build_demo_estate
from custodes.web.surveys.demo import NON_RESPONDENTS, build_demo_round

pytestmark = pytest.mark.django_db(transaction=True)
BANNER = "Self-assessments shown here include the demonstration"


@pytest.fixture
def demo(settings, tmp_path, roster):
    settings.DATA_DIR = tmp_path / "data"
    round_ = build_demo_round()
    estate = build_demo_estate(round_)
    return round_, estate, build_demo_assessments(round_, estate)


def test_demo_assessments_show_each_case(demo):
    round_, estate, shown = demo
    today = timezone.localdate()
    assert shown.security == estate.discrepancy and shown.draft == NON_RESPONDENTS[3]
    assert len({shown.security, shown.stale, shown.current, shown.published, shown.draft}) == 5
    imported = AssessmentEvent.objects.filter(action="assessment.imported")
    assert imported.count() == 3 and all("synthetic" in e.message for e in imported)
    assert not Assessment.objects.exclude(created_by="demo:synthetic").exists()

    stale = Assessment.objects.get(body__code=shown.stale)
    assert stale.assessed_on < sat.stale_before(today)
    published = Assessment.objects.get(body__code=shown.published)
    assert published.status == Status.PUBLISHED and published.public_slug == shown.public_slug
    assert Assessment.objects.get(body__code=shown.draft).status == Status.DRAFT
    ratings = set(
        Assessment.objects.exclude(status=Status.DRAFT).values_list("results__rating", flat=True)
    )
    assert {"met", "partly", "not_met", "not_assessed"} <= ratings
    open_items = ActionItem.objects.filter(status=ActionStatus.OPEN)
    assert open_items.filter(due_on__lt=today).count() == 1
    assert open_items.filter(due_on__gte=today).exists()
    assert all("SYNTHETIC" in r for r in open_items.values_list("description", flat=True))

    grid, _ = matrix("scc-2013")
    assert grid is not None
    enquiries = [e for e in sat_enquiries(round_) if e.kind == "security_unevidenced"]
    assert [e.body_code for e in enquiries] == [shown.security]

    before = (Assessment.objects.count(), AssessmentEvent.objects.count())
    assert build_demo_assessments(build_demo_round(), estate) == shown
    assert (Assessment.objects.count(), AssessmentEvent.objects.count()) == before


def test_demo_assessments_on_the_pages(demo, watchdog_client, client):
    round_, _, shown = demo
    dashboard = watchdog_client.get(reverse("assessments:dashboard")).content.decode()
    assert "Stale" in dashboard and BANNER in dashboard
    follow_up = watchdog_client.get(reverse("estate:discrepancies", args=[round_.name]))
    assert "principle 9" in follow_up.content.decode()
    public = client.get(reverse("sat-public:page", args=[shown.public_slug]))
    assert public.status_code == 200 and "SYNTHETIC" in public.content.decode()
    assert BANNER in public.content.decode()
