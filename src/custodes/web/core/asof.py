"""The ``as_of`` query parameter, parsed the same way by every page and API endpoint.

``as_of=2023-02-15`` means the end of that day in the site's time zone (the last instant,
inclusive), as on the command line. Where an endpoint also takes a time
(``as_of=2023-02-15T17:00``, ``…Z`` or ``…+01:00``), a time without an offset is site time.
A bad value is a :class:`BadAsOf`; pages wrapped in :func:`rejects_bad_as_of` answer it with
a 400 error page that says which format is expected, the API with a 400 JSON error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

__all__ = [
    "AS_OF_PARAMETER",
    "DATE_FORMAT",
    "DATE_TIME_FORMAT",
    "AsOf",
    "BadAsOf",
    "parse_as_of",
    "rejects_bad_as_of",
    "request_as_of",
]

AS_OF_PARAMETER = "as_of"
DATE_FORMAT = "a date written YYYY-MM-DD, for example 2023-02-15"
DATE_TIME_FORMAT = (
    "a date written YYYY-MM-DD (for example 2023-02-15) or a date and time such as "
    "2023-02-15T17:00 or 2023-02-15T17:00:00Z"
)
MAX_SHOWN_CHARS = 40
DATE_LENGTH = 10
LAST_INSTANT = timedelta(microseconds=1)

View = Callable[..., HttpResponse]


class BadAsOf(ValueError):
    """An ``as_of`` value that is not in the expected format; the message says which."""

    def __init__(self, text: str, expected: str) -> None:
        self.text = text
        self.expected = expected
        shown = text[:MAX_SHOWN_CHARS] + ("…" if len(text) > MAX_SHOWN_CHARS else "")
        super().__init__(f"as_of must be {expected}, not {shown!r}")


@dataclass(frozen=True)
class AsOf:
    """A parsed cut-off: the moment, its day in site time, and the text it came from."""

    moment: datetime
    day: date
    text: str


def _end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min)) - LAST_INSTANT


def parse_as_of(text: str, *, with_time: bool = False) -> AsOf | None:
    """``text`` as a cut-off; None when blank. A bare date is the end of that day (site time).

    With ``with_time`` a date-time is accepted too; one without an offset is site time.
    Raises :class:`BadAsOf` for anything else (including years outside 1–9998).
    """
    stripped = text.strip()
    if not stripped:
        return None
    expected = DATE_TIME_FORMAT if with_time else DATE_FORMAT
    try:
        if len(stripped) == DATE_LENGTH:
            day = date.fromisoformat(stripped)
            moment = _end_of_day(day)
        elif with_time and "T" in stripped[DATE_LENGTH : DATE_LENGTH + 1]:
            moment = datetime.fromisoformat(stripped.replace("Z", "+00:00").replace("z", "+00:00"))
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            day = timezone.localdate(moment)
        else:
            raise ValueError(stripped)
    except (ValueError, OverflowError):
        raise BadAsOf(text, expected) from None
    return AsOf(moment=moment, day=day, text=stripped)


def request_as_of(request: HttpRequest, *, with_time: bool = False) -> AsOf | None:
    """The request's ``as_of`` query parameter, parsed; raises :class:`BadAsOf`."""
    return parse_as_of(request.GET.get(AS_OF_PARAMETER, ""), with_time=with_time)


def rejects_bad_as_of(view: View) -> View:
    """Answers a :class:`BadAsOf` raised by ``view`` with the 400 error page."""

    @wraps(view)
    def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadAsOf as error:
            return render(
                request,
                "core/bad_as_of.html",
                {"error": error, "parameter": AS_OF_PARAMETER, "path": request.path},
                status=400,
            )

    return checked
