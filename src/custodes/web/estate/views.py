"""Register pages: the watchdog's national and per-body exposure dashboards, exports and
discrepancies; a respondent's own register, reachable only from that body's session."""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import dateformat, timezone
from django.views.decorators.http import require_GET, require_http_methods

from custodes import estate as core
from custodes.web.bodies.models import Body
from custodes.web.core.asof import rejects_bad_as_of, request_as_of
from custodes.web.core.permissions import watchdog_required
from custodes.web.core.uploads import upload_limited
from custodes.web.estate import charts, exports
from custodes.web.estate.demo import holds_demo_data
from custodes.web.estate.models import Asset, AssetChange
from custodes.web.estate.register_uploads import latest_import, start_import
from custodes.web.estate.services import (
    AssetChangedMeanwhile,
    asset_version,
    body_totals,
    exposure,
    replacement_progress,
    round_reconciliations,
    update_asset,
)
from custodes.web.estate.upload_views import uploads_context
from custodes.web.surveys.enquiries import round_enquiries
from custodes.web.surveys.lifecycle import definition_of
from custodes.web.surveys.models import Round
from custodes.web.surveys.views.respond import Respondent, respondent_view
from custodes.web.surveys.views.respond_fields import answer_lines

__all__ = ["asset_detail", "body_register", "discrepancies", "export", "national", "own_register"]

PAGE_SIZE = 100
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".ods")
MAX_REASON_CHARS = 1000
NUL_MESSAGE = "Remove the NUL character (\\x00): text cannot contain it"
SHOWN_SEPARATELY = {"id", "body", "manufacturer_evidence", "manufacturer_confidence"}


def _as_of(request: HttpRequest) -> date | None:
    """The ``as_of`` day asked for; a bad value is answered by the 400 page (core.asof)."""
    parsed = request_as_of(request)
    return parsed.day if parsed else None


def _dashboard(summary: core.ExposureSummary, body: Body | None) -> dict:
    labels = core.load_vocabulary().kind_labels
    progress = replacement_progress(body)
    return {
        "summary": summary,
        "kinds": [(labels[k.kind], k) for k in summary.by_kind],
        "manufacturer_chart": charts.manufacturer_chart(summary) if summary.devices else "",
        "kind_chart": charts.kind_chart(summary) if summary.devices else "",
        "progress": progress,
        "progress_chart": charts.replacement_chart(progress) if progress else "",
        "rule": core.load_vocabulary().data.sensitive_site_rule,
    }


@watchdog_required
@require_GET
@rejects_bad_as_of
def national(request: HttpRequest) -> HttpResponse:
    """The nation's estate: exposure, charts, every body's totals, rounds to reconcile."""
    summary = exposure(None, _as_of(request))
    context = {
        **_dashboard(summary, None),
        "bodies": body_totals(),
        "rounds": Round.objects.order_by("-created_at")[:20],
        "synthetic_estate": holds_demo_data(),
    }
    return render(request, "estate/national.html", context)


@watchdog_required
@require_GET
@rejects_bad_as_of
def body_register(request: HttpRequest, code: str) -> HttpResponse:
    """One body's exposure and register, page by page, with recent changes."""
    body = get_object_or_404(Body, code=code)
    summary = exposure(body, _as_of(request))
    assets = Paginator(Asset.objects.filter(body=body).order_by("asset_id"), PAGE_SIZE)
    context = {
        **_dashboard(summary, body),
        "body": body,
        "page": assets.get_page(request.GET.get("page")),
        "changes": AssetChange.objects.filter(asset__body=body)
        .select_related("asset")
        .order_by("-at", "-id")[:30],
        **uploads_context(body),
        "synthetic_estate": holds_demo_data(body),
    }
    return render(request, "estate/body.html", context)


def _shown(value: object) -> str:
    """A field value as text for the asset page ("" when empty)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return dateformat.format(timezone.localtime(value), "j F Y H:i")
    if isinstance(value, date):
        return dateformat.format(value, "j F Y")
    return "" if value is None else str(value)


def _asset_fields(asset: Asset) -> list[tuple[str, str]]:
    """Every field of the asset but those the page shows in their own section, labelled."""
    rows = []
    for field in Asset._meta.fields:
        if field.name in SHOWN_SEPARATELY:
            continue
        value = (
            getattr(asset, f"get_{field.name}_display")()
            if field.choices
            else getattr(asset, field.name)
        )
        rows.append((field.verbose_name[:1].upper() + field.verbose_name[1:], _shown(value)))
    return rows


def _recorded(value: object) -> str:
    """A value as kept in a change record (JSON), as text; "–" when empty."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "–" if value is None or value == "" else str(value)


def _history(asset: Asset) -> list[dict]:
    """The asset's changes, oldest first, each with ``(field, before, after)`` rows."""
    return [
        {
            "change": change,
            "fields": [
                (name, _recorded(change.before.get(name)), _recorded(change.after.get(name)))
                for name in sorted(set(change.before) | set(change.after))
            ],
        }
        for change in asset.changes.all()
    ]


def _override_errors(manufacturer: str, reason: str) -> list[dict[str, str]]:
    """What is wrong with an override form, each with the field it links to."""
    errors = []
    if "\x00" in manufacturer:
        errors.append({"href": "#manufacturer", "message": NUL_MESSAGE})
    if "\x00" in reason:
        errors.append({"href": "#reason", "message": NUL_MESSAGE})
    if len(manufacturer) > Asset._meta.get_field("manufacturer_override").max_length:
        errors.append({"href": "#manufacturer", "message": "Manufacturer is too long"})
    if not reason:
        errors.append({"href": "#reason", "message": "Say why the manufacturer is overridden"})
    elif len(reason) > MAX_REASON_CHARS:
        errors.append(
            {"href": "#reason", "message": f"Reason must be {MAX_REASON_CHARS} characters or fewer"}
        )
    return errors


@watchdog_required
@require_http_methods(["GET", "POST"])
def asset_detail(request: HttpRequest, code: str, asset_id: str) -> HttpResponse:
    """One asset: every field, the resolved manufacturer with its evidence, its full history,
    and a form to override the manufacturer with a reason (empty manufacturer: no override).

    The form carries the asset's version as it was opened: a save after someone else changed
    the asset is refused (409) with the asset as it is now and what this person typed kept."""
    body = get_object_or_404(Body, code=code)
    asset = get_object_or_404(Asset, body=body, asset_id=asset_id)
    errors: list[dict[str, str]] = []
    manufacturer, reason = asset.manufacturer_override, ""
    status = 200
    if request.method == "POST":
        manufacturer = request.POST.get("manufacturer", "").strip()
        reason = request.POST.get("reason", "").strip()
        errors = _override_errors(manufacturer, reason)
        status = 400
        if not errors:
            try:
                changed = update_asset(
                    asset,
                    {
                        "manufacturer_override": manufacturer,
                        "override_reason": reason if manufacturer else "",
                    },
                    actor=f"user:{request.user.get_username()}",
                    reason=reason,
                    opened_version=request.POST.get("version") or None,
                )
            except AssetChangedMeanwhile as exc:
                asset, status = exc.asset, 409
                errors.append({"href": "#manufacturer", "message": str(exc)})
            except ValueError as exc:
                errors.append({"href": "#reason", "message": str(exc)})
            else:
                if changed:
                    messages.success(
                        request,
                        f"Manufacturer of {asset.asset_id} is now "
                        f"{asset.manufacturer or 'not identified'}.",
                    )
                else:
                    messages.info(request, "Nothing changed.")
                return redirect("estate:asset", body.code, asset.asset_id)
    context = {
        "body": body,
        "asset": asset,
        "version": asset_version(asset),
        "fields": _asset_fields(asset),
        "history": _history(asset),
        "errors": errors,
        "reason_error": next((e["message"] for e in errors if e["href"] == "#reason"), ""),
        "manufacturer_error": next(
            (e["message"] for e in errors if e["href"] == "#manufacturer"), ""
        ),
        "form": {"manufacturer": manufacturer, "reason": reason},
        "max_reason": MAX_REASON_CHARS,
        "synthetic_estate": holds_demo_data(body),
    }
    return render(request, "estate/asset.html", context, status=status)


def _export_response(body: Body | None, what: str, fmt: str, as_of: date | None) -> HttpResponse:
    if what == "exposure":
        headings, rows = exports.EXPOSURE_HEADINGS, exports.exposure_rows(exposure(body, as_of))
    else:
        headings, rows = exports.REGISTER_HEADINGS, exports.register_rows(body)
    name = f"{body.code if body else 'national'}-{what}"
    if fmt == "xlsx":
        with tempfile.SpooledTemporaryFile(max_size=20_000_000) as handle:
            exports.write_xlsx(handle, headings, rows, title=what)
            handle.seek(0)
            content = handle.read()
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(
            exports.csv_lines(headings, rows), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@watchdog_required
@require_GET
@rejects_bad_as_of
def export(request: HttpRequest) -> HttpResponse:
    """CSV or XLSX of a register (with asset ids) or of the exposure summary."""
    code = request.GET.get("body", "")
    body = get_object_or_404(Body, code=code) if code else None
    what = "exposure" if request.GET.get("what") == "exposure" else "register"
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return _export_response(body, what, fmt, _as_of(request))


@watchdog_required
@require_GET
def discrepancies(request: HttpRequest, name: str) -> HttpResponse:
    """Where returns in a round contradict the bodies' registers, for follow-up."""
    round_ = get_object_or_404(Round.objects.select_related("recipient_list"), name=name)
    found = round_reconciliations(round_)
    definition = definition_of(round_.questionnaire)
    questions = {question.id: question for question in definition.questions()}
    blocks = {block.id: block.title for block in definition.blocks}

    def worded(d: core.Discrepancy) -> dict:
        """The discrepancy in the questionnaire's words, never its ids and codes."""
        question = questions.get(d.question)
        return {
            "question": question.text if question else d.question,
            "answer": "; ".join(answer_lines(question, d.answer)) if question else d.answer,
            "block": blocks.get(d.block, d.block),
        }

    context = {
        "round": round_,
        "synthetic": round_.synthetic,
        "rows": [
            (item.body, d, worded(d)) for item in found for d in item.reconciliation.discrepancies
        ],
        "comparisons": [
            (item.body, c, blocks.get(c.block, c.block))
            for item in found
            for c in item.reconciliation.manufacturers
            if c.only_in_register or c.only_in_return
        ],
        "enquiries": round_enquiries(round_),
    }
    return render(request, "estate/discrepancies.html", context)


def _register_max_bytes() -> int:
    return int(settings.REGISTER_UPLOAD_MAX_BYTES)


def _register_too_large(request: HttpRequest, respondent: Respondent) -> HttpResponse:
    limit = filesizeformat(_register_max_bytes())
    messages.error(request, f"The file is larger than the limit of {limit} for the web form.")
    return redirect("estate:own-register")


@require_http_methods(["GET", "POST"])
@respondent_view
@upload_limited(_register_max_bytes, refuse=_register_too_large)
def own_register(request: HttpRequest, respondent: Respondent) -> HttpResponse:
    """The respondent's own body's register: view it, download it, upload a new version.

    The body comes only from the session's invitation, never from the address."""
    body = respondent.invitation.body
    if request.method == "POST":
        upload = request.FILES.get("register")
        reason = request.POST.get("reason", "").strip() or "register upload"
        suffix = Path(upload.name).suffix.casefold() if upload else ""
        if upload is None or suffix not in UPLOAD_SUFFIXES:
            messages.error(request, "Choose a CSV, XLSX or ODS file.")
        elif "\x00" in reason:
            messages.error(request, NUL_MESSAGE)
        else:
            start_import(body, upload, actor=respondent.actor, reason=reason[:500])
            messages.success(request, "File received: it is being imported (progress below).")
        return redirect("estate:own-register")
    if request.GET.get("format") in ("csv", "xlsx"):
        return _export_response(body, "register", request.GET["format"], None)
    return render(request, "estate/own_register.html", respondent.context(**_own(body)))


def _own(body: Body) -> dict:
    return {
        "summary": exposure(body),
        "assets": Asset.objects.filter(body=body).order_by("asset_id")[:500],
        "asset_count": Asset.objects.filter(body=body).count(),
        "import_job": latest_import(body),
        **uploads_context(body),
    }
