"""The watchdog's service navigation, given to every page by a context processor.

Watchdog accounts get links to the rounds, the estate dashboard, a round's discrepancies and
report (the round the page is about, otherwise the newest), the FOI campaigns, the Code of
Practice self-assessments, the API documentation and, for staff accounts, the admin; the
link to the current section is marked. Other visitors
(respondents, readers, anyone signed out) get no navigation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from custodes.web.core.permissions import is_watchdog
from custodes.web.surveys.models import Round

__all__ = ["NavItem", "service_navigation"]


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    current: bool


def _section(request: HttpRequest) -> str:
    """Which navigation item the page belongs to."""
    match = request.resolver_match
    if request.path.startswith("/api/docs"):
        return "api"
    if match is None:
        return ""
    if match.namespace == "estate":
        return "discrepancies" if match.url_name == "discrepancies" else "estate"
    return {
        "surveys": "rounds",
        "reports": "reports",
        "foi": "foi",
        "assessments": "assessments",
    }.get(match.namespace, "")


def _round_name(request: HttpRequest) -> str | None:
    """The round the page is about, or the newest round."""
    match = request.resolver_match
    name = match.kwargs.get("name") if match is not None else None
    if name and Round.objects.filter(name=name).exists():
        return name
    return Round.objects.order_by("-created_at").values_list("name", flat=True).first()


def service_navigation(request: HttpRequest) -> dict:
    """``watchdog_nav`` (a list of NavItem, empty for anyone else) and ``feedback_url``."""
    user = getattr(request, "user", None)
    if user is None or not is_watchdog(user):
        return {"watchdog_nav": []}
    section = _section(request)
    items = [NavItem("Rounds", reverse("surveys:dashboard"), section == "rounds")]
    items.append(NavItem("Estate", reverse("estate:national"), section == "estate"))
    round_name = _round_name(request)
    if round_name is not None:
        items.append(
            NavItem(
                "Discrepancies",
                reverse("estate:discrepancies", args=[round_name]),
                section == "discrepancies",
            )
        )
        items.append(
            NavItem("Reports", reverse("reports:report", args=[round_name]), section == "reports")
        )
    items.append(NavItem("FOI campaigns", reverse("foi:campaigns"), section == "foi"))
    items.append(
        NavItem("Self-assessments", reverse("assessments:dashboard"), section == "assessments")
    )
    items.append(NavItem("API docs", reverse("api:openapi-view"), section == "api"))
    if user.is_staff:
        items.append(NavItem("Admin", reverse("admin:index"), False))
    return {"watchdog_nav": items, "feedback_url": settings.FEEDBACK_URL}
