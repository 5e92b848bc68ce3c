"""No respondent link or bearer token reaches a log line."""

from __future__ import annotations

import logging

from custodes.web.core.logging import RedactTokensFilter


def redacted(message: str, *args: object) -> str:
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, message, args, None)
    RedactTokensFilter().filter(record)
    return record.getMessage()


def test_links_and_bearer_tokens_are_redacted():
    token = "jof6tqi_uujoHA9j4GYUorfoNbg5LK-0V2azk35sO1c"
    assert token not in redacted('"GET /r/%s/ HTTP/1.1" 302 0', token)
    assert "/r/[redacted]/" in redacted('"GET /r/%s/ HTTP/1.1" 302 0', token)
    assert token not in redacted("Authorization: Bearer %s", token)
    assert redacted("GET /rounds/demo-2022/ 200") == "GET /rounds/demo-2022/ 200"
