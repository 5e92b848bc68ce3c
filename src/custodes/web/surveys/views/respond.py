"""The respondent's form: a body's secret link, its task list, one page per block, submission.

A respondent is not a Django user. Opening ``/r/<token>/`` checks the token, cycles the session
key, keeps only the invitation's id in the session and redirects to ``/respond/``, so the token
leaves the address bar, the history and any Referer. Every later request re-reads that
invitation, refuses it once revoked or expired, and loads only that invitation's own return:
no URL carries a round, body or return id, so there is nothing to change to reach another
body's answers. The watchdog's pages (rounds, reports, API, admin) need a logged-in watchdog
account, which a respondent's session never is.

Failed token look-ups are counted per client address (``core.throttle``); past
``TOKEN_THROTTLE_LIMIT`` failures in ``TOKEN_THROTTLE_WINDOW_SECONDS`` every further failure
from that address is refused with 429 until the window ends, while a valid link from the same
address still opens. The address is ``REMOTE_ADDR``: a proxy in front must set it (a
client-supplied X-Forwarded-For would let guessers pick their own).
Tokens are never logged here; request logs pass through ``core.logging.RedactTokensFilter``.

Several people of one body may fill in its return at once. Each block page carries a signed
baseline: the block's answers as the page showed them. A save writes only the questions the
person changed; a question someone else changed in the meantime keeps their answer, and the
page comes back with the person's own input and a "changed by someone else" message naming
the other saved value (``lifecycle.save_draft`` does the comparison under the return's lock).

"Save and continue" checks the page's required questions (those that apply, given the answers
saved and posted) and, if one is unanswered, saves nothing and shows the page again with the
error summary; "Save and come back later" saves what is there, however incomplete, and marks
the section in progress. Every page shows the survey team's contact details (settings
``SURVEY_CONTACT_*``), and, once the round's closing date has passed, a late notice.

Language: English by default. A body whose roster entry lists Welsh (``cy``) is offered a
"English | Cymraeg" switch when the questionnaire carries Welsh; ``?lang=cy`` (or ``en``)
stores the choice in the session and redirects to the same page without the parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from custodes import questionnaire as qcore
from custodes.web.bodies.models import Body
from custodes.web.core.joined import JoinedRows, Part
from custodes.web.core.throttle import FailureThrottle, client_address
from custodes.web.surveys.lifecycle import (
    DEFINITION,
    AnswersInvalid,
    Conflict,
    SurveyError,
    current_answers,
    definition_of,
    open_invitation,
    return_for,
    save_draft,
    submit_return,
)
from custodes.web.surveys.models import Invitation, Questionnaire, Return, Round
from custodes.web.surveys.tokens import InvalidToken, hash_token, resolve_token
from custodes.web.surveys.views.respond_fields import (
    BlockStatus,
    answer_lines,
    block_status,
    build_fields,
    field_id,
    missing_required,
    raw_values,
    read_block,
    render_fields,
    rendered_questions,
    shown_questions,
    translated_message,
)

__all__ = [
    "SESSION_INVITATION",
    "SESSION_LANGUAGE",
    "block",
    "check",
    "done",
    "overview",
    "start",
    "survey_contact",
]

SESSION_INVITATION = "custodes.respondent.invitation"
SESSION_LANGUAGE = "custodes.respondent.language"
ENGLISH = "en"
LANGUAGE_PARAMETER = "lang"
# Django's language code for each language a respondent may choose.
DJANGO_LANGUAGES = {ENGLISH: "en-gb", qcore.WELSH: "cy"}
LINK_FAILURES = FailureThrottle("respond-links")
ACTION_LATER = "later"  # the "Save and come back later" button; "Save and continue" is the default
BASELINE_FIELD = "baseline"  # hidden field: the block's answers as the page showed them, signed
BASELINE_SALT = "custodes.respond.baseline"


@dataclass
class Respondent:
    """The one invitation a respondent's session holds, and that body's return."""

    invitation: Invitation
    record: Return
    language: str = ENGLISH

    @property
    def round(self) -> Round:
        return self.invitation.round

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """Languages offered: Welsh too for a Welsh body when the questionnaire has it."""
        offered = definition_of(self.round.questionnaire).languages
        return offered if self.invitation.body.welsh else offered[:1]

    @property
    def actor(self) -> str:
        """How the activity log names this respondent."""
        return f"respondent:{self.invitation.body.code}"

    @cached_property
    def definition(self) -> qcore.Questionnaire:
        """The questionnaire, its texts in the respondent's language."""
        return definition_of(self.round.questionnaire).in_language(self.language)

    @cached_property
    def answers(self) -> dict[str, Any]:
        """The draft while editable; the submitted answers (with corrections) once locked."""
        return current_answers(self.record) if self.record.locked else dict(self.record.draft)

    @cached_property
    def applicability(self) -> dict[str, bool | None]:
        return self.definition.applicability_map(self.answers)

    @property
    def deadline(self) -> datetime:
        """The date the body was asked to answer by: the round's closing date, or the new
        deadline it was given when invited after the round closed."""
        return self.invitation.answer_by or self.round.closes_at

    @property
    def late(self) -> bool:
        """The deadline has passed and the return is not submitted."""
        return not self.record.locked and timezone.now() > self.deadline

    def context(self, request: HttpRequest | None = None, **extra: Any) -> dict[str, Any]:
        """Template context every respondent page shares (the language switch needs the
        ``request``)."""
        return {
            "round": self.round,
            "round_title": self.definition.title
            if self.round.title == definition_of(self.round.questionnaire).title
            else self.round.title,
            "body": self.invitation.body,
            "record": self.record,
            "synthetic": self.round.synthetic,
            "contact": survey_contact(),
            "late": self.late,
            "deadline": self.deadline,
            "expires_at": self.invitation.expires_at,
            "language": self.language,
            "language_links": _language_links(request, self) if request is not None else [],
            **extra,
        }


def survey_contact() -> dict[str, str]:
    """The survey team's contact details from the settings (each may be empty)."""
    return {
        "name": settings.SURVEY_CONTACT_NAME,
        "email": settings.SURVEY_CONTACT_EMAIL,
        "phone": settings.SURVEY_CONTACT_PHONE,
    }


_LANGUAGE_NAMES = {ENGLISH: ("English", "en-GB"), qcore.WELSH: ("Cymraeg", "cy")}
_SWITCH_TO = {ENGLISH: "Change the language to English", qcore.WELSH: "Newid yr iaith i'r Gymraeg"}


def _language_links(request: HttpRequest, respondent: Respondent) -> list[dict[str, Any]]:
    """The "English | Cymraeg" switch: each language, the current one without a link."""
    if len(respondent.languages) < 2:
        return []
    return [
        {
            "code": code,
            "name": _LANGUAGE_NAMES[code][0],
            "lang": _LANGUAGE_NAMES[code][1],
            "current": code == respondent.language,
            "href": f"{request.path}?{LANGUAGE_PARAMETER}={code}",
            "switch_to": _SWITCH_TO[code],
        }
        for code in respondent.languages
    ]


# Refusals


def _refuse(
    request: HttpRequest, status: int, title: str, message: str, *, session_ended: bool = False
) -> HttpResponse:
    """A plain page that says why, and nothing about any body or return."""
    return render(
        request,
        "respond/refused.html",
        {
            "title": title,
            "message": message,
            "session_ended": session_ended,
            "contact": survey_contact(),
            "language": _session_language(request),
        },
        status=status,
    )


def _session_language(request: HttpRequest) -> str:
    language = request.session.get(SESSION_LANGUAGE)
    return language if language in DJANGO_LANGUAGES else ENGLISH


def _too_many_attempts(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = _refuse(
        request,
        429,
        gettext("Too many attempts"),
        gettext(
            "This link does not open a return, and there have been too many such attempts from "
            "your connection to say more for %(minutes)s minutes. Check that you used the whole "
            "link from the most recent email you were sent."
        )
        % {"minutes": max(1, round(retry_after / 60))},
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


# The link


@require_GET
def start(request: HttpRequest, token: str) -> HttpResponse:
    """Opens a session for the body behind ``token`` and moves the token out of the address."""
    try:
        invitation = resolve_token(token)
    except InvalidToken as error:
        if retry_after := LINK_FAILURES.record_failure(client_address(request)):
            return _too_many_attempts(request, retry_after)
        known = (
            Invitation.objects.filter(token_hash=hash_token(token)).exists()
            if (0 < len(token) <= 200)
            else False
        )
        return _refuse(
            request,
            410 if known else 404,
            gettext("This link no longer works") if known else gettext("This link is not valid"),
            str(error),
        )
    language = request.session.get(SESSION_LANGUAGE)
    same_link = request.session.get(SESSION_INVITATION) == invitation.pk
    # A new session, the old one deleted (no fixation, and nothing of another body's or of a
    # signed-in account carries over); it is written once, with the response.
    request.session.flush()
    request.session[SESSION_INVITATION] = invitation.pk
    if same_link and language:
        request.session[SESSION_LANGUAGE] = language  # the person's own choice stays
    open_invitation(invitation)
    return redirect("respond:overview")


def respondent_view(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Runs ``view(request, respondent, ...)`` for a session whose invitation is still usable,
    in the respondent's language."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with translation.override(DJANGO_LANGUAGES[_session_language(request)]):
            found = _respondent(request)
        if isinstance(found, HttpResponse):
            return found
        chosen = request.GET.get(LANGUAGE_PARAMETER)
        if request.method == "GET" and chosen is not None:
            if chosen in found.languages:
                request.session[SESSION_LANGUAGE] = chosen
            return HttpResponseRedirect(request.path)  # the same page, in the chosen language
        with translation.override(DJANGO_LANGUAGES[found.language]):
            return view(request, found, *args, **kwargs)

    return wrapper


def _respondent(request: HttpRequest) -> Respondent | HttpResponse:
    """The session's respondent, or the page refusing it."""
    invitation_id = request.session.get(SESSION_INVITATION)
    if not isinstance(invitation_id, int):
        return _refuse(
            request,
            403,
            gettext("Open the link in your email"),
            gettext(
                "To see your organisation's return, open the link in the email the "
                "survey team sent you."
            ),
            session_ended=True,
        )
    invitation, record = _invitation_and_return(invitation_id)
    if invitation is None or not invitation.is_usable():
        request.session.flush()
        return _refuse(
            request,
            410,
            gettext("This link no longer works"),
            gettext(
                "This link has been replaced, withdrawn or has expired. Ask the survey "
                "team for a new one."
            ),
        )
    # The return exists after the first visit; return_for checks that the body is a
    # recipient and creates it.
    try:
        if record is None:
            record = return_for(invitation.round, invitation.body)
    except SurveyError:
        request.session.flush()
        return _refuse(
            request,
            410,
            gettext("This link no longer works"),
            gettext("Your organisation is no longer asked to complete this survey."),
        )
    respondent = Respondent(invitation, record, _session_language(request))
    if respondent.language not in respondent.languages:
        return Respondent(invitation, record)
    return respondent


# Every respondent request reads its invitation with the round, questionnaire (without the
# JSON definition: definition_of caches the parsed one), body and return: one statement built
# once per process, where two querysets cost about 2 ms of SQL compiling a request.
_RESPONDENT_ROWS = JoinedRows(
    [
        Part(Invitation, "inv"),
        Part(Round, "rnd"),
        Part(Questionnaire, "qn", defer=("definition",)),
        Part(Body, "bd"),
        Part(Return, "ret"),
    ],
    'FROM {inv} JOIN {rnd} ON "rnd"."id" = "inv"."round_id" '
    'JOIN {qn} ON "qn"."id" = "rnd"."questionnaire_id" '
    'JOIN {bd} ON "bd"."id" = "inv"."body_id" '
    'LEFT JOIN {ret} ON "ret"."round_id" = "inv"."round_id" AND "ret"."body_id" = "inv"."body_id" '
    'WHERE "inv"."id" = %s',
)


def _invitation_and_return(invitation_id: int) -> tuple[Invitation | None, Return | None]:
    """The invitation (with its round, questionnaire and body) and its body's return, if
    there is one yet; (None, None) when the invitation is gone."""
    found = _RESPONDENT_ROWS.one([invitation_id])
    if found is None:
        return None, None
    invitation, round_, questionnaire, body, record = found
    round_.questionnaire = questionnaire
    invitation.round, invitation.body = round_, body
    if record is not None:
        record.round, record.body = round_, body
    return invitation, record


# Pages


@require_GET
@respondent_view
def overview(request: HttpRequest, respondent: Respondent) -> HttpResponse:
    """The task list: every block with its status."""
    tasks = [
        {"block": block_def, "status": _status(respondent, block_def)}
        for block_def in respondent.definition.blocks
    ]
    completed = sum(
        t["status"] in (BlockStatus.COMPLETED, BlockStatus.NOT_APPLICABLE) for t in tasks
    )
    return render(
        request,
        "respond/overview.html",
        respondent.context(
            request, tasks=tasks, completed=completed, reopened=_reopened(respondent)
        ),
    )


def _status(respondent: Respondent, block_def: qcore.Block) -> BlockStatus:
    return block_status(
        block_def,
        respondent.answers,
        respondent.applicability,
        saved=block_def.id in respondent.record.sections_saved,
    )


def _reopened(respondent: Respondent) -> bool:
    return not respondent.record.locked and respondent.record.submissions.exists()


def _next_url(respondent: Respondent, block_id: str) -> str:
    ids = [b.id for b in respondent.definition.blocks]
    position = ids.index(block_id)
    if position + 1 < len(ids):
        return reverse("respond:block", args=[ids[position + 1]])
    return reverse("respond:check")


@require_http_methods(["GET", "POST"])
@respondent_view
def block(request: HttpRequest, respondent: Respondent, block_id: str) -> HttpResponse:
    """One block of questions. "Save and continue" requires the page's required questions
    that apply; "Save and come back later" saves whatever is there."""
    try:
        block_def = respondent.definition.block(block_id)
    except KeyError:
        return _refuse(
            request,
            404,
            gettext("Page not found"),
            gettext("There is no such section in this survey."),
        )
    definition, record = respondent.definition, respondent.record
    if record.locked:
        if request.method == "POST":
            return _refuse(
                request,
                403,
                gettext("Your return has been submitted"),
                gettext(
                    "Your return is read-only now. Contact the survey team if you "
                    "need to change an answer."
                ),
            )
        return render(
            request,
            "respond/block.html",
            respondent.context(
                request,
                section=block_def,
                read_only=True,
                rows=_summary_rows(respondent, block_def),
                position=_position(respondent, block_id),
            ),
        )
    shown = shown_questions(block_def, respondent.applicability)
    rendered = rendered_questions(definition, block_def, respondent.applicability)
    raw = raw_values(block_def, respondent.answers)
    baseline = _sign_baseline(respondent, block_def)
    errors: dict[str, str] = {}
    page_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        posted, posted_raw, errors = read_block(
            block_def, dict(request.POST.lists()), [q.id for q in rendered]
        )
        raw.update(posted_raw)
        # A follow-up the posted answers rule out (hidden by the script) is cleared, not checked.
        ruled_out = definition.applicability_map({**respondent.answers, **posted})
        errors = {qid: message for qid, message in errors.items() if ruled_out[qid] is not False}
        try:
            shown_baseline = _read_baseline(request, respondent, block_def)
        except _StaleBaseline:
            shown_baseline, page_errors, status = None, [_STALE_PAGE_ERROR], 409
        later = request.POST.get("action") == ACTION_LATER
        if not later and not page_errors:
            missing = missing_required(definition, block_def, {**respondent.answers, **posted})
            errors = {
                q.id: errors.get(q.id) or missing[q.id]
                for q in block_def.questions
                if q.id in errors or q.id in missing
            }
        if not errors and not page_errors:
            try:
                saved = save_draft(
                    record,
                    posted,
                    actor=respondent.actor,
                    baseline=shown_baseline,
                    section=block_def.id,
                )
            except AnswersInvalid as invalid:
                errors = {p.question_id: p.message for p in invalid.problems}
            except SurveyError as error:
                return _refuse(request, 409, gettext("Your answers were not saved"), str(error))
            else:
                if not saved.conflicts:
                    return _after_save(request, respondent, block_def, shown, saved.draft)
                # Someone else changed some of these questions: show their answers, and the
                # person's own input where the two differ, against a baseline of the answers
                # saved now (so saving again deliberately replaces theirs).
                respondent = Respondent(
                    respondent.invitation, _reloaded(record), respondent.language
                )
                shown = shown_questions(block_def, respondent.applicability)
                rendered = rendered_questions(definition, block_def, respondent.applicability)
                raw = raw_values(block_def, respondent.answers)
                mine = [_name(block_def, c) for c in saved.conflicts]
                raw.update({name: posted_raw[name] for name in mine})
                errors = {c.question_id: _conflict_message(definition, c) for c in saved.conflicts}
                baseline = _sign_baseline(respondent, block_def)
                status = 409
                if saved.applied:
                    messages.success(
                        request, gettext("Your other answers on this page have been saved.")
                    )
        if errors and status == 200 and shown_baseline is not None:
            baseline = request.POST[BASELINE_FIELD]  # nothing was saved: the page's baseline stands
    return render(
        request,
        "respond/block.html",
        respondent.context(
            request,
            section=block_def,
            read_only=False,
            position=_position(respondent, block_id),
            fields=render_fields(
                build_fields(definition, rendered, raw, errors, respondent.applicability, block_def)
            ),
            errors=page_errors
            + [
                {"href": f"#{field_id(definition.question(qid))}", "message": message}
                for qid, message in errors.items()
            ],
            baseline=baseline,
            hidden_count=len(block_def.questions) - len(shown),
            hidden_because=_hidden_because(respondent, block_def, shown),
        ),
        status=status,
    )


# The baseline: what the page showed, so that a save changes only what the person changed


class _StaleBaseline(Exception):
    """The posted baseline is not this return's and block's, or not signed by this site."""


_STALE_PAGE_ERROR = {
    "href": "#main-content",
    "message": gettext_lazy(
        "This page could not be matched to your saved answers, so nothing was saved. "
        "Check the answers below and save again."
    ),
}


def _sign_baseline(respondent: Respondent, block_def: qcore.Block) -> str:
    """The block's saved answers as this page shows them, signed with the site's key."""
    answers = {
        q.id: respondent.answers[q.id]
        for q in block_def.questions
        if respondent.answers.get(q.id) not in (None, "", [])
    }
    return signing.dumps(
        {"return": respondent.record.pk, "block": block_def.id, "answers": answers},
        salt=BASELINE_SALT,
        compress=True,
    )


def _read_baseline(
    request: HttpRequest, respondent: Respondent, block_def: qcore.Block
) -> dict[str, Any] | None:
    """The posted baseline's answers, or None when the form sent none.

    A form without one (a script, a page from before baselines) writes every answer posted.
    """
    token = request.POST.get(BASELINE_FIELD)
    if token is None:
        return None
    try:
        payload = signing.loads(token, salt=BASELINE_SALT)
    except signing.BadSignature:
        raise _StaleBaseline from None
    if (
        not isinstance(payload, dict)
        or payload.get("return") != respondent.record.pk
        or payload.get("block") != block_def.id
        or not isinstance(payload.get("answers"), dict)
    ):
        raise _StaleBaseline
    return payload["answers"]


def _reloaded(record: Return) -> Return:
    return (
        Return.objects.select_related("round__questionnaire", "body")
        .defer(DEFINITION)
        .get(pk=record.pk)
    )


def _name(block_def: qcore.Block, conflict: Conflict) -> str:
    """The form field name of a conflicting question."""
    return next(q.name for q in block_def.questions if q.id == conflict.question_id)


def _conflict_message(definition: qcore.Questionnaire, conflict: Conflict) -> str:
    """GOV.UK-style error text: who changed what, what is saved now, what to do."""
    question = definition.question(conflict.question_id)
    theirs = "; ".join(answer_lines(question, conflict.theirs)) or gettext("no answer")
    return gettext(
        "%(question)s – this answer was changed by someone else since you opened this "
        "page. The saved answer is now ‘%(theirs)s’. Your answer is shown below: save again "
        "to replace the saved answer with yours, or change yours"
    ) % {"question": question.text, "theirs": theirs}


def _position(respondent: Respondent, block_id: str) -> dict[str, int]:
    ids = [b.id for b in respondent.definition.blocks]
    return {"number": ids.index(block_id) + 1, "total": len(ids)}


def _hidden_because(
    respondent: Respondent, block_def: qcore.Block, shown: list[qcore.Question]
) -> list[str]:
    """Texts of the questions whose answers hid part of this block."""
    shown_ids = {q.id for q in shown}
    controllers: list[str] = []
    for question in block_def.questions:
        if question.id in shown_ids:
            continue
        for condition in respondent.definition.conditions_of(question.id):
            text = respondent.definition.question(condition.question).text
            if condition.evaluate(respondent.answers.get(condition.question)) is False and (
                text not in controllers
            ):
                controllers.append(text)
    return controllers


def _after_save(
    request: HttpRequest,
    respondent: Respondent,
    block_def: qcore.Block,
    shown: list[qcore.Question],
    draft: dict[str, Any],
) -> HttpResponse:
    """Back to the same page when the new answers open questions the page did not show."""
    now_applicable = respondent.definition.applicability_map(draft)
    shown_ids = {q.id for q in shown}
    opened = [
        q
        for q in shown_questions(block_def, now_applicable)
        if q.id not in shown_ids and qcore.is_blank(draft.get(q.id))
    ]
    if request.POST.get("action") == ACTION_LATER:
        messages.success(
            request,
            gettext(
                "Your answers have been saved. You can come back to them with the link in "
                "your email."
            ),
        )
        return redirect("respond:overview")
    if opened:
        messages.info(
            request,
            gettext(
                "Your answers have been saved. Because of them, more questions "
                "in this section now apply."
            ),
        )
        url = reverse("respond:block", args=[block_def.id])
        return HttpResponseRedirect(f"{url}#{field_id(opened[0])}")
    return HttpResponseRedirect(_next_url(respondent, block_def.id))


def _summary_rows(respondent: Respondent, block_def: qcore.Block) -> list[dict[str, Any]]:
    """Question and answer lines for every question that applies or was answered."""
    rows = []
    for question in block_def.questions:
        lines = answer_lines(question, respondent.answers.get(question.id))
        if respondent.applicability.get(question.id) is False and not lines:
            continue
        rows.append(
            {
                "question": question,
                "lines": lines,
                "field_id": field_id(question),
                "multiline": question.type is qcore.AnswerType.TEXT,
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
@respondent_view
def check(request: HttpRequest, respondent: Respondent) -> HttpResponse:
    """Check your answers, then submit; submission checks the required questions."""
    record = respondent.record
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if record.locked:
            return _refuse(
                request,
                403,
                gettext("Your return has been submitted"),
                gettext("Your return has already been submitted and is read-only."),
            )
        try:
            submit_return(record, actor=respondent.actor)
        except AnswersInvalid as invalid:
            errors = [_problem_link(respondent, problem) for problem in invalid.problems]
        except SurveyError as error:
            return _refuse(request, 409, gettext("Your return was not submitted"), str(error))
        else:
            return redirect("respond:done")
    blocks = [
        {
            "block": block_def,
            "rows": _summary_rows(respondent, block_def),
            "status": _status(respondent, block_def),
        }
        for block_def in respondent.definition.blocks
    ]
    return render(
        request,
        "respond/check.html",
        respondent.context(
            request,
            blocks=blocks,
            errors=errors,
            read_only=record.locked,
            reopened=_reopened(respondent),
        ),
    )


def _problem_link(respondent: Respondent, problem: qcore.FieldError) -> dict[str, str]:
    """An error-summary entry pointing at the question on its block's page."""
    try:
        question = respondent.definition.question(problem.question_id)
    except KeyError:
        return {"href": reverse("respond:overview"), "message": problem.message}
    url = reverse("respond:block", args=[respondent.definition.block_of(question.id).id])
    return {
        "href": f"{url}#{field_id(question)}",
        "message": f"{question.text} – {translated_message(problem.message)}",
    }


@require_GET
@respondent_view
def done(request: HttpRequest, respondent: Respondent) -> HttpResponse:
    """The receipt: reference, time of submission and what happens next."""
    record = respondent.record
    submission = record.submissions.order_by("-submitted_at", "-id").first()
    if not record.locked or submission is None:
        return redirect("respond:overview")
    return render(request, "respond/done.html", respondent.context(request, submission=submission))
