"""The watchdog's FOI pages: campaigns, a dashboard of states with overdue bodies first, each
request's timeline, recording replies with attachments, coding replies question by question
(linking each figure to the attachment and page it came from), chasers and reviews."""

from __future__ import annotations

import secrets
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files import File
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from custodes.foi.findings import question_status
from custodes.foi.states import UK, corrected, request_status
from custodes.foi.values import ValueProblem, parse_citations
from custodes.web.core.permissions import watchdog_required
from custodes.web.core.uploads import upload_limited
from custodes.web.estate.register_uploads import start_import
from custodes.web.foi import attachments as docs
from custodes.web.foi.choices import EVENT_LABELS, OUTCOME_LABELS, STATE_LABELS, Channel
from custodes.web.foi.evidence import write_evidence
from custodes.web.foi.forms import (
    AttachmentForm,
    CodeForm,
    CorrectForm,
    EventForm,
    ReasonsForm,
    ReplyForm,
    SentForm,
    TemplatesForm,
)
from custodes.web.foi.models import Attachment, Campaign, Reply, Request
from custodes.web.foi.report import finding_sentence, report_context, timeline_rows
from custodes.web.foi.sending import SEND_JOB, send_interval, start_sending
from custodes.web.foi.services import (
    CampaignError,
    campaign_findings,
    campaign_statuses,
    code_answer,
    correct_value,
    definition_of,
    draft_chaser,
    draft_review,
    overlapping_requests,
    record_event,
    record_reply,
    record_sent,
    request_facts,
    send_draft,
    value_cell,
)
from custodes.web.jobs.models import Job

STATE_TAGS = {
    "not_sent": "not_invited",
    "awaiting": "invited",
    "overdue": "red",
    "very_overdue": "red",
    "clarification": "in_progress",
    "answered": "submitted",
    "partial": "late",
    "refused": "grey",
    "not_held": "grey",
    "internal_review": "opened",
    "with_regulator": "opened",
    "withdrawn": "grey",
}
STATE_ORDER = {"very_overdue": 0, "overdue": 1, "clarification": 2, "awaiting": 3}


def _actor(request: HttpRequest) -> str:
    return f"user:{request.user.get_username()}"


def _campaign(name: str) -> Campaign:
    return get_object_or_404(
        Campaign.objects.select_related("definition", "recipient_list"), name=name
    )


def _request(name: str, code: str) -> Request:
    return get_object_or_404(
        Request.objects.select_related("campaign__definition", "body"),
        campaign__name=name,
        body__code=code,
    )


def _back(foi_request: Request, anchor: str = "") -> HttpResponse:
    url = reverse("foi:request", args=[foi_request.campaign.name, foi_request.body.code])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _day(value) -> datetime:
    """A date from a form as a moment: noon UK time, or now when that is still to come."""
    return min(datetime.combine(value, time(12), tzinfo=UK), timezone.now())


# Each form of the request page has its own ids, so the page's ids stay unique and the error
# summary's links land on the right control; a coding or correction form's also name its reply.
EVENT_IDS, REPLY_IDS, ATTACH_IDS, REVIEW_IDS = "event-%s", "reply-form-%s", "doc-%s", "review-%s"


def _code_form(reply: int, qid: str, choices: list, data=None, initial=None) -> CodeForm:
    return CodeForm(
        data,
        prefix=qid.replace(".", "-"),
        auto_id=f"r{reply}-%s",
        attachments=choices,
        initial=initial,
    )


def _correct_form(reply: int, data=None) -> CorrectForm:
    return CorrectForm(data, auto_id=f"correct-{reply}-%s")


@watchdog_required
def campaigns(request: HttpRequest) -> HttpResponse:
    """Every campaign with its counts."""
    rows = []
    for campaign in Campaign.objects.select_related("definition", "recipient_list"):
        states = Counter(s.state for s in campaign_statuses(campaign))
        rows.append(
            {
                "campaign": campaign,
                "asked": sum(v for k, v in states.items() if k != "not_sent"),
                "overdue": states["overdue"] + states["very_overdue"],
                "replied": sum(
                    v
                    for k, v in states.items()
                    if k not in {"not_sent", "awaiting", "overdue", "very_overdue", "clarification"}
                ),
            }
        )
    return render(request, "foi/campaigns.html", {"rows": rows})


@watchdog_required
def campaign_detail(request: HttpRequest, name: str) -> HttpResponse:
    """The dashboard: counts by state, headline findings, every body with overdue ones first."""
    return _campaign_page(request, _campaign(name))


def _campaign_page(
    request: HttpRequest, campaign: Campaign, sent_form: SentForm | None = None
) -> HttpResponse:
    """The dashboard, with ``sent_form`` as posted when it was refused."""
    now = timezone.now()
    statuses = campaign_statuses(campaign, now)
    result = campaign_findings(campaign, now)
    counts = Counter(s.state for s in statuses)
    rows = sorted(
        (
            {
                "status": s,
                "data": s.to_dict(),
                "label": STATE_LABELS[s.state],
                "tag": STATE_TAGS[s.state],
                "outcome": OUTCOME_LABELS.get(s.reply.outcome, "") if s.reply else "",
            }
            for s in statuses
        ),
        key=lambda r: (STATE_ORDER.get(r["status"].state, 9), r["status"].facts.name),
    )
    return render(
        request,
        "foi/campaign.html",
        {
            "campaign": campaign,
            "rows": rows,
            "counts": [
                (STATE_LABELS[k], counts[k], STATE_TAGS[k]) for k in STATE_LABELS if counts[k]
            ],
            "result": result,
            "headlines": [(f, finding_sentence(f, result)) for f in result["findings"]],
            "unsent": counts["not_sent"],
            "overlaps": overlapping_requests(campaign),
            "sent_form": sent_form or SentForm(),
            "form_key": secrets.token_urlsafe(16),
            "send_jobs": list(Job.objects.for_object(campaign).filter(kind=SEND_JOB)[:3]),
        },
        status=400 if sent_form is not None else 200,
    )


@watchdog_required
@require_POST
def send(request: HttpRequest, name: str) -> HttpResponse:
    """Email the request to every body not yet sent to, in a throttled background job."""
    campaign = _campaign(name)
    bodies = [
        r.body
        for r in campaign.requests.select_related("body").order_by("body__name")
        if not r.events.filter(kind="sent").exists()
    ]
    if not bodies:
        messages.info(request, "Every request has been sent.")
        return redirect("foi:campaign", name=name)
    key = request.POST.get("form_key") or secrets.token_urlsafe(16)
    start_sending(campaign, bodies, actor=_actor(request), key=key[:64])
    messages.success(
        request,
        f"Sending to {len(bodies)} bodies, one every {send_interval():.0f} seconds, in the "
        "background.",
    )
    return redirect("foi:campaign", name=name)


@watchdog_required
@require_POST
def record_sent_view(request: HttpRequest, name: str) -> HttpResponse:
    """Record every request not yet sent as sent elsewhere (a portal, post) on a date."""
    campaign = _campaign(name)
    form = SentForm(request.POST)
    if not form.is_valid():
        return _campaign_page(request, campaign, form)
    try:
        count = record_sent(
            campaign,
            None,
            form.cleaned_data["on"],
            actor=_actor(request),
            via=form.cleaned_data["via"],
        )
    except CampaignError as exc:
        form.add_error(None, str(exc))
        return _campaign_page(request, campaign, form)
    messages.success(request, f"{count} request(s) recorded as sent.")
    return redirect("foi:campaign", name=name)


@watchdog_required
def report(request: HttpRequest, name: str) -> HttpResponse:
    """The campaign report in the site's layout (the same body as ``custodes foi report``)."""
    campaign = _campaign(name)
    return render(request, "foi/report_page.html", report_context(campaign, timezone.now()))


@watchdog_required
def templates(request: HttpRequest, name: str) -> HttpResponse:
    """Edit the campaign's request, chaser and internal-review templates."""
    campaign = _campaign(name)
    form = TemplatesForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Templates saved.")
        return redirect("foi:templates", name=name)
    return render(
        request,
        "foi/templates.html",
        {"campaign": campaign, "form": form},
        status=400 if form.is_bound else 200,
    )


@watchdog_required
def request_detail(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """One body's request: dates and state, timeline, replies coded question by question,
    documents, and the forms to record what happened."""
    return _request_page(request, _request(name, code))


def _request_page(
    request: HttpRequest,
    foi_request: Request,
    refused: forms.BaseForm | None = None,
    *,
    at: tuple[str, int, str] = ("", 0, ""),
) -> HttpResponse:
    """The request page; ``refused`` is a form as posted, with its errors, shown in its place
    (``at`` says which: ``("code", reply, qid)``, ``("correct", reply, "")`` or the context
    name of one of the page's other forms) and in the error summary at the top."""
    place, at_reply, at_qid = at

    def chosen(key: str, reply: int = 0, qid: str = "") -> forms.BaseForm | None:
        return refused if (place, at_reply, at_qid) == (key, reply, qid) else None

    definition = definition_of(foi_request.campaign.definition)
    facts = request_facts(foi_request)
    status = request_status(facts, timezone.now())
    files = list(foi_request.attachments.all())
    choices = [(a.pk, a.name) for a in files]
    replies = []
    for reply in foi_request.replies.order_by("-received_at", "-id"):
        current = next(r for r in facts.replies if r.key == reply.pk)
        current = corrected(current, facts.corrections, timezone.now())
        view = replace(status, reply=current)
        questions = []
        for number, question in enumerate(definition.questions, 1):
            answer = current.answers.get(question.id)
            state, value = question_status(view, question.id)
            source = (answer.source or {}) if answer else {}
            questions.append(
                {
                    "number": number,
                    "question": question,
                    "state": state.replace("_", " "),
                    "value": value_cell(definition, question.id, value)
                    if value is not None
                    else "",
                    "source": source,
                    "source_name": next(
                        (a.name for a in files if a.pk == source.get("attachment")), ""
                    ),
                    "form": chosen("code", reply.pk, question.id)
                    or _code_form(
                        reply.pk,
                        question.id,
                        choices,
                        initial={
                            "value": value_cell(definition, question.id, answer.value)
                            if answer and answer.value is not None
                            else "",
                            "outcome": (answer.outcome or "") if answer else "",
                            "exemptions": "; ".join(answer.exemptions) if answer else "",
                            "attachment": source.get("attachment"),
                            "page": source.get("page", ""),
                        },
                    ),
                }
            )
        replies.append(
            {
                "reply": reply,
                "current": current,
                "outcome": OUTCOME_LABELS[current.outcome],
                "questions": questions,
                "correct_form": chosen("correct", reply.pk) or _correct_form(reply.pk),
            }
        )
    return render(
        request,
        "foi/request.html",
        {
            "foi_request": foi_request,
            "campaign": foi_request.campaign,
            "body": foi_request.body,
            "status": status,
            "state_label": STATE_LABELS[status.state],
            "state_tag": STATE_TAGS[status.state],
            "timeline": timeline_rows(foi_request, personal=True),
            "replies": replies,
            "files": files,
            "event_form": chosen("event_form") or EventForm(labels=EVENT_LABELS, auto_id=EVENT_IDS),
            "reply_form": chosen("reply_form") or ReplyForm(auto_id=REPLY_IDS),
            "attachment_form": chosen("attachment_form") or AttachmentForm(auto_id=ATTACH_IDS),
            "reasons_form": chosen("reasons_form") or ReasonsForm(auto_id=REVIEW_IDS),
            "refused": refused,
            "overdue": status.state in {"overdue", "very_overdue"},
        },
        status=400 if refused is not None else 200,
    )


@watchdog_required
@require_POST
def event(request: HttpRequest, name: str, code: str) -> HttpResponse:
    foi_request = _request(name, code)
    form = EventForm(request.POST, labels=EVENT_LABELS, auto_id=EVENT_IDS)
    if not form.is_valid():
        return _request_page(request, foi_request, form, at=("event_form", 0, ""))
    data: dict[str, Any] = {}
    if form.cleaned_data["kind"] == "extension" and form.cleaned_data["extra_days"]:
        data["extra_days"] = form.cleaned_data["extra_days"]
    try:
        record_event(
            foi_request,
            form.cleaned_data["kind"],
            _day(form.cleaned_data["on"]),
            actor=_actor(request),
            note=form.cleaned_data["note"],
            data=data,
        )
    except CampaignError as exc:
        form.add_error(None, str(exc))
        return _request_page(request, foi_request, form, at=("event_form", 0, ""))
    messages.success(request, f"Recorded: {EVENT_LABELS[form.cleaned_data['kind']]}.")
    return _back(foi_request, "timeline")


def _too_large(request: HttpRequest, name: str, code: str) -> HttpResponse:
    return render(
        request,
        "foi/too_large.html",
        {"limit": docs.attachment_max_bytes(), "name": name, "code": code},
        status=413,
    )


def _store(
    request: HttpRequest, foi_request: Request, upload: Any, reply: Reply | None, public: bool
) -> Attachment:
    return docs.store_attachment(
        foi_request,
        upload.name or "document",
        upload.chunks(),
        actor=_actor(request),
        reply=reply,
        personal_data=not public,
    )


@upload_limited(docs.attachment_max_bytes, _too_large)
@watchdog_required
@require_POST
def reply(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """Record a reply (and optionally its document)."""
    foi_request = _request(name, code)
    form = ReplyForm(request.POST, request.FILES, auto_id=REPLY_IDS)
    at = ("reply_form", 0, "")
    if not form.is_valid():
        return _request_page(request, foi_request, form, at=at)
    data = form.cleaned_data
    try:
        exemptions = [str(c) for c in parse_citations(data["exemptions"])]
    except ValueProblem as exc:
        form.add_error("exemptions", f"Exemptions cited: {exc}")
        return _request_page(request, foi_request, form, at=at)
    try:
        recorded = record_reply(
            foi_request,
            received_at=_day(data["received"]),
            outcome=data["outcome"],
            exemptions=exemptions,
            summary=data["summary"],
            referred_to=data["referred_to"],
            review=data["review"],
            actor=_actor(request),
            channel=Channel.WEB,
        )
    except CampaignError as exc:
        form.add_error(None, str(exc))
        return _request_page(request, foi_request, form, at=at)
    if data["document"] is not None:
        try:
            _store(request, foi_request, data["document"], recorded, data["public"])
        except CampaignError as exc:  # the reply is recorded: only its document is refused
            messages.error(request, f"Reply recorded, but not its document: {exc}")
            return _back(foi_request, "documents")
    messages.success(request, "Reply recorded. Code its answers question by question below.")
    return _back(foi_request, f"reply-{recorded.pk}")


@upload_limited(docs.attachment_max_bytes, _too_large)
@watchdog_required
@require_POST
def attach(request: HttpRequest, name: str, code: str) -> HttpResponse:
    foi_request = _request(name, code)
    form = AttachmentForm(request.POST, request.FILES, auto_id=ATTACH_IDS)
    if not form.is_valid():
        return _request_page(request, foi_request, form, at=("attachment_form", 0, ""))
    latest = foi_request.replies.order_by("-received_at", "-id").first()
    try:
        _store(
            request, foi_request, form.cleaned_data["document"], latest, form.cleaned_data["public"]
        )
    except CampaignError as exc:
        form.add_error("document", str(exc))
        return _request_page(request, foi_request, form, at=("attachment_form", 0, ""))
    messages.success(request, "Document stored.")
    return _back(foi_request, "documents")


@watchdog_required
@require_POST
def code_question(request: HttpRequest, name: str, code: str, reply: int, qid: str) -> HttpResponse:
    """Code one question of a reply: value, outcome, exemptions and where it was found."""
    foi_request = _request(name, code)
    target = get_object_or_404(Reply, pk=reply, request=foi_request)
    definition = definition_of(foi_request.campaign.definition)
    try:
        definition.question(qid)
    except KeyError:
        raise Http404("no such question") from None
    choices = [(a.pk, a.name) for a in foi_request.attachments.all()]
    form = _code_form(reply, qid, choices, request.POST)
    if not form.is_valid():
        return _request_page(request, foi_request, form, at=("code", reply, qid))
    data = form.cleaned_data
    source = None
    if data["attachment"] is not None or data["page"]:
        source = {"attachment": data["attachment"], "page": data["page"]}
    try:
        changes = code_answer(
            target,
            qid,
            value=data["value"],
            outcome=data["outcome"],
            exemptions=data["exemptions"],
            source=source,
            actor=_actor(request),
            reason=data["reason"],
        )
    except CampaignError as exc:
        form.add_error(None, f"Question {definition.number(qid)}: {exc}")
        return _request_page(request, foi_request, form, at=("code", reply, qid))
    messages.success(
        request,
        f"Question {definition.number(qid)}: {len(changes)} change(s) saved."
        if changes
        else f"Question {definition.number(qid)}: nothing changed.",
    )
    return _back(foi_request, f"code-{reply}-{qid}")


@watchdog_required
@require_POST
def correct(request: HttpRequest, name: str, code: str, reply: int) -> HttpResponse:
    foi_request = _request(name, code)
    target = get_object_or_404(Reply, pk=reply, request=foi_request)
    form = _correct_form(reply, request.POST)
    if not form.is_valid():
        return _request_page(request, foi_request, form, at=("correct", reply, ""))
    try:
        correct_value(
            target,
            question="",
            field=form.cleaned_data["field"],
            text=form.cleaned_data["value"],
            reason=form.cleaned_data["reason"],
            actor=_actor(request),
        )
    except CampaignError as exc:
        form.add_error(None, str(exc))
        return _request_page(request, foi_request, form, at=("correct", reply, ""))
    messages.success(request, "Correction saved, with its reason.")
    return _back(foi_request, "timeline")


@watchdog_required
@require_POST
def chase(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """Send (or only log) a chaser drafted from the campaign's template."""
    foi_request = _request(name, code)
    send = request.POST.get("how") == "send"
    try:
        send_draft(draft_chaser(foi_request), actor=_actor(request), send=send)
    except CampaignError as exc:
        messages.error(request, str(exc))
        return _back(foi_request)
    messages.success(request, "Chaser sent." if send else "Chaser logged.")
    return _back(foi_request, "timeline")


@watchdog_required
@require_POST
def review(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """Ask for an internal review (sent or logged), drafted from the campaign's template."""
    foi_request = _request(name, code)
    form = ReasonsForm(request.POST, auto_id=REVIEW_IDS)
    if not form.is_valid():
        return _request_page(request, foi_request, form, at=("reasons_form", 0, ""))
    send = request.POST.get("how") == "send"
    try:
        send_draft(
            draft_review(foi_request, form.cleaned_data["reasons"]),
            actor=_actor(request),
            send=send,
        )
    except CampaignError as exc:
        form.add_error(None, str(exc))
        return _request_page(request, foi_request, form, at=("reasons_form", 0, ""))
    messages.success(request, "Internal review asked for." if send else "Review request logged.")
    return _back(foi_request, "timeline")


@watchdog_required
def document(request: HttpRequest, name: str, code: str, pk: int) -> FileResponse:
    """Download a stored document (watchdog only; it may hold personal data)."""
    foi_request = _request(name, code)
    found = get_object_or_404(Attachment, pk=pk, request=foi_request)
    path = docs.attachment_path(found)
    if not path.exists():
        raise Http404("the stored file is missing")
    return FileResponse(path.open("rb"), as_attachment=True, filename=found.name)


@watchdog_required
def evidence(request: HttpRequest, name: str, code: str) -> FileResponse:
    """The request's evidence zip (it holds personal data: watchdog only)."""
    foi_request = _request(name, code)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_evidence(foi_request, handle)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"{foi_request.reference}-evidence.zip"
    )


@watchdog_required
@require_POST
def register(request: HttpRequest, name: str, code: str, pk: int) -> HttpResponse:
    """Import a reply's spreadsheet into the body's register in the background (the estate's
    import job), each change's reason being its provenance."""
    foi_request = _request(name, code)
    found = get_object_or_404(Attachment, pk=pk, request=foi_request)
    try:
        reason = docs.provenance(found)
        with docs.attachment_path(found).open("rb") as handle:
            start_import(
                foi_request.body,
                File(handle, name=f"reply.{found.kind}"),
                actor=_actor(request),
                reason=reason,
            )
    except (CampaignError, OSError) as exc:
        messages.error(request, f"Not imported: {exc}")
        return _back(foi_request, "documents")
    messages.success(
        request,
        f"Importing {found.name} into {foi_request.body.name}'s register in the background: "
        "its register page shows the progress.",
    )
    return _back(foi_request, "documents")
