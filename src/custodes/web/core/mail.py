"""The default email backend when no mail server is configured: each email is written to the
log (logger ``custodes.mail``) without its links, and not sent.

Django's console backend would print invitations whole, secret links included, into the
server's output; this one keeps sender, recipients, subject and text, with every web address
replaced by ``[link removed]`` and any respondent-link token by ``[redacted]``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from custodes.web.core.logging import BEARER_TOKEN, TOKEN_IN_PATH

__all__ = ["LOG_EMAIL_BACKEND", "LogEmailBackend", "without_links"]

LOG_EMAIL_BACKEND = "custodes.web.core.mail.LogEmailBackend"
logger = logging.getLogger("custodes.mail")
URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")


def without_links(text: str) -> str:
    """``text`` with every web address and token taken out."""
    text = URL.sub("[link removed]", text)
    return BEARER_TOKEN.sub(r"\1[redacted]", TOKEN_IN_PATH.sub(r"\1[redacted]", text))


class LogEmailBackend(BaseEmailBackend):
    """Logs each email without its links instead of sending it (see the module)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            logger.info(
                "Email not sent (no mail server configured), logged without its links:\n"
                "From: %s\nTo: %s\nSubject: %s\n\n%s",
                message.from_email,
                ", ".join(message.to + message.cc + message.bcc),
                without_links(str(message.subject)),
                without_links(str(message.body)),
            )
        return len(email_messages)
