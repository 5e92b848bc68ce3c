"""Django's database-backed sessions, read by one statement built once per process.

The session engine of every page (``SESSION_ENGINE``): the same table, keys, expiry and
behaviour as ``django.contrib.sessions.backends.db``, which it extends as Django's
documentation describes. Only the read differs: every request that carries a session cookie
reads its row, and the queryset Django compiles for it each time cost about a sixth of a
respondent request's CPU under the load benchmark; ``core.joined`` writes the statement once.
A new key is drawn without first asking the table whether it is taken: the insert that
creates the session refuses a taken key, and Django then draws another (``create``).
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone
from django.utils.crypto import get_random_string

from custodes.web.core.joined import JoinedRows, Part

__all__ = ["SessionStore"]

_SESSION_ROW = JoinedRows(
    [Part(Session, "session")],
    'FROM {session} WHERE "session"."session_key" = %s AND "session"."expire_date" > %s',
)


class SessionStore(db.SessionStore):
    """Database sessions (``django.contrib.sessions``), each read in one prepared statement."""

    def _get_session_from_db(self) -> Session | None:
        using = router.db_for_read(self.model, instance=None)
        now = connections[using].ops.adapt_datetimefield_value(timezone.now())
        found = _SESSION_ROW.one([self.session_key, now], using=using)
        if found is None:
            self._session_key = None
            return None
        return found[0]

    def _get_new_session_key(self) -> str:
        """A random key (Django's length and alphabet). A key already in use, as likely as
        guessing one, is refused by ``save(must_create=True)``, and ``create`` draws again:
        the look-up Django makes first would only cost every new session a query."""
        return get_random_string(32, VALID_KEY_CHARS)
