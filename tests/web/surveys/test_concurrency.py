"""Races on a body's return, reproduced against a live server with real threads.

Each respondent is an httpx client with its own session, opened with the body's link as a
browser would; a ``threading.Barrier`` lines their requests up so that they reach the server at
the same moment. Every test repeats its race for several rounds and checks, after each, that
nothing acknowledged was lost and that the audit trail is consistent. They run on SQLite and,
with ``DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import timezone

from custodes.web.bodies.models import Body
from custodes.web.surveys.choices import Action
from custodes.web.surveys.imports import ResponsesImportError, import_responses
from custodes.web.surveys.lifecycle import create_round, reopen_return, return_for, submit_return
from custodes.web.surveys.models import Activity, Correction, Invitation, Return, Round
from custodes.web.surveys.tokens import issue_invitation

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONNAIRE = Path(__file__).parents[1] / "respond" / "fixtures" / "respond-test.yaml"
BODY = "avon-and-somerset"
ROUNDS = 8
CONFLICT = "changed by someone else since you opened this page"


def new_round(name: str) -> Round:
    return create_round(
        name,
        questionnaire=str(QUESTIONNAIRE),
        recipients="police-ew",
        closes_at=timezone.now() + timedelta(days=14),
        opens_at=timezone.now() - timedelta(days=1),
        actor="test",
    )


@pytest.fixture
def race_round(roster) -> Round:
    return new_round("race")


@pytest.fixture
def token(race_round) -> str:
    return issue_invitation(race_round, Body.objects.get(code=BODY), actor="test")[1]


@pytest.fixture
def clients(live_server) -> Iterator[Callable[[], httpx.Client]]:
    """Makes httpx clients of the live server, each with its own cookies; closes them after.

    Each request has its own connection: the test server closes a request thread's database
    connection only when its HTTP connection closes, and the test database is dropped at the
    end of the session.
    """
    made: list[httpx.Client] = []

    def make() -> httpx.Client:
        client = httpx.Client(base_url=live_server.url, timeout=60, headers={"Connection": "close"})
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def respondent(clients: Callable[[], httpx.Client], token: str) -> httpx.Client:
    """A new browser session opened with the body's link."""
    client = clients()
    assert client.get(f"/r/{token}/").status_code == 302
    return client


def watchdog_session(clients: Callable[[], httpx.Client], watchdog) -> httpx.Client:
    """A watchdog's browser session (logged in without the login form and its throttle)."""
    client = clients()
    django_client = Client()
    django_client.force_login(watchdog)
    client.cookies.set(
        settings.SESSION_COOKIE_NAME, django_client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return client


def _hidden(html: str, name: str) -> str | None:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else None


class Form:
    """A page's form as the browser holds it: the CSRF token and the baseline it was sent."""

    def __init__(self, client: httpx.Client, path: str, html: str | None = None) -> None:
        self.client, self.path = client, path
        if html is None:
            page = client.get(path)
            assert page.status_code == 200, page.status_code
            html = page.text
        self.html = html
        self.hidden = {
            name: value
            for name in ("csrfmiddlewaretoken", "baseline")
            if (value := _hidden(html, name)) is not None
        }

    def post(self, data: dict[str, Any], path: str | None = None) -> httpx.Response:
        return self.client.post(path or self.path, data={**self.hidden, **data})


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Runs each call in its own thread, released at the same moment; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    failures: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:  # re-raised in the test's thread
            failures.append(exc)
        finally:
            connections.close_all()  # this thread's own, if the call used the database

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if failures:
        raise failures[0]
    return results


def draft(round_: Round) -> dict[str, Any]:
    return Return.objects.get(round=round_, body__code=BODY).draft


def test_saves_of_different_sections_at_once_both_persist(race_round, token, clients):
    first, second = respondent(clients, token), respondent(clients, token)
    for n in range(ROUNDS):
        about, other = Form(first, "/respond/respondent/"), Form(second, "/respond/other/")
        responses = together(
            lambda: about.post({"contact_name": f"Officer {n}", "action": "later"}),  # noqa: B023
            lambda: other.post({"notes": f"note {n}", "action": "later"}),  # noqa: B023
        )
        assert [r.status_code for r in responses] == [302, 302]
        saved = draft(race_round)
        assert (saved.get("respondent.contact_name"), saved.get("other.notes")) == (
            f"Officer {n}",
            f"note {n}",
        ), f"round {n}: an acknowledged save was lost"


def test_same_question_changed_by_two_people_is_never_overwritten_unseen(
    race_round, token, clients
):
    first, second = respondent(clients, token), respondent(clients, token)
    for n in range(ROUNDS):
        forms = [Form(first, "/respond/other/"), Form(second, "/respond/other/")]
        mine = [f"first says {n}", f"second says {n}"]
        responses = together(
            *(
                lambda f=form, v=value: f.post({"notes": v, "action": "later"})
                for form, value in zip(forms, mine, strict=True)
            )
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [302, 409], f"round {n}: {codes} (a silent overwrite if both are 302)"
        loser = next(i for i, r in enumerate(responses) if r.status_code == 409)
        winner = 1 - loser
        page = responses[loser].text
        assert CONFLICT in page
        assert f"‘{mine[winner]}’" in page  # the other person's saved answer, named
        assert f">{mine[loser]}</textarea>" in page  # the person's own input, kept
        assert draft(race_round)["other.notes"] == mine[winner]
        # Saving again from the conflict page deliberately replaces the other answer.
        again = Form(forms[loser].client, "/respond/other/", html=page)
        assert again.post({"notes": mine[loser], "action": "later"}).status_code == 302
        assert draft(race_round)["other.notes"] == mine[loser]


def test_unchanged_questions_keep_what_someone_else_saved_meanwhile(race_round, token, clients):
    first, second = respondent(clients, token), respondent(clients, token)
    stale = Form(first, "/respond/respondent/")
    assert (
        Form(second, "/respond/respondent/")
        .post({"contact_name": "B. Officer", "action": "later"})
        .status_code
        == 302
    )
    # The first page still shows an empty name; its person only answers the other question.
    response = stale.post({"contact_name": "", "on_behalf_of": "", "action": "later"})
    assert response.status_code == 302
    assert draft(race_round)["respondent.contact_name"] == "B. Officer"


def _complete_return(round_: Round) -> None:
    record = return_for(round_, Body.objects.get(code=BODY))
    record.draft = {"respondent.contact_name": "A. Officer", "drones.operates": "no"}
    record.save(update_fields=["draft"])


def test_save_racing_a_submission_is_in_it_or_refused(race_round, token, clients, watchdog):
    saver, submitter = respondent(clients, token), respondent(clients, token)
    _complete_return(race_round)
    for n in range(ROUNDS):
        notes, check = Form(saver, "/respond/other/"), Form(submitter, "/respond/check/")
        saved, submitted = together(
            lambda: notes.post({"notes": f"late note {n}", "action": "later"}),  # noqa: B023
            lambda: check.post({}),  # noqa: B023
        )
        assert submitted.status_code == 302, f"round {n}: submission {submitted.status_code}"
        record = Return.objects.get(round=race_round, body__code=BODY)
        latest = record.submissions.order_by("-id").first()
        assert record.locked and record.draft == latest.answers, f"round {n}: draft changed"
        if saved.status_code == 302:
            assert latest.answers.get("other.notes") == f"late note {n}", f"round {n}: lost"
        else:
            assert saved.status_code in (403, 409) and "read-only" in saved.text
            assert latest.answers.get("other.notes") != f"late note {n}"
        reopen_return(record, actor="test", reason=f"round {n}")


def test_save_racing_a_reopening_lands_after_it_or_is_refused(race_round, token, clients, watchdog):
    saver, reopener = respondent(clients, token), watchdog_session(clients, watchdog)
    _complete_return(race_round)
    path = f"/rounds/{race_round.name}/bodies/{BODY}/"
    for n in range(ROUNDS):
        notes = Form(saver, "/respond/other/")  # opened while the return was editable
        submit_return(Return.objects.get(round=race_round, body__code=BODY), actor="test")
        reopen = Form(reopener, path)
        saved, reopened = together(
            lambda: notes.post({"notes": f"after reopening {n}", "action": "later"}),  # noqa: B023
            lambda: reopen.post({"reason": f"round {n}"}, path=path + "reopen/"),  # noqa: B023
        )
        assert reopened.status_code == 302
        record = Return.objects.get(round=race_round, body__code=BODY)
        assert not record.locked, f"round {n}: the reopening was lost"
        if saved.status_code == 302:
            assert record.draft.get("other.notes") == f"after reopening {n}", f"round {n}: lost"
        else:
            assert saved.status_code in (403, 409) and "read-only" in saved.text
            assert record.draft.get("other.notes") != f"after reopening {n}"


def test_save_during_responses_import_never_overwrites_the_imported_return(
    race_round, token, clients, tmp_path
):
    # The body's row comes first in the file; the save is sent once the import has written
    # it, while the import's transaction goes on through the other 46 bodies.
    codes = sorted(race_round.recipient_list.bodies.values_list("code", flat=True))
    codes.remove(BODY)
    saver = respondent(clients, token)
    for n in range(ROUNDS // 2):
        path = tmp_path / f"returns-{n}.csv"
        path.write_text(
            "body,respondent.contact_name\n"
            + "".join(f"{code},Imported {n}\n" for code in [BODY, *codes]),
            encoding="utf-8",
        )
        notes = Form(saver, "/respond/other/")
        importing = threading.Event()

        def save_while_importing(
            notes: Form = notes, n: int = n, importing: threading.Event = importing
        ) -> httpx.Response:
            assert importing.wait(timeout=30)
            return notes.post({"notes": f"typed {n}", "action": "later"})

        def run_import(path: Path = path, importing: threading.Event = importing) -> None:
            import_responses(race_round, path, actor="test", replace=True, progress=importing.set)

        saved, _ = together(save_while_importing, run_import)
        record = Return.objects.get(round=race_round, body__code=BODY)
        latest = record.submissions.order_by("-id").first()
        assert record.locked and latest.answers == {"respondent.contact_name": f"Imported {n}"}
        assert record.draft == latest.answers, f"round {n}: a save overwrote the imported draft"
        assert saved.status_code in (403, 409) and "read-only" in saved.text
        reopen_return(record, actor="test", reason=f"round {n}")


def test_submission_racing_an_import_gives_one_submission_never_two(roster, clients, tmp_path):
    for n in range(ROUNDS // 2):
        round_ = new_round(f"import-race-{n}")
        codes = sorted(round_.recipient_list.bodies.values_list("code", flat=True))
        link = issue_invitation(round_, Body.objects.get(code=BODY), actor="test")[1]
        _complete_return(round_)
        check = Form(respondent(clients, link), "/respond/check/")
        path = tmp_path / f"returns-{n}.csv"
        path.write_text(
            "body,respondent.contact_name\n" + "".join(f"{code},Imported\n" for code in codes),
            encoding="utf-8",
        )

        def run_import(round_: Round = round_, path: Path = path) -> Exception | None:
            try:
                import_responses(round_, path, actor="test")
            except ResponsesImportError as error:
                return error
            return None

        submitted, refused = together(lambda: check.post({}), run_import)  # noqa: B023
        record = Return.objects.get(round=round_, body__code=BODY)
        assert record.submissions.count() == 1, f"round {n}: the import added a second one"
        if submitted.status_code == 302:
            assert refused is not None and "submitted" in str(refused)
        else:
            assert submitted.status_code in (403, 409) and refused is None


def test_concurrent_corrections_record_the_true_old_value(race_round, clients, watchdog):
    body = Body.objects.get(code=BODY)
    record = return_for(race_round, body)
    submit_return(
        record,
        {"respondent.contact_name": "A. Officer", "drones.operates": "no", "other.notes": "0"},
        actor="test",
    )
    watchdogs = [watchdog_session(clients, watchdog) for _ in range(3)]
    path = f"/rounds/{race_round.name}/bodies/{BODY}/"
    for n in range(ROUNDS):
        forms = [Form(client, path) for client in watchdogs]
        responses = together(
            *(
                lambda f=form, i=index, n=n: f.post(
                    {"question_id": "other.notes", "value": f"{n}.{i}", "reason": "follow-up"},
                    path=path + "correct/",
                )
                for index, form in enumerate(forms)
            )
        )
        assert [r.status_code for r in responses] == [302] * len(forms)
    chain = list(Correction.objects.filter(return_record=record).order_by("corrected_at", "id"))
    assert len(chain) == ROUNDS * len(watchdogs)
    previous = "0"
    for correction in chain:
        assert correction.old_value == previous, "the audit trail holds a stale old value"
        previous = correction.new_value


def test_two_links_issued_at_once_leave_one_active(race_round, clients, watchdog):
    watchdogs = [watchdog_session(clients, watchdog) for _ in range(2)]
    path = f"/rounds/{race_round.name}/bodies/{BODY}/"
    for n in range(ROUNDS):
        forms = [Form(client, path) for client in watchdogs]
        responses = together(
            *(lambda f=form: f.post({"confirm": "yes"}, path=path + "link/") for form in forms)
        )
        assert [r.status_code for r in responses] == [302, 302], f"round {n}"
        assert (
            Invitation.objects.filter(
                round=race_round, body__code=BODY, revoked_at__isnull=True
            ).count()
            == 1
        )


def test_first_openings_at_once_make_one_return_and_log_one_first_opening(roster, clients):
    for n in range(ROUNDS):
        round_ = new_round(f"open-{n}")
        token = issue_invitation(round_, Body.objects.get(code=BODY), actor="test")[1]
        people = [clients() for _ in range(3)]
        path = f"/r/{token}/"
        responses = together(*(lambda c=client, p=path: c.get(p) for client in people))
        assert [r.status_code for r in responses] == [302, 302, 302], f"round {n}"
        assert Return.objects.filter(round=round_).count() == 1
        assert Activity.objects.filter(round=round_, action=Action.INVITATION_OPENED).count() == 1
        assert all(client.get("/respond/").status_code == 200 for client in people)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="row locks are PostgreSQL's; SQLite serialises every writer by design",
)
def test_a_locked_return_never_holds_up_another_bodys_save(race_round):
    """Locking a return locks that row only, not the round, questionnaire or body it joins:
    while one body's save holds its lock, another body of the same round saves at once."""
    from django.db import transaction

    from custodes.web.surveys.lifecycle import _locked, save_draft

    first = return_for(race_round, Body.objects.get(code=BODY))
    second = return_for(race_round, Body.objects.get(code="kent"))
    holding, release = threading.Event(), threading.Event()

    def hold_first() -> None:
        try:
            with transaction.atomic():
                _locked(first)
                holding.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_first)
    holder.start()
    try:
        assert holding.wait(30)
        with transaction.atomic():
            with connections["default"].cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            saved = save_draft(second, {"respondent.contact_name": "Head of CCTV"}, actor="test")
        assert saved.draft["respondent.contact_name"] == "Head of CCTV"
    finally:
        release.set()
        holder.join(30)
