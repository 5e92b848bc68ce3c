"""Who may see what: watchdog staff see everything; respondents only their own return.

Shared by every app with watchdog pages (surveys, estate, reports, the API)."""

from __future__ import annotations

from django.contrib.auth.decorators import user_passes_test

__all__ = ["WATCHDOG_GROUP", "is_watchdog", "watchdog_required"]

WATCHDOG_GROUP = "watchdog"


def is_watchdog(user) -> bool:
    """A logged-in, active member of the watchdog's staff."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.groups.filter(name=WATCHDOG_GROUP).exists())
    )


watchdog_required = user_passes_test(is_watchdog)
