"""Banners saying that a page shows the demo's synthetic FOI campaign or self-assessments,
given to every page by a context processor (the estate's and a round's pages say so through
their own views).

FOI pages about the demo campaign (and the list of campaigns, while it holds it) get
``synthetic_foi``; the watchdog's self-assessment pages, while the demo's assessments are on
record, and a published assessment of the demo get ``synthetic_assessments``. Other pages
cost no query.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from custodes.web.assessments.demo import ACTOR as ASSESSMENTS_ACTOR
from custodes.web.assessments.models import Assessment
from custodes.web.foi.demo import DEMO_CAMPAIGN
from custodes.web.foi.models import Campaign

__all__ = ["synthetic_banners"]


def synthetic_banners(request: HttpRequest) -> dict[str, bool]:
    """``synthetic_foi`` and ``synthetic_assessments`` for the pages that show demo data."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {}
    if match.namespace == "foi":
        name = match.kwargs.get("name")
        if name is not None:
            return {"synthetic_foi": name == DEMO_CAMPAIGN}
        return {"synthetic_foi": Campaign.objects.filter(name=DEMO_CAMPAIGN).exists()}
    if match.namespace == "assessments":
        return {"synthetic_assessments": _demo_assessments().exists()}
    if match.namespace == "sat-public" and "slug" in match.kwargs:
        slug = match.kwargs["slug"]
        return {"synthetic_assessments": _demo_assessments().filter(public_slug=slug).exists()}
    return {}


def _demo_assessments() -> QuerySet[Assessment]:
    """The demo's self-assessments (built only for the pages that ask: a queryset costs CPU
    even unevaluated, and every page runs this context processor)."""
    return Assessment.objects.filter(created_by=ASSESSMENTS_ACTOR)
