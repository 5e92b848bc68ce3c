"""JSON from strangers: decoded with a depth limit, and no NUL character anywhere.

``json.loads`` turns a hundred thousand ``[`` into a RecursionError, and PostgreSQL refuses a
``\\u0000`` in any JSON it stores; :func:`loads` turns both, and malformed JSON, into a
:class:`JsonInputError` that a view answers with 400 or 422.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MAX_DEPTH", "JsonInputError", "check", "loads"]

MAX_DEPTH = 32


class JsonInputError(ValueError):
    """The body is not acceptable JSON; the message says why and is safe to send back."""


def loads(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """The decoded value of ``raw``, or :class:`JsonInputError`."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise JsonInputError(f"not JSON: nested deeper than {max_depth} levels") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise JsonInputError(f"not JSON: {exc}") from None
    check(value, max_depth=max_depth)
    return value


def check(value: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Walks the value without recursion: depth and NUL characters (in keys and strings)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise JsonInputError("a string contains a NUL character (\\u0000)")
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > max_depth:
            raise JsonInputError(f"nested deeper than {max_depth} levels")
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children)
