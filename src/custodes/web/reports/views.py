"""The report in the web UI, and its open-data files, for the watchdog's staff.

``?as_of=YYYY-MM-DD`` shows the figures as the data stood at the end of that day (site time).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from custodes.web.core.permissions import is_watchdog
from custodes.web.jobs.models import Job
from custodes.web.reports import exports
from custodes.web.reports.build import context_from
from custodes.web.reports.builds import BUILD_JOB, build_folder, latest_build, start_build
from custodes.web.reports.data import report_data
from custodes.web.surveys.models import Round

__all__ = [
    "build_file",
    "build_report",
    "findings_csv",
    "findings_json",
    "report",
    "responses_csv",
]

View = Callable[..., HttpResponse]
AS_OF_PARAMETER = "as_of"


class BadAsOf(ValueError):
    """The ``as_of`` query parameter is not an ISO date."""


def watchdog_only(view: View) -> View:
    """Logged-in watchdog staff only: others are sent to log in, or refused (403)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not is_watchdog(request.user):
            raise PermissionDenied("the report is for the watchdog's staff")
        return view(request, *args, **kwargs)

    return login_required(require_GET(never_cache(guarded)))


def end_of_day(text: str) -> datetime:
    """The last instant of the ISO date ``text`` in the site's time zone."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise BadAsOf(f"as_of must be a date like 2023-02-15, not {text[:40]!r}") from None
    start_of_next = datetime.combine(day + timedelta(days=1), time.min)
    return timezone.make_aware(start_of_next) - timedelta(microseconds=1)


def _as_of(request: HttpRequest) -> tuple[datetime | None, str]:
    """The requested cut-off and the date text it came from ('' when not given)."""
    text = request.GET.get(AS_OF_PARAMETER, "").strip()
    return (end_of_day(text), text) if text else (None, "")


def _round(name: str) -> Round:
    return get_object_or_404(
        Round.objects.select_related("questionnaire", "recipient_list"), name=name
    )


def _attachment(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content.encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(round_: Round, as_of_text: str, name: str) -> str:
    suffix = f"-as-of-{date.fromisoformat(as_of_text).isoformat()}" if as_of_text else ""
    return f"{round_.name}{suffix}-{name}"


@watchdog_only
def report(request: HttpRequest, name: str) -> HttpResponse:
    """The full report of a round, inside the site's layout."""
    round_ = _round(name)
    try:
        as_of, as_of_text = _as_of(request)
    except BadAsOf as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    context = context_from(report_data(round_, as_of))
    query = f"?{AS_OF_PARAMETER}={as_of_text}" if as_of_text else ""
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
def build_report(request: HttpRequest, name: str) -> HttpResponse:
    """Starts a background job writing the report files (as of the date asked), to download
    from the report page when it has finished."""
    if not is_watchdog(request.user):
        raise PermissionDenied("the report is for the watchdog's staff")
    round_ = _round(name)
    as_of_text = request.POST.get(AS_OF_PARAMETER, "").strip()
    try:
        as_of = end_of_day(as_of_text) if as_of_text else None
    except BadAsOf as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
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
    try:
        as_of, as_of_text = _as_of(request)
    except BadAsOf as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    return _attachment(
        write(report_data(round_, as_of)), content_type, _filename(round_, as_of_text, filename)
    )


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
