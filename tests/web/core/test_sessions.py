"""The session engine (core.sessions) reads what Django's database engine reads: a live
session's data, nothing for an expired or unknown key, on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from custodes.web.core.sessions import SessionStore

pytestmark = pytest.mark.django_db(transaction=True)


def _saved(data: dict[str, object]) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_a_live_session_reads_back_as_djangos_engine_reads_it():
    key = _saved({"custodes.respondent.invitation": 42, "text": "ünïcode “quoted”"})
    assert dict(SessionStore(key).items()) == dict(DjangoStore(key).items())
    assert SessionStore(key)["custodes.respondent.invitation"] == 42


def test_an_expired_session_is_empty_and_gets_a_new_key():
    key = _saved({"secret": "x"})
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    store = SessionStore(key)
    assert dict(store.items()) == {}
    assert store.session_key is None


def test_an_unknown_key_is_empty():
    store = SessionStore("x" * 32)
    assert dict(store.items()) == {} and store.session_key is None


def test_a_new_key_already_taken_is_refused_and_another_drawn(monkeypatch):
    taken = _saved({"owner": "first"})
    fresh = "f" * 32
    draws = iter([taken, fresh])
    monkeypatch.setattr("custodes.web.core.sessions.get_random_string", lambda *_: next(draws))
    store = SessionStore()
    store["owner"] = "second"
    store.save()
    assert store.session_key == fresh
    assert SessionStore(taken)["owner"] == "first"  # the session holding the key is untouched
    assert SessionStore(fresh)["owner"] == "second"


def test_the_settings_use_it(settings):
    assert settings.SESSION_ENGINE == "custodes.web.core.sessions"
