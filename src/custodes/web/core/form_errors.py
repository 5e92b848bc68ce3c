"""Field errors that travel as messages across a redirect.

A view that refuses a form before building one (an upload streamed to disk, then refused)
redirects back with ``messages.error(request, text, extra_tags=field_error_tag("capture"))``;
the page it lands on shows the message in its error summary, linked to that control, and
beside the control (``core/templatetags/govuk_forms.message_errors``).
"""

from __future__ import annotations

from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message

__all__ = ["FIELD_TAG", "field_error_tag", "field_id_of"]

FIELD_TAG = "field:"


def field_error_tag(field_id: str) -> str:
    """The ``extra_tags`` of a message that reports an error in the control ``field_id``."""
    return FIELD_TAG + field_id


def field_id_of(message: Message) -> str | None:
    """The control an error message is about, or None for any other message."""
    if message.level != constants.ERROR:
        return None
    for tag in (message.extra_tags or "").split():
        if tag.startswith(FIELD_TAG):
            return tag.removeprefix(FIELD_TAG)
    return None
