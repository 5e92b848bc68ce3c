"""Job kinds: each app registers what a kind of job does, by name, in its ``tasks`` module.

A handler gets a :class:`~custodes.web.jobs.runner.JobRun` and returns the job's result (a
JSON-able dict, or None). Handlers must be idempotent: a job can be run again after its worker
died, so a handler skips what its checkpoint says is done, or redoes only work that leaves no
trace until it commits. Raising :class:`JobFailed` fails the job at once (bad input: retrying
will not help); any other exception is retried with back-off until the job's attempts run out.
``on_failure`` runs once when a job has failed for good (to mark the object it concerns).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from custodes.web.jobs.models import Job
    from custodes.web.jobs.runner import JobRun

__all__ = ["JobFailed", "JobKind", "UnknownJobKind", "job_kind", "kind_label", "kinds", "lookup"]

Handler = Callable[["JobRun"], dict[str, Any] | None]


class JobFailed(Exception):
    """The job cannot succeed (bad input, missing object): fail it now, with this message."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


class UnknownJobKind(LookupError):
    """No handler is registered under this kind."""


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    handler: Handler
    on_failure: Callable[[Job], None] | None = None


_KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str, label: str, *, on_failure: Callable[[Job], None] | None = None
) -> Callable[[Handler], Handler]:
    """Registers the decorated function as the handler of jobs of kind ``name``."""

    def register(handler: Handler) -> Handler:
        if name in _KINDS and _KINDS[name].handler is not handler:
            raise ValueError(f"job kind {name!r} is registered twice")
        _KINDS[name] = JobKind(name, label, handler, on_failure)
        return handler

    return register


def lookup(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownJobKind(f"no handler for job kind {name!r}") from None


def kind_label(name: str) -> str:
    """The words for a kind ("Capture analysis"); the name itself when unknown."""
    kind = _KINDS.get(name)
    return kind.label if kind else name


def kinds() -> list[JobKind]:
    """Every registered kind, by name."""
    return [_KINDS[name] for name in sorted(_KINDS)]
