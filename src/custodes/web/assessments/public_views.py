"""Published assessments: a public page, its JSON and a PDF at a stable address.

All three are rendered from the snapshot frozen at publication; the SHA-256 shown is that of
the JSON served at ``.json`` (canonical: sorted keys, no spaces, UTF-8), so anyone can check it.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from custodes import sat
from custodes.web.assessments.choices import Status
from custodes.web.assessments.models import Assessment
from custodes.web.assessments.presentation import rating_label

__all__ = ["page", "pdf", "raw"]


def _published(slug: str) -> Assessment:
    return get_object_or_404(Assessment, public_slug=slug, status=Status.PUBLISHED)


def _context(assessment: Assessment) -> dict:
    content = assessment.published_content
    for principle in content["principles"]:
        principle["label"] = rating_label(principle["rating"])
    return {
        "assessment": assessment,
        "content": content,
        "source": sat.SOURCE_LABELS[sat.Source(content["source"])],
    }


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    """The published assessment as a web page."""
    return render(request, "assessments/public.html", _context(_published(slug)))


@require_GET
def raw(request: HttpRequest, slug: str) -> HttpResponse:
    """The published content as canonical JSON (its SHA-256 is the content hash)."""
    assessment = _published(slug)
    text = json.dumps(
        assessment.published_content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    response = HttpResponse(text.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Digest"] = f"sha-256={assessment.content_sha256}"
    return response


@require_GET
def pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The published assessment as a PDF (WeasyPrint), from the same snapshot."""
    from weasyprint import HTML

    assessment = _published(slug)
    html = render_to_string("assessments/public_pdf.html", _context(assessment))
    document = HTML(string=html, base_url=None).write_pdf()
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{assessment.public_slug}.pdf"'
    return response
