"""The respondent's one-statement look-ups (core.joined: the session's invitation and return,
and a link's invitation) give what the ORM gives, on both backends: every field converted
alike (JSON, dates, booleans), the definition deferred, no return before the first visit,
nothing for a deleted invitation."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, models
from django.utils import timezone

from custodes.web.core.joined import JoinedRows, Part
from custodes.web.surveys.lifecycle import return_for, save_draft
from custodes.web.surveys.models import Invitation, Questionnaire, Return, Round
from custodes.web.surveys.tokens import resolve_token
from custodes.web.surveys.views.respond import _invitation_and_return

pytestmark = pytest.mark.django_db(transaction=True)


def _fields(instance: models.Model, *, leave_out: tuple[str, ...] = ()) -> dict[str, object]:
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.name not in leave_out
    }


def test_before_the_first_visit_there_is_no_return(link_a):
    invitation, record = _invitation_and_return(link_a[0].pk)
    assert record is None
    assert _fields(invitation) == _fields(Invitation.objects.get(pk=link_a[0].pk))


def test_a_link_resolves_to_what_the_orm_reads(link_a):
    invitation, token = link_a
    Invitation.objects.filter(pk=invitation.pk).update(
        answer_by=timezone.now() + timedelta(days=3), first_opened_at=timezone.now()
    )
    found = resolve_token(token)
    expected = Invitation.objects.select_related("round", "body").get(pk=invitation.pk)
    assert _fields(found) == _fields(expected)
    assert found.answer_by.tzinfo is not None
    assert _fields(found.round) == _fields(expected.round)
    assert _fields(found.body) == _fields(expected.body)


def test_every_part_equals_the_orm_instance(link_a):
    invitation = link_a[0]
    record = return_for(invitation.round, invitation.body)
    with_json = {
        "respondent.contact_name": "Head of CCTV – “quoted”, ünïcode",
        "drones.operates": "yes",
        "drones.count": 12,
    }
    save_draft(record, with_json, actor="test", section="respondent")
    Invitation.objects.filter(pk=invitation.pk).update(
        answer_by=timezone.now() + timedelta(days=3), first_opened_at=timezone.now()
    )
    Return.objects.filter(pk=record.pk).update(locked=True)

    found, found_record = _invitation_and_return(invitation.pk)

    expected = Invitation.objects.get(pk=invitation.pk)
    assert _fields(found) == _fields(expected)
    assert found.answer_by.tzinfo is not None
    assert _fields(found.round) == _fields(Round.objects.get(pk=expected.round_id))
    assert _fields(found.body) == _fields(expected.body)
    questionnaire = Questionnaire.objects.get(pk=found.round.questionnaire_id)
    assert _fields(found.round.questionnaire, leave_out=("definition",)) == _fields(
        questionnaire, leave_out=("definition",)
    )
    assert _fields(found_record) == _fields(Return.objects.get(pk=record.pk))
    assert found_record.locked is True
    assert found_record.draft == with_json
    # The relations are the same instances, so nothing more is read for them.
    assert found_record.round is found.round and found_record.body is found.body


def test_the_definition_is_deferred_and_loads_when_read(link_a, django_assert_num_queries):
    found, _ = _invitation_and_return(link_a[0].pk)
    questionnaire = found.round.questionnaire
    assert "definition" in questionnaire.get_deferred_fields()
    with django_assert_num_queries(1):
        definition = questionnaire.definition
    assert definition == Questionnaire.objects.get(pk=questionnaire.pk).definition


def test_one_statement(link_a, django_assert_num_queries):
    with django_assert_num_queries(1):
        invitation, _ = _invitation_and_return(link_a[0].pk)
        assert invitation.body.code and invitation.round.questionnaire.slug


def test_a_deleted_invitation_gives_nothing(link_a):
    pk = link_a[0].pk
    Invitation.objects.filter(pk=pk).delete()
    assert _invitation_and_return(pk) == (None, None)


def test_an_outer_joined_part_without_a_row_is_none(link_a):
    rows = JoinedRows(
        [Part(Invitation, "inv"), Part(Return, "ret")],
        'FROM {inv} LEFT JOIN {ret} ON "ret"."id" = -1 WHERE "inv"."id" = %s',
    )
    invitation, record = rows.one([link_a[0].pk])
    assert record is None and invitation.pk == link_a[0].pk


def test_a_statement_being_prepared_is_never_used_half_made(link_a, monkeypatch):
    """A worker's first requests run at once: while one thread works out the converters of a
    new statement, another asking for the same statement gets it whole (it was seen to get the
    SQL without its converters: KeyError, HTTP 500 under load)."""
    rows = JoinedRows([Part(Invitation, "inv")], 'FROM {inv} WHERE "inv"."id" = %s')
    operations = type(connection.ops)
    original = operations.get_db_converters
    entered, release = threading.Event(), threading.Event()
    first = threading.Lock()

    def slow_first_call(self, expression):
        if first.acquire(blocking=False):  # the first thread waits here, mid-preparation
            entered.set()
            release.wait(10)
        return original(self, expression)

    monkeypatch.setattr(operations, "get_db_converters", slow_first_call)
    found: dict[str, object] = {}

    def look_up(name: str) -> None:
        try:
            found[name] = rows.one([link_a[0].pk])
        except Exception as exc:  # the failure is what the test reports
            found[name] = exc
        finally:
            connection.close()

    preparing = threading.Thread(target=look_up, args=("first",))
    preparing.start()
    assert entered.wait(10)
    second = threading.Thread(target=look_up, args=("second",))
    second.start()
    second.join(10)
    release.set()
    preparing.join(10)
    for name in ("first", "second"):
        assert not isinstance(found[name], Exception), f"{name}: {found[name]!r}"
        assert [i.pk for i in found[name]] == [link_a[0].pk]
