"""Security headers that Django's SecurityMiddleware does not set."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"


def is_public(path: str) -> bool:
    """Whether ``path`` is a public resource that browsers and proxies may cache: static files
    only. Every page and API answer may carry a body's answers, addresses, MACs or serials."""
    return path.startswith("/" + settings.STATIC_URL.lstrip("/"))


class SecurityHeadersMiddleware:
    """Adds a strict Content-Security-Policy and Permissions-Policy to every response, and
    ``Cache-Control: no-store`` to every response that is not public, so that neither a shared
    computer's back button or cache nor a proxy keeps a copy. (A view's own header is kept when
    it already says ``no-store``.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not is_public(request.path) and "no-store" not in response.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        return response
