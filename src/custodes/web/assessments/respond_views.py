"""A body's own assessments, reached through its secret link (the respondent's session).

The body comes only from the session's invitation (``surveys.views.respond.respondent_view``),
never from the address: an assessment id of another body answers 404. Every page works
without JavaScript: one form per purpose, save and come back later, an error summary.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from custodes import sat
from custodes.web.assessments import services
from custodes.web.assessments.choices import OPEN_STATUSES, ActionStatus, Status
from custodes.web.assessments.forms import (
    ActionForm,
    ActionStatusForm,
    CompleteForm,
    EvidenceForm,
    PrincipleForm,
    StartForm,
)
from custodes.web.assessments.models import ActionItem, Assessment, Evidence
from custodes.web.assessments.presentation import principle_rows
from custodes.web.core.form_errors import field_error_tag
from custodes.web.core.uploads import upload_limited
from custodes.web.surveys.views.respond import Respondent, respondent_view

__all__ = ["action_status", "evidence_file", "mine", "overview", "principle", "publish"]

DEFAULT_FRAMEWORK = "scc-2013"
ACTION_LATER = "later"


def evidence_max_bytes() -> int:
    """Largest evidence file accepted through the web form."""
    return int(getattr(settings, "SAT_EVIDENCE_MAX_BYTES", 20_000_000))


def _own(respondent: Respondent, pk: int) -> Assessment:
    """The assessment ``pk`` if it belongs to the session's body; 404 otherwise."""
    return get_object_or_404(
        Assessment.objects.select_related("body"), pk=pk, body=respondent.invitation.body
    )


def _status_form(item: ActionItem, data: Any = None) -> ActionStatusForm:
    """The progress form of one action item; its ids name the item (one form per item)."""
    return ActionStatusForm(
        data,
        auto_id=f"action-{item.pk}-%s",
        initial={"status": item.status, "closure_evidence": item.closure_evidence},
    )


@require_http_methods(["GET", "POST"])
@respondent_view
def mine(request: HttpRequest, respondent: Respondent) -> HttpResponse:
    """The body's assessments and a form to start a new one."""
    body = respondent.invitation.body
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.start_assessment(
                body,
                framework_id=DEFAULT_FRAMEWORK,
                systems=form.cleaned_data["systems"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                author_role=form.cleaned_data["author_role"],
                actor=respondent.actor,
            )
        except services.AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("assessments:own", pk=assessment.pk)
    assessments = Assessment.objects.filter(body=body).order_by("-created_at", "-id")
    return render(
        request,
        "assessments/own_list.html",
        respondent.context(
            assessments=assessments,
            form=form,
            framework=sat.shipped_framework(DEFAULT_FRAMEWORK),
            labels=sat.system_labels(),
        ),
    )


@require_http_methods(["GET", "POST"])
@respondent_view
def overview(request: HttpRequest, respondent: Respondent, pk: int) -> HttpResponse:
    """An assessment's principles with their status; completing it."""
    assessment = _own(respondent, pk)
    form = CompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_assessment(
                assessment,
                assessed_on=form.cleaned_data["assessed_on"],
                published_url=form.cleaned_data["published_url"],
                actor=respondent.actor,
            )
        except services.AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Assessment completed.")
            return redirect("assessments:own", pk=assessment.pk)
    return _overview_page(request, respondent, assessment, form)


def _overview_page(
    request: HttpRequest,
    respondent: Respondent,
    assessment: Assessment,
    form: CompleteForm,
    refused: tuple[ActionItem, ActionStatusForm] | None = None,
) -> HttpResponse:
    """The overview, with ``form`` as posted and ``refused``, an action item's progress form
    as posted, shown with its errors in its place and in the error summary."""
    items = list(assessment.actions.filter(status__in=OPEN_STATUSES))
    if refused and refused[0] not in items:  # closed meanwhile: show it with its error
        items.append(refused[0])
    actions = [
        (item, refused[1] if refused and refused[0].pk == item.pk else _status_form(item))
        for item in items
    ]
    return render(
        request,
        "assessments/own_overview.html",
        respondent.context(
            assessment=assessment,
            rows=principle_rows(assessment),
            form=form,
            status_form=refused[1] if refused else None,
            labels=sat.system_labels(),
            open_actions=actions,
            public_url=(
                reverse("sat-public:page", args=[assessment.public_slug])
                if assessment.public_slug
                else None
            ),
        ),
    )


def _evidence_too_large(request: HttpRequest, respondent: Respondent, **kwargs: Any):
    messages.error(
        request,
        f"The file is larger than the limit of {filesizeformat(evidence_max_bytes())}.",
        extra_tags=field_error_tag("id_file"),
    )
    return redirect(request.path)


@require_http_methods(["GET", "POST"])
@respondent_view
@upload_limited(evidence_max_bytes, refuse=_evidence_too_large)
def principle(request: HttpRequest, respondent: Respondent, pk: int, number: int) -> HttpResponse:
    """One principle: questions, rating and rationale; action items; evidence."""
    assessment = _own(respondent, pk)
    framework = sat.shipped_framework(assessment.framework)
    try:
        spec = framework.principle(number)
    except KeyError:
        raise Http404("no such principle") from None
    result = assessment.results.get(principle=number)
    editable = assessment.status == Status.DRAFT
    which = request.POST.get("form") if request.method == "POST" else None
    initial = {
        "version": assessment.version,
        "rating": result.rating,
        "rationale": result.rationale,
    }
    initial.update(result.answers)
    main = PrincipleForm(
        request.POST if which == "principle" else None, initial=initial, principle=spec
    )
    action = ActionForm(request.POST if which == "action" else None)
    evidence = EvidenceForm(
        request.POST if which == "evidence" else None,
        request.FILES if which == "evidence" else None,
        framework=framework,
        principle=spec,
    )
    evidence.fields["file"].help_text = f"Up to {filesizeformat(evidence_max_bytes())}."
    if request.method == "POST" and editable:
        done = _handle(request, respondent, assessment, number, which, main, action, evidence)
        if done is not None:
            return done
    elif request.method == "POST":
        messages.error(request, "This assessment is completed and can no longer be changed.")
        return redirect("assessments:own", pk=assessment.pk)
    return render(
        request,
        "assessments/own_principle.html",
        respondent.context(
            assessment=assessment,
            principle=spec,
            result=result,
            editable=editable,
            main=main,
            action_form=action,
            evidence_form=evidence,
            actions=assessment.actions.filter(principle=number).exclude(
                status=ActionStatus.CARRIED_OVER
            ),
            evidence=assessment.evidence.filter(principle=number),
            framework=framework,
            previous=number - 1 if number > 1 else None,
            next=number + 1 if number < len(framework.principles) else None,
            max_bytes=evidence_max_bytes(),
        ),
    )


def _handle(
    request: HttpRequest,
    respondent: Respondent,
    assessment: Assessment,
    number: int,
    which: str | None,
    main: PrincipleForm,
    action: ActionForm,
    evidence: EvidenceForm,
) -> HttpResponse | None:
    """Saves whichever form was sent; a redirect when saved, None to show the page again."""
    here = reverse("assessments:own-principle", args=[assessment.pk, number])
    try:
        if which == "principle" and main.is_valid():
            services.save_principle(
                assessment,
                number,
                answers=main.answers(),
                rating=sat.Rating(main.cleaned_data["rating"]),
                rationale=main.cleaned_data["rationale"],
                version=main.cleaned_data["version"],
                actor=respondent.actor,
            )
            messages.success(request, f"Principle {number} saved.")
            last = number >= len(sat.shipped_framework(assessment.framework).principles)
            if request.POST.get("action") == ACTION_LATER or last:
                return redirect("assessments:own", pk=assessment.pk)
            return redirect("assessments:own-principle", pk=assessment.pk, number=number + 1)
        if which == "action" and action.is_valid():
            services.add_action(assessment, number, actor=respondent.actor, **action.cleaned_data)
            messages.success(request, "Action added to the plan.")
            return redirect(here + "#actions")
        if which == "evidence" and evidence.is_valid():
            data = evidence.cleaned_data
            upload = data["file"]
            services.add_evidence(
                assessment,
                number,
                evidence_type=data["evidence_type"],
                title=data["title"],
                dated=data["dated"],
                url=data["url"] or "",
                upload=upload,
                file_name=upload.name if upload else "",
                public=data["public"],
                actor=respondent.actor,
            )
            messages.success(request, "Evidence added.")
            return redirect(here + "#evidence")
    except services.AssessmentChanged as exc:
        main.add_error(None, str(exc))
        assessment.refresh_from_db()
        main.data = main.data.copy()
        main.data["version"] = str(assessment.version)
    except services.AssessmentError as exc:
        form = {"principle": main, "action": action, "evidence": evidence}.get(which or "", main)
        form.add_error(None, str(exc))
    return None


@require_POST
@respondent_view
def action_status(request: HttpRequest, respondent: Respondent, pk: int, item: int) -> HttpResponse:
    """Records progress on one of the body's action items."""
    assessment = _own(respondent, pk)
    target = get_object_or_404(ActionItem, pk=item, assessment=assessment)
    form = _status_form(target, request.POST)
    if form.is_valid():
        try:
            services.set_action_status(
                target,
                status=ActionStatus(form.cleaned_data["status"]),
                closure_evidence=form.cleaned_data["closure_evidence"],
                actor=respondent.actor,
            )
        except services.AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Action updated.")
            return redirect("assessments:own", pk=assessment.pk)
    return _overview_page(request, respondent, assessment, CompleteForm(), (target, form))


@require_POST
@respondent_view
def publish(request: HttpRequest, respondent: Respondent, pk: int) -> HttpResponse:
    """Publishes a completed assessment at its stable public address."""
    assessment = _own(respondent, pk)
    try:
        services.publish_assessment(assessment, actor=respondent.actor)
        messages.success(request, "Assessment published.")
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    return redirect("assessments:own", pk=assessment.pk)


@require_GET
@respondent_view
def evidence_file(request: HttpRequest, respondent: Respondent, pk: int, item: int) -> HttpResponse:
    """Downloads one of the body's own evidence files."""
    assessment = _own(respondent, pk)
    evidence = get_object_or_404(Evidence, pk=item, assessment=assessment)
    return file_response(evidence)


def file_response(evidence: Evidence) -> FileResponse:
    """The stored file of an evidence item as a download (404 when it has none)."""
    path = services.evidence_path(evidence)
    if path is None or not path.is_file():
        raise Http404("no file")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=evidence.file_name or evidence.sha256
    )
