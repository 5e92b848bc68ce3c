"""The watchdog's dashboard: rounds, per-body status, invitations, reopening, corrections."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from custodes import questionnaire as qcore
from custodes.findings import describe
from custodes.web.bodies.models import Body
from custodes.web.jobs.models import Job
from custodes.web.surveys.analysis import body_statuses, follow_up, round_findings
from custodes.web.surveys.choices import ReturnStatus
from custodes.web.surveys.forms import (
    CorrectionForm,
    EmailTextForm,
    ReasonForm,
    ReminderScheduleForm,
)
from custodes.web.surveys.lifecycle import (
    SurveyError,
    correct_answer,
    current_answers,
    definition_of,
    reopen_return,
    update_email_text,
)
from custodes.web.surveys.models import Activity, Invitation, Return, Round
from custodes.web.surveys.permissions import watchdog_required
from custodes.web.surveys.sending import (
    SEND_JOB,
    reminder_point,
    set_automatic_reminder,
    start_sending,
)
from custodes.web.surveys.tokens import issue_invitation, revoke_active_invitations

__all__ = [
    "body_detail",
    "correct",
    "dashboard",
    "email_text",
    "issue_link",
    "reminder_schedule",
    "reopen",
    "revoke_link",
    "round_detail",
    "send",
]


RECENT_JOBS = 3


def _actor(request: HttpRequest) -> str:
    return f"user:{request.user.get_username()}"


@watchdog_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every round with its return count."""
    rounds = Round.objects.select_related("recipient_list", "questionnaire").annotate(
        recipients=Count("recipient_list__bodies", distinct=True),
        submitted=Count("returns", filter=Q(returns__submissions__isnull=False), distinct=True),
    )
    return render(request, "surveys/dashboard.html", {"rounds": rounds})


@watchdog_required
def round_detail(request: HttpRequest, name: str) -> HttpResponse:
    """A round: headline findings, each body's status, who is outstanding, recent activity."""
    round_ = get_object_or_404(
        Round.objects.select_related("questionnaire", "recipient_list"), name=name
    )
    statuses = body_statuses(round_)
    result = round_findings(round_)
    send_jobs = list(Job.objects.for_object(round_).filter(kind=SEND_JOB)[:RECENT_JOBS])
    counts = {status: 0 for status in ReturnStatus}
    for row in statuses:
        counts[row.status] += 1
    context = {
        "round": round_,
        "synthetic": round_.synthetic,
        "statuses": statuses,
        "outstanding": [s for s in statuses if s.outstanding],
        "counts": [(status.label, counts[status]) for status in ReturnStatus],
        "result": result,
        "headlines": [(f, describe(f, result)) for f in result.findings],
        "follow_ups": len(follow_up(round_, result)),
        "activity": Activity.objects.filter(round=round_).select_related("body")[:50],
        "not_invited": sum(1 for s in statuses if s.status == ReturnStatus.NOT_INVITED),
        "send_jobs": send_jobs,
        "sending": any(not job.finished for job in send_jobs),
        "form_key": secrets.token_urlsafe(16),
        "reminder_point": reminder_point(round_),
    }
    return render(request, "surveys/round_detail.html", context)


@watchdog_required
@require_POST
def send(request: HttpRequest, name: str) -> HttpResponse:
    """Invite bodies not yet invited, or remind every outstanding body, in a background job
    whose progress the round page shows. The form's key makes a double submission one job."""
    round_ = get_object_or_404(Round, name=name)
    reminder = request.POST.get("kind") == "reminder"
    statuses = body_statuses(round_)
    if reminder:
        bodies = [s.body for s in statuses if s.outstanding and s.status != "not_invited"]
    else:
        bodies = [s.body for s in statuses if s.status == ReturnStatus.NOT_INVITED]
    noun = "reminder" if reminder else "invitation"
    if not bodies:
        messages.info(request, f"Nobody to send {noun}s to.")
        return redirect("surveys:round", name=round_.name)
    form_key = request.POST.get("form_key", "")[:64]
    job = start_sending(
        round_,
        bodies,
        reminder=reminder,
        actor=_actor(request),
        idempotency_key=f"send:{round_.pk}:{form_key}" if form_key else None,
    )
    messages.success(
        request, f"Sending {len(bodies)} {noun}(s) in the background: progress is shown below."
    )
    return redirect(reverse("surveys:round", args=[round_.name]) + f"#job-{job.pk}")


@watchdog_required
@require_POST
def reminder_schedule(request: HttpRequest, name: str) -> HttpResponse:
    """Set (or clear) the round's automatic reminder, in days before it closes."""
    round_ = get_object_or_404(Round, name=name)
    form = ReminderScheduleForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reminder_days_before_close", []):
            messages.error(request, f"Automatic reminder: {error}")
        return redirect("surveys:round", name=name)
    set_automatic_reminder(
        round_, form.cleaned_data["reminder_days_before_close"], actor=_actor(request)
    )
    messages.success(request, "Automatic reminder saved.")
    return redirect("surveys:round", name=name)


def _body_context(round_: Round, body: Body) -> dict:
    record = Return.objects.filter(round=round_, body=body).first()
    definition = definition_of(round_.questionnaire)
    answers = current_answers(record) if record else {}
    rows = []
    for block in definition.blocks:
        for question in block.questions:
            if question.id in answers:
                value = answers[question.id]
                rows.append(
                    (
                        block.title,
                        question,
                        "; ".join(map(str, value)) if isinstance(value, list) else value,
                    )
                )
    return {
        "round": round_,
        "synthetic": round_.synthetic,
        "body": body,
        "record": record,
        "answer_rows": rows,
        "submissions": record.submissions.all() if record else [],
        "corrections": record.corrections.all() if record else [],
        "invitations": Invitation.objects.filter(round=round_, body=body),
        "status": next(s for s in body_statuses(round_) if s.body.pk == body.pk),
        "question_choices": [(q.id, f"{q.id}: {q.text}") for q in definition.questions()],
    }


@watchdog_required
def body_detail(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """One body's return: answers now, history of submissions and corrections, its link."""
    round_ = get_object_or_404(Round, name=name)
    body = get_object_or_404(round_.recipient_list.bodies, code=code)
    context = _body_context(round_, body)
    context["correction_form"] = CorrectionForm(question_choices=context["question_choices"])
    context["reason_form"] = ReasonForm()
    return render(request, "surveys/body_detail.html", context)


@watchdog_required
@require_POST
def correct(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """Correct one answer, with a reason; the original stays on record."""
    round_ = get_object_or_404(Round, name=name)
    body = get_object_or_404(round_.recipient_list.bodies, code=code)
    context = _body_context(round_, body)
    form = CorrectionForm(request.POST, question_choices=context["question_choices"])
    if form.is_valid() and context["record"] is not None:
        try:
            correct_answer(
                context["record"],
                form.cleaned_data["question_id"],
                form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
                actor=_actor(request),
                user=request.user,
            )
        except (SurveyError, qcore.QuestionnaireError) as exc:
            form.add_error("value", str(exc))
        else:
            messages.success(request, "Answer corrected. The original stays on record.")
            return redirect("surveys:body", name=name, code=code)
    elif context["record"] is None:
        form.add_error(None, "This body has no return to correct.")
    context.update(correction_form=form, reason_form=ReasonForm())
    return render(request, "surveys/body_detail.html", context, status=400)


@watchdog_required
@require_POST
def reopen(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """Make a submitted return editable by its body again."""
    round_ = get_object_or_404(Round, name=name)
    record = get_object_or_404(Return, round=round_, body__code=code)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            reopen_return(record, actor=_actor(request), reason=form.cleaned_data["reason"])
            messages.success(request, "Return reopened: the body can change and resubmit it.")
        except SurveyError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "Give a reason for reopening.")
    return redirect("surveys:body", name=name, code=code)


@watchdog_required
@require_POST
def issue_link(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """A fresh link for the body, shown once on this page (for sending by another route)."""
    from custodes.web.surveys.notifications import respondent_link

    round_ = get_object_or_404(Round, name=name)
    body = get_object_or_404(round_.recipient_list.bodies, code=code)
    _, token = issue_invitation(round_, body, actor=_actor(request))
    context = _body_context(round_, body)
    context.update(
        correction_form=CorrectionForm(question_choices=context["question_choices"]),
        reason_form=ReasonForm(),
        new_link=respondent_link(token, request.build_absolute_uri("/")),
    )
    return render(request, "surveys/body_detail.html", context)


@watchdog_required
@require_POST
def revoke_link(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """Withdraw the body's link at once."""
    round_ = get_object_or_404(Round, name=name)
    body = get_object_or_404(round_.recipient_list.bodies, code=code)
    revoke_active_invitations(round_, body, actor=_actor(request))
    messages.success(request, "Link revoked. Issue a new one when needed.")
    return redirect("surveys:body", name=name, code=code)


@watchdog_required
def email_text(request: HttpRequest, name: str) -> HttpResponse:
    """Edit the invitation and reminder emails of a round."""
    round_ = get_object_or_404(Round, name=name)
    form = EmailTextForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        update_email_text(round_, form.cleaned_data, actor=_actor(request))
        messages.success(request, "Email text saved.")
        return redirect("surveys:round", name=name)
    return render(request, "surveys/email_text.html", {"round": round_, "form": form})
