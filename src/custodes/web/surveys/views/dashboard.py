"""The watchdog's dashboard: rounds, per-body status, invitations, reopening, corrections."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from custodes import questionnaire as qcore
from custodes.findings import describe
from custodes.questionnaire import AnswerType
from custodes.web.bodies.models import Body
from custodes.web.jobs.models import Job
from custodes.web.surveys.analysis import body_statuses, follow_up, round_findings
from custodes.web.surveys.choices import ReturnStatus
from custodes.web.surveys.forms import (
    CorrectionForm,
    EmailTextForm,
    QuestionPickForm,
    ReasonForm,
    ReminderScheduleForm,
    SendForm,
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
from custodes.web.surveys.notifications import answer_by, round_closed
from custodes.web.surveys.permissions import watchdog_required
from custodes.web.surveys.sending import (
    SEND_JOB,
    plan_sending,
    reminder_point,
    set_automatic_reminder,
    start_sending,
)
from custodes.web.surveys.tokens import issue_invitation, revoke_active_invitations
from custodes.web.surveys.views.respond_fields import answer_lines

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


def _round_context(round_: Round) -> dict:
    statuses = body_statuses(round_)
    result = round_findings(round_)
    send_jobs = list(Job.objects.for_object(round_).filter(kind=SEND_JOB)[:RECENT_JOBS])
    counts = {status: 0 for status in ReturnStatus}
    for row in statuses:
        counts[row.status] += 1
    closed = round_closed(round_)
    point = reminder_point(round_)
    reminder_form = ReminderScheduleForm(
        initial={"reminder_days_before_close": round_.reminder_days_before_close}
    )
    reminder_form.fields["reminder_days_before_close"].help_text = (
        f"Due {timezone.localtime(point):%d %B %Y %H:%M}; each body is reminded once."
        if point
        else "Leave empty for no automatic reminder."
    )
    return {
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
        "reminder_point": point,
        "closed": closed,
        "send_form": SendForm(closed=closed, initial={"kind": "invitation"}),
        "reminder_form": reminder_form,
    }


@watchdog_required
def round_detail(request: HttpRequest, name: str) -> HttpResponse:
    """A round: headline findings, each body's status, who is outstanding, recent activity."""
    round_ = get_object_or_404(
        Round.objects.select_related("questionnaire", "recipient_list"), name=name
    )
    return render(request, "surveys/round_detail.html", _round_context(round_))


def _names(bodies: list[Body]) -> str:
    return ", ".join(body.name for body in bodies)


@watchdog_required
@require_POST
def send(request: HttpRequest, name: str) -> HttpResponse:
    """Invite bodies not yet invited, or remind every outstanding body, in a background job
    whose progress the round page shows. The form's key makes a double submission one job.
    The page says how many are sent and why each other outstanding body is not; a round that
    has closed needs a new deadline for the emails to give."""
    round_ = get_object_or_404(
        Round.objects.select_related("questionnaire", "recipient_list"), name=name
    )
    form = SendForm(request.POST, closed=round_closed(round_))
    deadline = None
    if form.is_valid():
        day = form.cleaned_data.get("deadline")
        try:
            deadline = answer_by(round_, day)
        except SurveyError:
            closed = f"{timezone.localtime(round_.closes_at):%d %B %Y}"
            form.add_error(
                "deadline",
                f"Enter a new deadline for these bodies: the round closed on {closed}"
                if day is None
                else "The new deadline must be a date in the future",
            )
    if not form.is_valid():
        context = _round_context(round_)
        context["send_form"] = form
        return render(request, "surveys/round_detail.html", context, status=400)
    reminder = form.cleaned_data["kind"] == "reminder"
    noun = "reminder" if reminder else "invitation"
    plan = plan_sending(round_, reminder=reminder)
    for reason, bodies in plan.skipped.items():
        messages.warning(
            request,
            f"Not sent to {len(bodies)} outstanding bod{'y' if len(bodies) == 1 else 'ies'}, "
            f"{reason}: {_names(bodies)}.",
        )
    if not plan.bodies:
        messages.info(request, f"No {noun}s sent: no outstanding body can be sent one.")
        return redirect("surveys:round", name=round_.name)
    form_key = form.cleaned_data["form_key"]
    job = start_sending(
        round_,
        plan.bodies,
        reminder=reminder,
        actor=_actor(request),
        idempotency_key=f"send:{round_.pk}:{form_key}" if form_key else None,
        answer_by=deadline,
    )
    count = len(plan.bodies)
    messages.success(
        request,
        f"Sending {count} {noun}{pluralize(count)} in the background"
        + (f", asking for an answer by {deadline:%d %B %Y}" if deadline else "")
        + ": progress is shown below.",
    )
    return redirect(reverse("surveys:round", args=[round_.name]) + f"#job-{job.pk}")


def _sentence(text: str) -> str:
    """A service error as a sentence for a page: capital first letter."""
    return text[:1].upper() + text[1:]


@watchdog_required
@require_POST
def reminder_schedule(request: HttpRequest, name: str) -> HttpResponse:
    """Set (or clear) the round's automatic reminder, in days before it closes."""
    round_ = get_object_or_404(
        Round.objects.select_related("questionnaire", "recipient_list"), name=name
    )
    form = ReminderScheduleForm(request.POST)
    if not form.is_valid():
        context = _round_context(round_)
        form.fields["reminder_days_before_close"].help_text = (
            context["reminder_form"].fields["reminder_days_before_close"].help_text
        )
        context["reminder_form"] = form
        return render(request, "surveys/round_detail.html", context, status=400)
    set_automatic_reminder(
        round_, form.cleaned_data["reminder_days_before_close"], actor=_actor(request)
    )
    messages.success(request, "Automatic reminder saved.")
    return redirect("surveys:round", name=name)


def _shown(question: qcore.Question, value: Any) -> str:
    """An answer in words: the questionnaire's labels, never its internal codes."""
    return "; ".join(answer_lines(question, value))


def _body_context(request: HttpRequest, round_: Round, body: Body) -> dict:
    record = Return.objects.filter(round=round_, body=body).first()
    definition = definition_of(round_.questionnaire)
    answers = current_answers(record) if record else {}
    rows = [
        (block.title, question, _shown(question, answers[question.id]))
        for block in definition.blocks
        for question in block.questions
        if question.id in answers
    ]
    questions = {question.id: question for question in definition.questions()}
    corrections = []
    for correction in record.corrections.all() if record else []:
        question = questions.get(correction.question_id)
        corrections.append(
            {
                "record": correction,
                "question": question.text if question else correction.question_id,
                "old": _shown(question, correction.old_value) if question else "",
                "new": _shown(question, correction.new_value) if question else "",
            }
        )
    return {
        "round": round_,
        "synthetic": round_.synthetic,
        "body": body,
        "record": record,
        "answer_rows": rows,
        "submissions": record.submissions.all() if record else [],
        "corrections": corrections,
        "invitations": Invitation.objects.filter(round=round_, body=body),
        "has_active_link": Invitation.objects.filter(
            round=round_, body=body, revoked_at__isnull=True
        ).exists(),
        "status": next(s for s in body_statuses(round_) if s.body.pk == body.pk),
        "can_correct": bool(record and record.submissions.exists()),
        # A new link is shown once, on the page the issuing POST redirects to.
        "new_link": request.session.pop(_new_link_key(round_, body), None),
    }


def _new_link_key(round_: Round, body: Body) -> str:
    return f"new-link:{round_.pk}:{body.pk}"


def _body(name: str, code: str) -> tuple[Round, Body]:
    round_ = get_object_or_404(
        Round.objects.select_related("questionnaire", "recipient_list"), name=name
    )
    return round_, get_object_or_404(round_.recipient_list.bodies, code=code)


@watchdog_required
def body_detail(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """One body's return: answers now, history of submissions and corrections, its link."""
    round_, body = _body(name, code)
    context = _body_context(request, round_, body)
    context["reason_form"] = ReasonForm()
    return render(request, "surveys/body_detail.html", context)


@watchdog_required
def correct(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """Correct one answer, with a reason; the original stays on record.

    GET without ``question_id`` asks which answer; with it, shows the question's own answer
    controls. A valid POST saves and redirects to the body's page; an invalid one shows the
    page again with the error summary first."""
    round_, body = _body(name, code)
    record = Return.objects.filter(round=round_, body=body).first()
    if record is None or not record.submissions.exists():
        messages.error(request, f"{body.name} has not submitted a return to correct.")
        return redirect("surveys:body", name=name, code=code)
    definition = definition_of(round_.questionnaire)
    posted = request.method == "POST"
    question_id = (request.POST if posted else request.GET).get("question_id")
    if question_id is None and not posted:
        pick = QuestionPickForm(definition=definition)  # step one: which answer
    else:
        pick = QuestionPickForm({"question_id": question_id or ""}, definition=definition)
    context = {"round": round_, "synthetic": round_.synthetic, "body": body}
    if not pick.is_bound or not pick.is_valid():
        context["pick_form"] = pick
        status = 400 if pick.is_bound and pick.errors else 200
        return render(request, "surveys/correct.html", context, status=status)
    question = definition.question(pick.cleaned_data["question_id"])
    current = current_answers(record).get(question.id)
    if request.method == "POST":
        form = CorrectionForm(request.POST, question=question)
        if form.is_valid():
            try:
                correct_answer(
                    record,
                    question.id,
                    None,
                    value=form.cleaned_data["answer"],
                    reason=form.cleaned_data["reason"],
                    actor=_actor(request),
                    user=request.user,
                )
            except (SurveyError, qcore.QuestionnaireError) as exc:
                form.add_error("value", _sentence(str(exc)))
            else:
                messages.success(request, "Answer corrected. The original stays on record.")
                return redirect(reverse("surveys:body", args=[name, code]) + "#history")
    else:
        form = CorrectionForm(question=question, initial={"value": _initial(question, current)})
    context.update(question=question, current=_shown(question, current), form=form)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "surveys/correct.html", context, status=status)


def _initial(question: qcore.Question, value: Any) -> Any:
    """The current answer as the correction form's controls show it."""
    if value in (None, "", []):
        return None
    if isinstance(value, list):
        return "\n".join(map(str, value)) if question.type is AnswerType.MANUFACTURERS else value
    return str(value)


@watchdog_required
@require_POST
def reopen(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """Make a submitted return editable by its body again."""
    round_, body = _body(name, code)
    record = get_object_or_404(Return, round=round_, body=body)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            reopen_return(record, actor=_actor(request), reason=form.cleaned_data["reason"])
        except SurveyError as exc:
            messages.error(request, _sentence(str(exc)) + ".")
        else:
            messages.success(request, "Return reopened: the body can change and resubmit it.")
        return redirect("surveys:body", name=name, code=code)
    context = _body_context(request, round_, body)
    context["reason_form"] = form
    return render(request, "surveys/body_detail.html", context, status=400)


def _confirm(
    request: HttpRequest,
    round_: Round,
    body: Body,
    *,
    action: str,
    title: str,
    warning: str,
    button: str,
) -> HttpResponse:
    """The confirmation page of a destructive action: a plain form, so it needs no script."""
    context = {
        "round": round_,
        "synthetic": round_.synthetic,
        "body": body,
        "action": action,
        "title": title,
        "warning": warning,
        "button": button,
    }
    return render(request, "surveys/confirm.html", context)


@watchdog_required
def issue_link(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """A fresh link for the body, shown once on its page (for sending by another route).
    Any earlier link stops working, so the page asks first."""
    round_, body = _body(name, code)
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return _confirm(
            request,
            round_,
            body,
            action=reverse("surveys:issue-link", args=[name, code]),
            title=f"Issue a new link for {body.name}?",
            warning="Any earlier link stops working at once. The new link is shown only once.",
            button="Issue a new link",
        )
    from custodes.web.surveys.notifications import respondent_link

    _, token = issue_invitation(round_, body, actor=_actor(request))
    request.session[_new_link_key(round_, body)] = respondent_link(
        token, request.build_absolute_uri("/")
    )
    messages.success(request, "New link issued. Any earlier link has stopped working.")
    return redirect(reverse("surveys:body", args=[name, code]) + "#secret-link")


@watchdog_required
def revoke_link(request: HttpRequest, name: str, code: str) -> HttpResponse:
    """Withdraw the body's link at once, after asking."""
    round_, body = _body(name, code)
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return _confirm(
            request,
            round_,
            body,
            action=reverse("surveys:revoke-link", args=[name, code]),
            title=f"Revoke {body.name}'s link?",
            warning="The link stops working at once: the body cannot open or change its return "
            "until you issue a new link.",
            button="Revoke the link",
        )
    if revoke_active_invitations(round_, body, actor=_actor(request)):
        messages.success(request, "Link revoked. Issue a new one when needed.")
    else:
        messages.info(request, f"{body.name} had no active link: nothing was revoked.")
    return redirect(reverse("surveys:body", args=[name, code]) + "#secret-link")


@watchdog_required
def email_text(request: HttpRequest, name: str) -> HttpResponse:
    """Edit the invitation and reminder emails of a round."""
    round_ = get_object_or_404(Round, name=name)
    form = EmailTextForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        update_email_text(round_, form.cleaned_data, actor=_actor(request))
        messages.success(request, "Email text saved.")
        return redirect("surveys:round", name=name)
    return render(
        request,
        "surveys/email_text.html",
        {"round": round_, "synthetic": round_.synthetic, "form": form},
    )
