"""The round lifecycle through the services: invite, open, save, submit, reopen, correct."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from custodes.web.bodies.models import Body, Contact
from custodes.web.surveys.analysis import body_statuses, round_findings
from custodes.web.surveys.choices import Action, ReturnStatus
from custodes.web.surveys.lifecycle import (
    AnswersInvalid,
    SurveyError,
    correct_answer,
    create_round,
    current_answers,
    reopen_return,
    return_for,
    save_draft,
    submit_return,
)
from custodes.web.surveys.models import Activity, Invitation
from custodes.web.surveys.notifications import send_invitations
from custodes.web.surveys.tokens import (
    InvalidToken,
    issue_invitation,
    record_opened,
    resolve_token,
    revoke_invitation,
)

pytestmark = pytest.mark.django_db

COMPLETE = {
    "respondent.name": "A Person",
    "respondent.role": "SRO",
    **{
        f"{block}.operates": "no"
        for block in ["ext_cctv", "int_cctv", "anpr", "bwv", "helicopter", "frt", "other"]
    },
    "drones.operates": "yes",
    "drones.concerns": "yes",
    "drones.manufacturers": ["DJI Matrice 300 RTK", "dji mavic 2"],
}


def status_of(round_, code):
    return next(s for s in body_statuses(round_) if s.body.code == code).status


def test_round_pins_questionnaire_and_recipients(survey_round):
    assert survey_round.recipient_list.name == "police-ew"
    assert survey_round.recipient_list.bodies.count() == 47
    assert survey_round.questionnaire.slug == "police-estate-2022"
    assert Activity.objects.filter(round=survey_round, action=Action.ROUND_CREATED).exists()


def test_round_creation_refuses_bad_input(roster):
    now = timezone.now()
    with pytest.raises(SurveyError, match="unknown recipient list"):
        create_round(
            "x",
            questionnaire="police-estate-2022",
            recipients="nope",
            closes_at=now + timedelta(days=1),
            actor="t",
        )
    with pytest.raises(SurveyError, match="unknown questionnaire"):
        create_round(
            "x",
            questionnaire="nope",
            recipients="police-ew",
            closes_at=now + timedelta(days=1),
            actor="t",
        )
    with pytest.raises(SurveyError, match="after the opening"):
        create_round(
            "x",
            questionnaire="police-estate-2022",
            recipients="police-ew",
            closes_at=now - timedelta(days=1),
            actor="t",
        )


def test_status_moves_from_not_invited_to_submitted(survey_round):
    kent = Body.objects.get(code="kent")
    assert status_of(survey_round, "kent") == ReturnStatus.NOT_INVITED
    _invitation, token = issue_invitation(survey_round, kent, actor="t")
    assert status_of(survey_round, "kent") == ReturnStatus.INVITED
    record_opened(resolve_token(token))
    assert status_of(survey_round, "kent") == ReturnStatus.OPENED
    record = return_for(survey_round, kent)
    save_draft(record, {"drones.operates": "yes"}, actor="r")
    assert status_of(survey_round, "kent") == ReturnStatus.IN_PROGRESS
    with pytest.raises(AnswersInvalid) as excinfo:
        submit_return(record, actor="r")
    assert "respondent.name" in {p.question_id for p in excinfo.value.problems}
    save_draft(record, COMPLETE, actor="r")
    submit_return(record, actor="r")
    assert status_of(survey_round, "kent") == ReturnStatus.SUBMITTED
    record.refresh_from_db()
    assert record.locked and record.reference
    with pytest.raises(SurveyError):
        save_draft(record, {"drones.count": 3}, actor="r")


def test_late_and_covered_statuses(past_round):
    norfolk = Body.objects.get(code="norfolk")
    record = return_for(past_round, norfolk)
    submit_return(
        record,
        {**COMPLETE, "respondent.on_behalf_of": "Suffolk Constabulary"},
        actor="r",
        submitted_at=past_round.closes_at + timedelta(days=40),
    )
    assert status_of(past_round, "norfolk") == ReturnStatus.LATE
    assert status_of(past_round, "suffolk") == ReturnStatus.COVERED
    result = round_findings(past_round)
    assert (result.returns, result.bodies_covered, result.late_returns) == (1, 2, 1)
    assert len(result.non_respondents) == 45


def test_unknown_covered_body_is_refused(survey_round):
    record = return_for(survey_round, Body.objects.get(code="kent"))
    with pytest.raises(AnswersInvalid, match="not recognised"):
        submit_return(record, {**COMPLETE, "respondent.on_behalf_of": "Atlantis Police"}, actor="r")


def test_reopen_keeps_earlier_submission_counting(survey_round):
    record = return_for(survey_round, Body.objects.get(code="kent"))
    submit_return(record, COMPLETE, actor="r")
    reopen_return(record, actor="w", reason="asked to add drones count")
    record.refresh_from_db()
    assert not record.locked
    assert round_findings(survey_round).returns == 1
    save_draft(record, {"drones.count": 12}, actor="r")
    submit_return(record, actor="r")
    assert current_answers(record)["drones.count"] == 12
    assert record.submissions.count() == 2


def test_correction_of_a_reopened_return_survives_its_resubmission(survey_round):
    record = return_for(survey_round, Body.objects.get(code="kent"))
    submit_return(record, {**COMPLETE, "bwv.operates": "yes", "bwv.concerns": "yes"}, actor="r")
    reopen_return(record, actor="w", reason="check the drones count")
    correct_answer(record, "bwv.concerns", "no", reason="follow-up", actor="w")
    save_draft(record, {"drones.count": 12}, actor="r")
    submit_return(record, actor="r")
    assert current_answers(record)["bwv.concerns"] == "no"
    assert current_answers(record)["drones.count"] == 12


def test_correction_keeps_original_and_as_of_reproduces_it(past_round):
    record = return_for(past_round, Body.objects.get(code="kent"))
    submit_return(
        record,
        {**COMPLETE, "bwv.operates": "yes", "bwv.concerns": "yes"},
        actor="r",
        submitted_at=datetime(2022, 8, 1, tzinfo=UTC),
    )
    before = round_findings(past_round)
    bwv = next(f for f in before.findings if f.id == "bwv-concerns")
    assert bwv.at_least == 1
    correction = correct_answer(record, "bwv.concerns", "no", reason="follow-up", actor="w")
    assert (correction.old_value, correction.new_value) == ("yes", "no")
    after = next(f for f in round_findings(past_round).findings if f.id == "bwv-concerns")
    assert after.at_least == 0
    interim = round_findings(past_round, as_of=correction.corrected_at - timedelta(seconds=1))
    assert next(f for f in interim.findings if f.id == "bwv-concerns").at_least == 1
    with pytest.raises(SurveyError, match="reason"):
        correct_answer(record, "bwv.concerns", "yes", reason=" ", actor="w")
    with pytest.raises(SurveyError, match="unknown question"):
        correct_answer(record, "bwv.nope", "yes", reason="x", actor="w")


def test_invitation_email_is_sent_and_logged_without_the_link(survey_round):
    kent = Body.objects.get(code="kent")
    Contact.objects.create(body=kent, email="sro@kent.example.org")
    results = send_invitations(survey_round, [kent, Body.objects.get(code="essex")], actor="w")
    assert [r.error for r in results] == [None, "no contact email for this body"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sro@kent.example.org"]
    link = results[0].link
    assert link in mail.outbox[0].body
    logged = Activity.objects.filter(round=survey_round, action=Action.EMAIL_INVITATION).get()
    assert link.rsplit("/", 2)[-2] not in str(logged.detail) + logged.message
    assert Activity.objects.filter(action=Action.EMAIL_FAILED).count() == 1


def test_reminder_replaces_the_link(survey_round):
    kent = Body.objects.get(code="kent")
    Contact.objects.create(body=kent, email="sro@kent.example.org")
    first = send_invitations(survey_round, [kent], actor="w")[0].link
    second = send_invitations(survey_round, [kent], actor="w", reminder=True)[0].link
    assert "Reminder" in mail.outbox[1].subject
    token = lambda link: link.rstrip("/").rsplit("/", 1)[-1]  # noqa: E731
    with pytest.raises(InvalidToken):
        resolve_token(token(first))
    assert resolve_token(token(second)).body == kent


def test_tokens_are_stored_hashed_expire_and_revoke(survey_round):
    kent = Body.objects.get(code="kent")
    invitation, token = issue_invitation(survey_round, kent, actor="t")
    assert len(token) >= 43  # 256 bits in URL-safe base64
    assert token not in invitation.token_hash
    assert not Invitation.objects.filter(token_hash=token).exists()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(InvalidToken, match="expired"):
        resolve_token(token)
    invitation, token = issue_invitation(survey_round, kent, actor="t")
    revoke_invitation(invitation, actor="t")
    with pytest.raises(InvalidToken, match="withdrawn"):
        resolve_token(token)
    with pytest.raises(InvalidToken):
        resolve_token("x" * 43)
