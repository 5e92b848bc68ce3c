"""Keeps respondents' secret links out of logs."""

from __future__ import annotations

import logging
import re

# Respondent links look like /r/<token>/; tokens are URL-safe base64.
TOKEN_IN_PATH = re.compile(r"(/r/)[A-Za-z0-9_\-]{16,}")


class RedactTokensFilter(logging.Filter):
    """Replaces any respondent token in a log record with ``[redacted]``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/r/" in message:
            record.msg = TOKEN_IN_PATH.sub(r"\1[redacted]", message)
            record.args = ()
        return True
