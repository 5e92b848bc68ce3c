"""The watchdog's pages: the national matrix with its denominators, overdue action items and
stale assessments; a body's assessments and certificates; the report with its open data."""

from __future__ import annotations

import json
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from custodes import sat
from custodes.web.assessments import services
from custodes.web.assessments.crosschecks import DEFAULT_FRAMEWORK, security_checks
from custodes.web.assessments.models import Assessment, Certification, Evidence
from custodes.web.assessments.presentation import (
    DENOMINATORS,
    certificate_rows,
    matrix_csv,
    matrix_json,
    matrix_rows,
    overdue_actions,
    principle_rows,
)
from custodes.web.assessments.respond_views import file_response
from custodes.web.bodies.models import Body
from custodes.web.core.asof import rejects_bad_as_of, request_as_of
from custodes.web.core.permissions import watchdog_required

__all__ = ["assessment_detail", "body_detail", "dashboard", "evidence_file", "report"]


def _day(request: HttpRequest) -> date:
    """The ``as_of`` day asked for, else today; a bad value is answered by the 400 page with
    its error summary (``core.asof.rejects_bad_as_of``)."""
    parsed = request_as_of(request)
    return parsed.day if parsed else timezone.localdate()


def _framework(request: HttpRequest) -> sat.Framework:
    wanted = request.GET.get("framework", DEFAULT_FRAMEWORK)
    try:
        return sat.shipped_framework(wanted)
    except sat.UnknownFramework:
        raise Http404("no such framework") from None


def _context(request: HttpRequest) -> dict:
    framework = _framework(request)
    day = _day(request)
    matrix, bodies = services.matrix(framework.id, day)
    return {
        "framework": framework,
        "as_of": day,
        "matrix": matrix,
        "rows": matrix_rows(matrix, bodies),
        "denominators": DENOMINATORS,
        "sources": sat.SOURCE_LABELS,
        "labels": sat.system_labels(),
    }


@watchdog_required
@require_GET
@rejects_bad_as_of
def dashboard(request: HttpRequest) -> HttpResponse:
    """Body × principle matrix, overdue action items, stale assessments, enquiries."""
    context = _context(request)
    day = context["as_of"]
    context.update(
        overdue=overdue_actions(day)[:500],
        stale=[
            {
                "body": r.body,
                "systems": [context["labels"].get(s, s) for s in c.systems],
                "assessed_on": c.record.assessed_on,
                "source": sat.SOURCE_LABELS[c.record.source],
            }
            for r in context["rows"]
            for c in r.row.current
            if c.stale
        ],
        enquiries=security_checks(
            list(Body.objects.order_by("name")), context["framework"].id, day
        ),
    )
    return render(request, "assessments/dashboard.html", context)


@watchdog_required
@require_GET
@rejects_bad_as_of
def report(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """The publishable report of the matrix, and its open data (CSV, JSON)."""
    context = _context(request)
    if fmt == "json":
        response = HttpResponse(
            json.dumps(matrix_json(context["matrix"]), indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
    elif fmt == "csv":
        bodies = {r.body.code: r.body for r in context["rows"]}
        response = HttpResponse(
            matrix_csv(context["matrix"], bodies), content_type="text/csv; charset=utf-8"
        )
    else:
        return render(request, "assessments/report.html", context)
    name = f"{context['framework'].id}-matrix-{context['as_of'].isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@watchdog_required
@require_GET
@rejects_bad_as_of
def body_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A body's assessments (drafts included) and the certificates it held."""
    body = get_object_or_404(Body, code=code)
    day = _day(request)
    return render(
        request,
        "assessments/body.html",
        {
            "body": body,
            "as_of": day,
            "assessments": Assessment.objects.filter(body=body).order_by("-assessed_on", "-id"),
            "certificates": certificate_rows(list(Certification.objects.filter(body=body)), day),
            "labels": sat.system_labels(),
            "sources": sat.SOURCE_LABELS,
        },
    )


@watchdog_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One assessment: every principle with answers, evidence (public or not) and actions."""
    assessment = get_object_or_404(Assessment.objects.select_related("body"), pk=pk)
    framework = sat.shipped_framework(assessment.framework)
    return render(
        request,
        "assessments/assessment.html",
        {
            "assessment": assessment,
            "framework": framework,
            "rows": principle_rows(assessment),
            "results": {r.principle: r for r in assessment.results.all()},
            "evidence": assessment.evidence.all(),
            "actions": assessment.actions.all(),
            "events": assessment.events.all()[:200],
            "labels": sat.system_labels(),
            "sources": sat.SOURCE_LABELS,
            "stale": assessment.assessed_on is not None
            and sat.is_stale(assessment.assessed_on, timezone.localdate()),
        },
    )


@watchdog_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Downloads an evidence file (the watchdog sees private evidence too)."""
    return file_response(get_object_or_404(Evidence, pk=pk))
