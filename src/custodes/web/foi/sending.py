"""Requests emailed by a background job, throttled, from the web UI.

A ``foi.send`` job emails a campaign's request to a list of bodies one at a time,
``send_interval()`` seconds apart, through :func:`custodes.web.foi.services.send_requests`
(each with its own reference, every send or failure an event). A body already recorded as sent
is skipped, so a job run again after its worker died emails nobody twice.
"""

from __future__ import annotations

import os
import time
from typing import Any

from custodes.web.bodies.models import Body
from custodes.web.foi.models import Campaign
from custodes.web.foi.services import send_requests
from custodes.web.jobs.models import Job
from custodes.web.jobs.registry import JobFailed
from custodes.web.jobs.runner import JobRun
from custodes.web.jobs.services import start_job

__all__ = ["SEND_JOB", "run_sending", "send_interval", "start_sending"]

SEND_JOB = "foi.send"
DEFAULT_INTERVAL = 60.0


def send_interval() -> float:
    """Seconds between two requests (``CUSTODES_FOI_SEND_SECONDS``, default 60)."""
    return float(os.environ.get("CUSTODES_FOI_SEND_SECONDS", DEFAULT_INTERVAL))


def start_sending(campaign: Campaign, bodies: list[Body], *, actor: str, key: str) -> Job:
    """Starts the job emailing the request to ``bodies``; ``key`` makes a form sent twice
    one job."""
    return start_job(
        SEND_JOB,
        {"campaign": campaign.pk, "bodies": [b.pk for b in bodies], "actor": actor},
        actor=actor,
        subject=campaign,
        idempotency_key=f"foi-send:{campaign.pk}:{key}",
    )


def run_sending(run: JobRun) -> dict[str, Any]:
    """The ``foi.send`` handler."""
    arguments = run.arguments
    campaign = (
        Campaign.objects.select_related("definition").filter(pk=arguments["campaign"]).first()
    )
    if campaign is None:
        raise JobFailed("The campaign no longer exists.")
    by_pk = Body.objects.in_bulk(arguments["bodies"])
    bodies = [by_pk[pk] for pk in arguments["bodies"] if pk in by_pk]
    sent = failed = 0
    interval = send_interval()
    for index, body in enumerate(bodies):
        outcomes = send_requests(campaign, [body], actor=arguments["actor"], throttle=0)
        sent += sum(1 for o in outcomes if o.error is None)
        failed += sum(1 for o in outcomes if o.error is not None)
        run.progress(index + 1, len(bodies), f"{sent} sent, {failed} not sent", force=True)
        if outcomes and index + 1 < len(bodies) and interval > 0:
            time.sleep(interval)
    return {"sent": sent, "not_sent": failed}
