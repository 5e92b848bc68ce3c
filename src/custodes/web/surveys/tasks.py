"""The surveys' background work: sending emails, automatic reminders, expired links."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from custodes.web.jobs.registry import job_kind
from custodes.web.surveys.sending import (
    SEND_JOB,
    expire_invitations,
    run_sending,
    schedule_reminders,
)

__all__ = ["send_due_reminders", "sweep_expired_links"]

job_kind(SEND_JOB, "Sending emails")(run_sending)


@db_periodic_task(crontab(minute="*/15"))
def send_due_reminders() -> None:
    """Every quarter of an hour: start the reminders whose time has come."""
    schedule_reminders()


@db_periodic_task(crontab(minute="0"))
def sweep_expired_links() -> None:
    """Hourly: revoke respondents' links past their expiry date."""
    expire_invitations()
