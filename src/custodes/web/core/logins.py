"""Throttled watchdog logins: django-axes' backend and the page a locked-out person sees.

django-axes counts failed logins in the database (so every worker process sees them) and locks
out an account, or an address, after ``AXES_FAILURE_LIMIT`` failures within
``AXES_COOLOFF_TIME``. The lockout answer is a page saying when to try again, with status 429
and ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

__all__ = ["LoginThrottleBackend", "lockout_response"]


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses logins from a locked-out account or address before the password is checked.

    ``authenticate()`` without a request is not a login over HTTP (every login page passes its
    request): scripts and Django's test client ``login()`` pass through to the next backend,
    where django-axes' own backend would raise.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The lockout page: why, and when to try again (each attempt restarts the cool-off)."""
    cooloff = settings.AXES_COOLOFF_TIME
    retry_at = timezone.localtime(timezone.now() + cooloff)
    response = render(
        request,
        "registration/locked_out.html",
        {"retry_at": retry_at, "cooloff_minutes": max(1, round(cooloff.total_seconds() / 60))},
        status=429,
    )
    response.headers["Retry-After"] = str(int(cooloff.total_seconds()))
    return response
