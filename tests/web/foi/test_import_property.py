"""Any cell text in a replies file gives replies or problems by row and column, never a crash
and never a half-imported file."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.web.foi.imports import RepliesImportError, import_replies
from custodes.web.foi.models import Reply

pytestmark = pytest.mark.django_db
COLUMNS = [
    "body",
    "received_at",
    "outcome",
    "exemptions",
    "drones.count",
    "drones.by_manufacturer",
    "drones.by_manufacturer.outcome",
    "drones.security_assessed",
]
cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["kent", "essex", "2023-02-01", "answered", "s.24(1)", "DJI Mini 2=3", "4"]),
)


@pytest.fixture
def campaign(roster):
    from custodes.web.foi.services import create_campaign

    return create_campaign(
        "prop",
        request="police-drones-2023",
        recipients="police-ew",
        actor="t",
        sent=date(2023, 1, 9),
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cells, min_size=len(COLUMNS), max_size=len(COLUMNS)), max_size=3))
def test_any_file_imports_wholly_or_not_at_all(campaign, tmp_path_factory, rows) -> None:
    path = Path(tmp_path_factory.mktemp("replies")) / "replies.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    before = Reply.objects.count()
    try:
        imported = import_replies(campaign, path, actor="t")
    except RepliesImportError as error:
        assert error.problems
        assert all(p.row >= 0 for p in error.problems)
        assert Reply.objects.count() == before
    else:
        assert Reply.objects.count() == before + len(imported)
    Reply.objects.all().delete()
