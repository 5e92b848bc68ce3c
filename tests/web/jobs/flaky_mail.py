"""Email backends standing in for a mail server in the job tests.

``FlakyBackend`` refuses the first ``FAILURES`` messages (a mail server that is down), then
delivers into Django's test outbox. ``SlowFileBackend`` (for a worker subprocess) takes
``CUSTODES_TEST_MAIL_DELAY`` seconds per message, then appends one line per recipient to the
file ``CUSTODES_TEST_MAIL_LOG``, so that the test can count what was delivered.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyBackend(LocmemBackend):
    FAILURES = 0
    refused = 0

    def send_messages(self, messages):
        if FlakyBackend.refused < FlakyBackend.FAILURES:
            FlakyBackend.refused += 1
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(messages)


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, messages):
        delay = float(os.environ.get("CUSTODES_TEST_MAIL_DELAY", "0"))
        log = Path(os.environ["CUSTODES_TEST_MAIL_LOG"])
        for message in messages:
            time.sleep(delay)
            with log.open("a", encoding="utf-8") as handle:
                for recipient in message.to:
                    handle.write(recipient + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        return len(messages)


__all__ = ["FlakyBackend", "SlowFileBackend", "mail"]
