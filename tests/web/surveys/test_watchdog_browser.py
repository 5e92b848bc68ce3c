"""In headless Chromium: Swagger UI runs on /api/docs under the site's CSP from our own static
files, and a page with errors moves focus to its error summary without any script."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.conf import settings

from custodes.web.bodies.models import Body
from custodes.web.surveys.lifecycle import return_for, submit_return

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, live_server, client, watchdog):
    client.force_login(watchdog)
    context = browser.new_context()
    context.set_default_timeout(15_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    seen: dict[str, list[str]] = {"console": [], "requests": []}
    page.on("console", lambda message: seen["console"].append(message.text))
    page.on("request", lambda request: seen["requests"].append(request.url))
    return context, page, seen


def test_focus_moves_to_the_error_summary(browser, live_server, client, watchdog, past_round):
    record = return_for(past_round, Body.objects.get(code="kent"))
    submit_return(
        record,
        {"bwv.operates": "yes", "bwv.concerns": "yes"},
        actor="t",
        submitted_at=datetime(2022, 8, 1, tzinfo=UTC),
        final=False,
    )
    context, page, _ = signed_in_page(browser, live_server, client, watchdog)
    page.goto(f"{live_server.url}/rounds/round-2022/bodies/kent/correct/?question_id=bwv.concerns")
    page.click("text=Save correction")
    page.wait_for_selector(".error-summary")
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    page.click(".error-summary a[href='#id_reason']")
    assert page.evaluate("document.activeElement.id") == "id_reason"
    context.close()
