"""Keeps secrets out of logs: respondents' links and agents' bearer tokens."""

from __future__ import annotations

import logging
import re

# Respondent links look like /r/<token>/; tokens are URL-safe base64.
TOKEN_IN_PATH = re.compile(r"(/r/)[A-Za-z0-9_\-]{16,}")
# Scan agents authenticate with "Authorization: Bearer <token>".
BEARER_TOKEN = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9_\-.~+/=]{8,}")


class RedactTokensFilter(logging.Filter):
    """Replaces any respondent link token or bearer token in a log record with ``[redacted]``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = BEARER_TOKEN.sub(r"\1[redacted]", TOKEN_IN_PATH.sub(r"\1[redacted]", message))
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True
