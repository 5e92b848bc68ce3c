"""The report in the web UI, and its open-data files, for the watchdog's staff.

``?as_of=YYYY-MM-DD`` shows the figures as the data stood at the end of that day (site time);
any other value gets the 400 error page (:mod:`custodes.web.core.asof`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from custodes.web.core.asof import (
    AS_OF_PARAMETER,
    parse_as_of,
    rejects_bad_as_of,
    request_as_of,
)
from custodes.web.core.permissions import is_watchdog
from custodes.web.jobs.models import Job
from custodes.web.reports import exports
from custodes.web.reports.build import REPORT_PDF, context_from
from custodes.web.reports.builds import BUILD_JOB, build_folder, latest_build, start_build
from custodes.web.reports.cache import cached_report_data, cached_report_pdf
from custodes.web.reports.errors import ReportError
from custodes.web.reports.pdf import PDF_CONTENT_TYPE
from custodes.web.surveys.models import Round

__all__ = [
    "build_file",
    "build_report",
    "findings_csv",
    "findings_json",
    "report",
    "report_pdf",
    "responses_csv",
]

View = Callable[..., HttpResponse]


def watchdog_only(view: View) -> View:
    """Logged-in watchdog staff only: others are sent to log in, or refused (403). A bad
    ``as_of`` gets the 400 error page saying which format is expected."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not is_watchdog(request.user):
            raise PermissionDenied("the report is for the watchdog's staff")
        return view(request, *args, **kwargs)

    return login_required(require_GET(never_cache(rejects_bad_as_of(guarded))))


def _as_of(request: HttpRequest) -> tuple[datetime | None, str]:
    """The requested cut-off and the date text it came from ('' when not given)."""
    parsed = request_as_of(request)
    return (parsed.moment, parsed.text) if parsed else (None, "")


def _round(name: str) -> Round:
    return get_object_or_404(
        Round.objects.select_related("questionnaire", "recipient_list"), name=name
    )


def _attachment(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content.encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(round_: Round, as_of_text: str, name: str) -> str:
    suffix = f"-as-of-{as_of_text}" if as_of_text else ""
    return f"{round_.name}{suffix}-{name}"


@watchdog_only
def report(request: HttpRequest, name: str) -> HttpResponse:
    """The full report of a round, inside the site's layout."""
    round_ = _round(name)
    as_of, as_of_text = _as_of(request)
    context = context_from(cached_report_data(round_, as_of))
    query = f"?{AS_OF_PARAMETER}={as_of_text}" if as_of_text else ""
    context["pdf_url"] = reverse("reports:pdf", args=[round_.name]) + query
    context["files"] = {
        key: reverse(f"reports:{url_name}", args=[round_.name]) + query
        for key, url_name in (
            ("findings_csv", "findings-csv"),
            ("findings_json", "findings-json"),
            ("responses_csv", "responses-csv"),
        )
    }
    context["as_of_form"] = True
    context["in_site_layout"] = True
    context["as_of_value"] = as_of_text or timezone.localtime(context["as_of"]).date().isoformat()
    context["build_job"] = latest_build(round_)
    return render(request, "reports/report_page.html", context)


@login_required
@require_POST
@rejects_bad_as_of
def build_report(request: HttpRequest, name: str) -> HttpResponse:
    """Starts a background job writing the report files (as of the date asked), to download
    from the report page when it has finished."""
    if not is_watchdog(request.user):
        raise PermissionDenied("the report is for the watchdog's staff")
    round_ = _round(name)
    parsed = parse_as_of(request.POST.get(AS_OF_PARAMETER, ""))
    as_of, as_of_text = (parsed.moment, parsed.text) if parsed else (None, "")
    job = start_build(round_, as_of=as_of, actor=f"user:{request.user.get_username()}")
    query = f"?{AS_OF_PARAMETER}={as_of_text}" if as_of_text else ""
    return redirect(reverse("reports:report", args=[round_.name]) + query + f"#job-{job.pk}")


@watchdog_only
def build_file(request: HttpRequest, name: str, job: int, filename: str) -> FileResponse:
    """One file of a finished report build."""
    round_ = _round(name)
    build = get_object_or_404(
        Job.objects.for_object(round_), pk=job, kind=BUILD_JOB, state=Job.State.SUCCEEDED
    )
    if filename not in build.result.get("files", []):
        raise Http404("no such file in this build")
    path = build_folder(build) / filename
    if not path.is_file():
        raise Http404("the file of this build has been removed")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{round_.name}-{filename}")


def _download(
    request: HttpRequest, name: str, write: Callable[..., str], filename: str, content_type: str
) -> HttpResponse:
    round_ = _round(name)
    as_of, as_of_text = _as_of(request)
    return _attachment(
        write(cached_report_data(round_, as_of)),
        content_type,
        _filename(round_, as_of_text, filename),
    )


@watchdog_only
def report_pdf(request: HttpRequest, name: str) -> HttpResponse:
    """report.pdf of the round, as of the requested date: made on request, then kept in the
    cache beside the report's content (same key, so a correction or import makes a new one)."""
    round_ = _round(name)
    as_of, as_of_text = _as_of(request)
    try:
        content = cached_report_pdf(round_, as_of)
    except ReportError as error:
        return render(
            request,
            "reports/pdf_failed.html",
            {"error": str(error), "round_name": name},
            status=503,
        )
    response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
    filename = _filename(round_, as_of_text, REPORT_PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@watchdog_only
def findings_csv(request: HttpRequest, name: str) -> HttpResponse:
    """findings.csv of the round, as of the requested date."""
    return _download(request, name, exports.findings_csv, "findings.csv", "text/csv; charset=utf-8")


@watchdog_only
def findings_json(request: HttpRequest, name: str) -> HttpResponse:
    """findings.json of the round, as of the requested date."""
    return _download(
        request, name, exports.findings_json, "findings.json", "application/json; charset=utf-8"
    )


@watchdog_only
def responses_csv(request: HttpRequest, name: str) -> HttpResponse:
    """responses.csv of the round, as of the requested date."""
    return _download(
        request, name, exports.responses_csv, "responses.csv", "text/csv; charset=utf-8"
    )
