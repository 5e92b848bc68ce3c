"""Races on one request, with real threads and their own database connections: corrections
chain (each "old" value is what the value really was) and a request is recorded sent once.
On SQLite and, with ``DATABASE_URL``, PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connections

from custodes.web.foi.models import Event, Request
from custodes.web.foi.services import correct_value, create_campaign, record_reply, record_sent

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 5


def race(*actions: Callable[[], object]) -> list[BaseException]:
    """Runs the actions at the same moment, one thread (and connection) each."""
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            action()
        except BaseException as exc:  # reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_corrections_chain(roster) -> None:
    campaign = create_campaign(
        "race",
        request="police-drones-2023",
        recipients="police-ew",
        actor="t",
        sent=date(2023, 1, 9),
    )
    request = Request.objects.get(campaign=campaign, body__code="kent")
    reply = record_reply(
        request,
        received_at=datetime(2023, 2, 1, tzinfo=ZoneInfo("Europe/London")),
        outcome="answered",
        actor="t",
        answers={"drones.count": {"value": 1}},
    )
    for round_number in range(ROUNDS):
        values = (f"{10 + 2 * round_number}", f"{11 + 2 * round_number}")
        errors = race(
            *(
                lambda v=v: correct_value(
                    reply,
                    question="drones.count",
                    field="value",
                    text=v,
                    reason="race",
                    actor=f"user:{v}",
                )
                for v in values
            )
        )
        assert errors == []
    chain = list(Event.objects.filter(kind="correction").order_by("id"))
    assert len(chain) == 2 * ROUNDS
    previous = 1
    for event in chain:
        assert event.data["old"] == previous  # nobody's change was overwritten unseen
        previous = event.data["new"]


def test_recorded_sent_once(roster) -> None:
    campaign = create_campaign(
        "race2", request="police-drones-2023", recipients="police-ew", actor="t"
    )
    errors = race(
        *(lambda: record_sent(campaign, None, date(2023, 1, 9), actor="t") for _ in range(3))
    )
    assert errors == []
    assert Event.objects.filter(kind="sent").count() == 47
