"""Register writes racing each other against a live server, with real threads and clients.

Two watchdogs overriding one asset, several overriding different assets of one body, a
respondent's register upload during overrides, a token revoked while its agent uploads, and
tally rebuilds of one body on several connections. Every acknowledged write must be kept, a
save over a change made since the form was opened is refused (409) rather than overwriting
it, and each asset's history must chain: every change's "before" is what the previous change
left."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from register_rows import KENT_ROWS, write_csv

from custodes.web.bodies.models import Body
from custodes.web.estate import scans
from custodes.web.estate.models import Asset, AssetChange, ExposureTally, ScanUpload
from custodes.web.estate.services import TRACKED_FIELDS
from custodes.web.surveys.tokens import issue_invitation

pytestmark = pytest.mark.django_db(transaction=True)

CONFLICT = "changed by someone else since you opened it"
TIMEOUT = 60.0
STALE_ROUNDS = 6
SAVES_EACH = 8
IMPORT_ROUNDS = 4
EXTRA_ROWS = 1_500
OVERRIDES_PER_IMPORT = 20
TALLY_REBUILDS = 25
OWN_REGISTER = "/estate/my-register/"


@pytest.fixture
def http(live_server) -> Iterator[Callable[[], httpx.Client]]:
    """Makes HTTP clients of the live server, closed after the test (the server keeps a
    database connection for each open keep-alive connection)."""
    clients: list[httpx.Client] = []

    def make() -> httpx.Client:
        clients.append(httpx.Client(base_url=live_server.url, timeout=TIMEOUT))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def watchdog_http(http) -> Callable[[str], httpx.Client]:
    """Makes HTTP clients with a logged-in watchdog's session."""

    def make(name: str) -> httpx.Client:
        user = get_user_model().objects.create_user(
            name, password="correct horse battery", is_staff=True
        )
        django_client = Client()
        django_client.force_login(user)
        client = http()
        client.cookies.set(
            settings.SESSION_COOKIE_NAME,
            django_client.cookies[settings.SESSION_COOKIE_NAME].value,
        )
        return client

    return make


def _respondent(client: httpx.Client, round_, code: str) -> httpx.Client:
    """``client`` with a respondent's session, opened from its invitation link."""
    _, token = issue_invitation(round_, Body.objects.get(code=code), actor="test")
    assert client.get(f"/r/{token}/").status_code == 302
    return client


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, f"no hidden {name} in the page"
    return found.group(1)


def _open_form(client: httpx.Client, url: str) -> dict[str, str]:
    """The form's hidden fields as the page gives them (CSRF token and version)."""
    page = client.get(url)
    assert page.status_code == 200
    return {
        "csrfmiddlewaretoken": _hidden(page.text, "csrfmiddlewaretoken"),
        "version": _hidden(page.text, "version"),
    }


def _all_at_once(*actions: Callable[[], Any]) -> list[Any]:
    """Runs the actions in threads released together; returns their results in order."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(index: int, action: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = action()
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own, if the action used the database

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not errors, errors
    return results


def _assert_history_chains(asset: Asset) -> list[AssetChange]:
    """Every change's "before" is the state the previous changes left, and the asset is the
    state the last one left. Returns the changes, oldest first."""
    changes = list(asset.changes.order_by("at", "id"))
    assert changes[0].action == "created"
    state = dict(changes[0].after)
    for change in changes[1:]:
        for name, value in change.before.items():
            assert state[name] == value, f"{change.by} recorded a stale {name}: {value!r}"
        state.update(change.after)
    asset.refresh_from_db()
    current = {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in ((n, getattr(asset, n)) for n in TRACKED_FIELDS)
    }
    assert current == state
    return changes


def _assert_tally_counts_every_device(body: Body) -> None:
    tallied = ExposureTally.objects.filter(body=body).aggregate(n=Sum("devices"))["n"]
    registered = Asset.objects.filter(body=body).aggregate(n=Sum("quantity"))["n"]
    assert tallied == registered


@pytest.fixture
def asset_url(kent_imported) -> str:
    """The override form of Kent's K1 (12 Dahua PTZ cameras)."""
    return reverse("estate:asset", args=["kent", "K1"])


def test_two_watchdogs_saving_forms_opened_together_keep_both(watchdog_http, asset_url):
    """Both open the form, both save at once: one save applies, the other is refused with
    the asset as it is now and its own input kept, in every round."""
    ann, bob = watchdog_http("ann"), watchdog_http("bob")
    winners = []
    for round_no in range(STALE_ROUNDS):
        forms = [_open_form(ann, asset_url), _open_form(bob, asset_url)]
        assert forms[0]["version"] == forms[1]["version"]
        typed = [("Axis", f"ann round {round_no}"), ("Hanwha", f"bob round {round_no}")]
        replies = _all_at_once(
            *(
                lambda client=client, form=form, entry=entry: client.post(
                    asset_url, data={**form, "manufacturer": entry[0], "reason": entry[1]}
                )
                for client, form, entry in zip((ann, bob), forms, typed, strict=True)
            )
        )
        assert sorted(r.status_code for r in replies) == [302, 409]
        loser = next(i for i, r in enumerate(replies) if r.status_code == 409)
        winner = 1 - loser
        refused = replies[loser].text
        assert CONFLICT in refused
        assert f'value="{typed[loser][0]}"' in refused and typed[loser][1] in refused
        assert f"{typed[winner][0]}: {typed[winner][1]}" in refused  # the change that won
        winners.append(typed[winner])

    asset = Asset.objects.get(body__code="kent", asset_id="K1")
    changes = _assert_history_chains(asset)
    assert [c.reason for c in changes[1:]] == [reason for _, reason in winners]
    assert (asset.manufacturer_override, asset.override_reason) == winners[-1]
    _assert_tally_counts_every_device(asset.body)


def test_watchdogs_saving_fresh_forms_lose_no_acknowledged_save(watchdog_http, asset_url):
    """Each watchdog opens the form and saves, again and again, both at the same time: every
    save acknowledged with a redirect is in the history with a true "before"."""
    clients = {"ann": watchdog_http("ann"), "bob": watchdog_http("bob")}
    makers = {"ann": ("Axis", "Bosch"), "bob": ("Hanwha", "Avigilon")}

    def saves(name: str) -> Counter[int]:
        client, statuses = clients[name], Counter()
        for n in range(SAVES_EACH):
            form = _open_form(client, asset_url)
            reply = client.post(
                asset_url,
                data={**form, "manufacturer": makers[name][n % 2], "reason": f"{name} {n}"},
            )
            statuses[reply.status_code] += 1
        return statuses

    ann, bob = _all_at_once(lambda: saves("ann"), lambda: saves("bob"))
    assert set(ann) | set(bob) <= {302, 409}
    asset = Asset.objects.get(body__code="kent", asset_id="K1")
    changes = _assert_history_chains(asset)
    by = Counter(c.by for c in changes[1:])
    assert by == Counter({"user:ann": ann[302], "user:bob": bob[302]})
    # A save is refused only when the other's save landed between its form and its post.
    assert ann[302] + bob[302] >= SAVES_EACH
    _assert_tally_counts_every_device(asset.body)


def test_overrides_of_different_assets_of_one_body_at_once(watchdog_http, kent_imported):
    """Four watchdogs each override their own asset of one body, again and again, at once:
    every save applies (no one else changed that asset), and the body's tally, rebuilt by
    every save, counts each device once."""
    asset_ids = ("K1", "K2", "K3", "K4")
    clients = {asset_id: watchdog_http(f"analyst-{asset_id}") for asset_id in asset_ids}

    def saves(asset_id: str) -> Counter[int]:
        client, url = clients[asset_id], reverse("estate:asset", args=["kent", asset_id])
        statuses: Counter[int] = Counter()
        for n in range(SAVES_EACH):
            form = _open_form(client, url)
            maker = ("Axis", "Hikvision")[n % 2]
            reply = client.post(url, data={**form, "manufacturer": maker, "reason": f"{n}"})
            statuses[reply.status_code] += 1
        return statuses

    results = _all_at_once(*(lambda a=a: saves(a) for a in asset_ids))
    assert all(statuses == {302: SAVES_EACH} for statuses in results)
    for asset_id in asset_ids:
        asset = Asset.objects.get(body=kent_imported, asset_id=asset_id)
        assert len(_assert_history_chains(asset)) == 1 + SAVES_EACH
    _assert_tally_counts_every_device(kent_imported)


def _register(path: Path, k1_quantity: int) -> Path:
    """Kent's register with K1's quantity set, and many more rows so the import takes time."""
    header, *rows = KENT_ROWS[2:-1]
    rows = [[*r[:6], str(k1_quantity), *r[7:]] if r[0] == "K1" else r for r in rows]
    extra = [
        [f"X{i}", f"site {i % 7}", "no", "bullet", "Axis", "P3245", "1", "2020-01-01", ""]
        for i in range(EXTRA_ROWS)
    ]
    return write_csv(path, [header, *rows, *extra])


def test_overrides_during_register_imports(
    http, watchdog_http, survey_round, asset_url, tmp_path, immediate_jobs
):
    """A respondent uploads the register while a watchdog keeps overriding one of its assets,
    the first time from a form opened before the upload: every override is acknowledged or
    refused as stale, nothing is overwritten unrecorded, the history chains and the tally
    counts every device once. The import job runs in the server's thread as soon as the
    upload commits (immediate jobs), so the overrides race the import itself."""
    watchdog = watchdog_http("ann")
    respondent = _respondent(http(), survey_round, "kent")
    statuses: Counter[int] = Counter()
    for round_no in range(IMPORT_ROUNDS):
        register = _register(tmp_path / f"kent-{round_no}.csv", k1_quantity=13 + round_no)
        upload_page = respondent.get(OWN_REGISTER)
        assert upload_page.status_code == 200
        upload_csrf = _hidden(upload_page.text, "csrfmiddlewaretoken")
        opened_before = _open_form(watchdog, asset_url)
        imported = threading.Event()

        def upload(
            path: Path = register, csrf: str = upload_csrf, done: threading.Event = imported
        ) -> httpx.Response:
            try:
                with path.open("rb") as handle:
                    return respondent.post(
                        OWN_REGISTER,
                        data={"csrfmiddlewaretoken": csrf, "reason": "quarterly update"},
                        files={"register": (path.name, handle, "text/csv")},
                    )
            finally:
                done.set()

        def overrides(
            form: dict[str, str] = opened_before, done: threading.Event = imported
        ) -> None:
            for n in range(OVERRIDES_PER_IMPORT):
                maker = ("Axis", "Hanwha")[n % 2]
                reply = watchdog.post(
                    asset_url, data={**form, "manufacturer": maker, "reason": f"label {n}"}
                )
                statuses[reply.status_code] += 1
                if reply.status_code == 409:
                    assert CONFLICT in reply.text
                if done.is_set():
                    return
                form = _open_form(watchdog, asset_url)

        reply, _ = _all_at_once(upload, overrides)
        assert reply.status_code == 302
        assert "Register updated" in respondent.get(OWN_REGISTER).text

    assert set(statuses) <= {302, 409}
    kent = Body.objects.get(code="kent")
    assert Asset.objects.filter(body=kent).count() == 5 + EXTRA_ROWS
    asset = Asset.objects.get(body=kent, asset_id="K1")
    changes = _assert_history_chains(asset)
    assert asset.quantity == 13 + IMPORT_ROUNDS - 1
    assert sum(1 for c in changes if c.by == "respondent:kent") == IMPORT_ROUNDS
    assert sum(1 for c in changes if c.by == "user:ann") == statuses[302]
    _assert_tally_counts_every_device(kent)


def test_uploads_racing_a_revocation(http, kent):
    """Agents upload while the token is revoked: every upload acknowledged is stored, and
    none started after the revocation returned is accepted."""
    token_row, token = scans.issue_agent_token(kent, actor="test")
    payload = {
        "scanner": "custodes test",
        "started_at": "2026-01-01T10:00:00+00:00",
        "finished_at": "2026-01-01T10:05:00+00:00",
        "targets": ["10.0.0.0/24"],
        "devices": [{"address": "10.0.0.7", "open_ports": [80]}],
    }
    uploading, revoked = threading.Event(), threading.Event()
    headers = {"Authorization": f"Bearer {token}"}

    def agent() -> tuple[int, list[int], int]:
        """Uploads until refused: (uploads accepted, statuses of the requests started after
        the revocation returned, the refusal's status)."""
        accepted, after_revocation = 0, []
        with http() as client:
            while True:
                started_after = revoked.is_set()
                reply = client.post("/api/scans", json=payload, headers=headers)
                if started_after:
                    after_revocation.append(reply.status_code)
                if reply.status_code != 200:
                    return accepted, after_revocation, reply.status_code
                accepted += 1
                uploading.set()

    def revoke() -> bool:
        assert uploading.wait(TIMEOUT)  # revoked while the agents are uploading
        done = scans.revoke_agent_token(token_row, actor="test")
        revoked.set()
        return done

    *agents, was_revoked = _all_at_once(agent, agent, agent, revoke)
    assert was_revoked
    stored = ScanUpload.objects.filter(body=kent).count()
    assert stored > 0 and stored == sum(accepted for accepted, _, _ in agents)
    for _, after, refusal in agents:
        assert refusal in (401, 429)
        assert all(status in (401, 429) for status in after)


def test_tally_rebuilds_of_one_body_take_turns(kent_imported):
    """Tally rebuilds of one body on several connections at once: they take turns, so the
    tally never counts a device twice (on PostgreSQL two overlapping delete-then-insert
    rebuilds would both insert)."""
    from custodes.web.estate.services import refresh_tally

    def rebuilds() -> None:
        for _ in range(TALLY_REBUILDS):
            refresh_tally([kent_imported.pk])

    _all_at_once(*([rebuilds] * 4))
    _assert_tally_counts_every_device(kent_imported)
    assert ExposureTally.objects.filter(body=kent_imported).count() == len(
        set(
            ExposureTally.objects.filter(body=kent_imported).values_list(
                "manufacturer",
                "kind",
                "sensitive_site",
                "concern_since",
                "kev_since",
                "kev_confirmed_since",
                "removed_on",
            )
        )
    )
