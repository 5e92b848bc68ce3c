"""Capture uploads and their status pages, for the watchdog (any body) and for a body's own
respondent session (that body only: the body comes from the session, never the address)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from custodes.web.bodies.models import Body
from custodes.web.core.form_errors import field_error_tag
from custodes.web.estate.captures import (
    ANALYSE_JOB,
    CAPTURE_FIELD,
    CaptureUploadHandler,
    StoredCapture,
    capture_max_bytes,
    store_upload,
)
from custodes.web.estate.demo import ACTOR as DEMO_ACTOR
from custodes.web.estate.models import CaptureAnalysis, ScanUpload
from custodes.web.estate.scans import compare_with_register, latest_reconciliation, seen_device
from custodes.web.jobs.services import latest_job
from custodes.web.surveys.permissions import watchdog_required
from custodes.web.surveys.views.respond import Respondent, respondent_view

__all__ = [
    "body_capture",
    "body_capture_upload",
    "own_capture",
    "own_capture_upload",
    "uploads_context",
]

FORM_OVERHEAD_BYTES = 64 * 1024
RECENT_CAPTURES = 10
CAPTURE_ERROR = field_error_tag(CAPTURE_FIELD)  # shown in the page's error summary


def uploads_context(body: Body) -> dict:
    """What the register pages show beside the register: latest scan and recent captures."""
    return {
        "scan": latest_reconciliation(body),
        "scan_count": ScanUpload.objects.filter(body=body).count(),
        "captures": CaptureAnalysis.objects.filter(body=body)[:RECENT_CAPTURES],
        "capture_limit": capture_max_bytes(),
    }


def _receive(
    request: HttpRequest, body: Body, actor: str, back: str, status_url: Callable[[int], str]
) -> HttpResponse:
    """Streams the capture to disk (before the CSRF check reads the form) and starts it."""
    limit = capture_max_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    too_large = f"The capture is larger than the limit of {filesizeformat(limit)}."
    if declared > limit + FORM_OVERHEAD_BYTES:
        messages.error(request, too_large, extra_tags=CAPTURE_ERROR)
        return redirect(back)
    handler = CaptureUploadHandler(request, limit)
    request.upload_handlers = [handler]
    kept: list[CaptureAnalysis] = []

    @csrf_protect
    def store(request: HttpRequest) -> HttpResponse:
        upload = request.FILES.get(CAPTURE_FIELD)
        if handler.too_large:
            messages.error(request, too_large, extra_tags=CAPTURE_ERROR)
        elif not isinstance(upload, StoredCapture) or not upload.size:
            messages.error(
                request, "Choose a packet capture file (pcap or pcapng).", extra_tags=CAPTURE_ERROR
            )
        else:
            kept.append(store_upload(body, upload, actor=actor))
            return redirect(status_url(kept[0].pk))
        return redirect(back)

    try:
        return store(request)
    finally:
        if not kept and handler.stored is not None:  # refused (CSRF, empty file): not kept
            handler.stored.path.unlink(missing_ok=True)


def _concern_labels(device: dict[str, Any]) -> list[str]:
    """Each authority with a concern about the device's maker or owner, once."""
    labels = (
        f"{concern['authority']}{' (via owner)' if concern.get('via') == 'owner' else ''}"
        for concern in device.get("concerns") or ()
    )
    return list(dict.fromkeys(labels))


def _status(request: HttpRequest, analysis: CaptureAnalysis, back: str, **extra) -> HttpResponse:
    finished = analysis.status == CaptureAnalysis.Status.DONE
    context = {
        "analysis": analysis,
        "devices": [  # cameras and recorders first, each group in address order
            (device, _concern_labels(device))
            for device in sorted(
                analysis.devices, key=lambda item: not seen_device(item).surveillance
            )
        ],
        "register": compare_with_register(analysis.body_id, analysis.devices) if finished else None,
        "body": analysis.body,
        "back": back,
        "job": latest_job(analysis, [ANALYSE_JOB]),
        "synthetic_estate": analysis.uploaded_by == DEMO_ACTOR,
        **extra,
    }
    return render(request, "estate/capture.html", context)


@csrf_exempt  # checked by csrf_protect in _receive, after the upload handler is in place
@watchdog_required
@require_POST
def body_capture_upload(request: HttpRequest, code: str) -> HttpResponse:
    """The watchdog uploads a capture for a body."""
    body = get_object_or_404(Body, code=code)
    return _receive(
        request,
        body,
        f"user:{request.user.get_username()}",
        reverse("estate:body", args=[body.code]),
        lambda pk: reverse("estate:body-capture", args=[body.code, pk]),
    )


@watchdog_required
@require_GET
def body_capture(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A capture analysis of a body: progress while it runs, then the results."""
    analysis = get_object_or_404(
        CaptureAnalysis.objects.select_related("body"), pk=pk, body__code=code
    )
    return _status(request, analysis, reverse("estate:body", args=[code]))


@csrf_exempt  # checked by csrf_protect in _receive, after the upload handler is in place
@require_POST
@respondent_view
def own_capture_upload(request: HttpRequest, respondent: Respondent) -> HttpResponse:
    """A body's respondent uploads a capture for their own body."""
    return _receive(
        request,
        respondent.invitation.body,
        respondent.actor,
        reverse("estate:own-register"),
        lambda pk: reverse("estate:own-capture", args=[pk]),
    )


@require_GET
@respondent_view
def own_capture(request: HttpRequest, respondent: Respondent, pk: int) -> HttpResponse:
    """One of the respondent's own body's capture analyses; any other body's is not found."""
    analysis = (
        CaptureAnalysis.objects.select_related("body")
        .filter(pk=pk, body=respondent.invitation.body)
        .first()
    )
    if analysis is None:
        raise Http404("no such capture analysis for your organisation")
    return _status(
        request, analysis, reverse("estate:own-register"), **respondent.context(own=True)
    )
