"""Assessment writes racing each other on real threads and connections: a stale save is
refused, never silently overwriting, and an open action item is carried over exactly once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connections

from custodes import sat
from custodes.web.assessments import services
from custodes.web.assessments.choices import ActionStatus
from custodes.web.assessments.models import ActionItem, Assessment
from custodes.web.bodies.models import Body

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 60.0


def race(*actions: Callable[[], Any]) -> list[Any]:
    """Runs the actions in threads released together; each result or the exception raised."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(TIMEOUT)
            results[index] = action()
        except BaseException as exc:  # reported in the test's thread
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    return results


def _draft(body: Body, systems: list[str]) -> Assessment:
    return services.start_assessment(body, framework_id="scc-2013", systems=systems, actor="t")


def test_two_saves_from_the_same_page_one_wins_one_is_told(roster):
    kent = Body.objects.get(code="kent")
    assessment = _draft(kent, ["anpr"])
    version = assessment.version

    def save(rating: sat.Rating) -> Callable[[], Any]:
        return lambda: services.save_principle(
            assessment,
            3,
            answers={},
            rating=rating,
            rationale=rating.value,
            version=version,
            actor=f"p-{rating.value}",
        )

    for _ in range(4):
        results = race(save(sat.Rating.MET), save(sat.Rating.NOT_MET))
        refused = [r for r in results if isinstance(r, services.AssessmentChanged)]
        saved = [r for r in results if isinstance(r, Assessment)]
        assert (len(saved), len(refused)) == (1, 1), results
        result = assessment.results.get(principle=3)
        assert result.rationale == result.rating  # one person's save, whole
        version = Assessment.objects.get(pk=assessment.pk).version


def test_an_open_item_is_carried_over_once_when_two_assessments_complete_together(roster):
    kent = Body.objects.get(code="kent")
    first = _draft(kent, ["bwv"])
    services.add_action(first, 5, description="Train operators", actor="t")
    services.complete_assessment(first, assessed_on=date(2025, 1, 1), actor="t")
    one, two = _draft(kent, ["bwv"]), _draft(kent, ["bwv", "drones"])
    results = race(
        lambda: services.complete_assessment(one, assessed_on=date(2026, 1, 1), actor="a"),
        lambda: services.complete_assessment(two, assessed_on=date(2026, 1, 1), actor="b"),
    )
    assert all(isinstance(r, Assessment) for r in results), results
    # The second to complete carries over the first's copy: one chain, one item still open.
    original = ActionItem.objects.get(assessment=first)
    assert original.status == ActionStatus.CARRIED_OVER
    (still_open,) = ActionItem.objects.filter(
        description="Train operators", status=ActionStatus.OPEN
    )
    assert still_open.carried_from.carried_from == original
    assert still_open.carried_from.status == ActionStatus.CARRIED_OVER
    assert ActionItem.objects.filter(description="Train operators").count() == 3
