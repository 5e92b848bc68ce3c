"""The FOI campaigns' background work: emailing requests."""

from __future__ import annotations

from custodes.web.foi.sending import SEND_JOB, run_sending
from custodes.web.jobs.registry import job_kind

__all__: list[str] = []

job_kind(SEND_JOB, "Sending FOI requests")(run_sending)
