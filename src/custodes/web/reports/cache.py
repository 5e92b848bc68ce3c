"""The report's content, computed once per round, as-of moment and version of the data.

What a report says as of a moment never changes while the data it is computed from stays the
same, so :func:`cached_report_data` keeps each :class:`ReportData` in Django's cache (the
database cache, shared by every server process) under a key made of:

* the round and its own fields (title, dates, synthetic flag, questionnaire fingerprint);
* the as-of moment; for "now" (no ``as_of``, or one not yet past) the site's date instead,
  since figures as of now change only when the data does or when a dated concern takes effect;
* :func:`data_version`: counts, largest ids and latest times of the round's submissions and
  corrections, of the equipment registers and their changes, and the recipients' names, so
  a new, replaced, deleted or re-dated submission or correction, an import or a register
  edit gives a new key (the old entry is never read again and expires);
* the software and knowledge-base versions, and the stamps of the sources of follow-up
  enquiries (``surveys.enquiries``; a source without one makes the report uncacheable).

The cached "now" report keeps the moment it was computed as its as-of time: nothing has
changed since, so its figures are the figures as of now.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

import custodes
from custodes.web.estate.models import Asset, AssetChange
from custodes.web.reports.build import pdf_bytes
from custodes.web.reports.data import ReportData, knowledge_version, report_data
from custodes.web.surveys.enquiries import enquiries_version
from custodes.web.surveys.models import Correction, Round, Submission

__all__ = [
    "CACHE_SECONDS",
    "cache_key",
    "cached_report_data",
    "cached_report_pdf",
    "data_version",
]

CACHE_SECONDS = 7 * 24 * 3600
KEY_PREFIX = "custodes:report"


def _stamp(values: dict[str, Any]) -> list[Any]:
    return [v.isoformat() if isinstance(v, datetime) else v for _, v in sorted(values.items())]


def data_version(round_: Round) -> str | None:
    """A digest of everything a report of ``round_`` is computed from, read in a few queries;
    None when a source of follow-up enquiries cannot stamp its data (nothing is cached then)."""
    submissions = Submission.objects.filter(return_record__round=round_).aggregate(
        n=Count("id"), last=Max("id"), at=Max("submitted_at"), recorded=Max("recorded_at")
    )
    corrections = Correction.objects.filter(return_record__round=round_).aggregate(
        n=Count("id"), last=Max("id"), at=Max("corrected_at")
    )
    assets = Asset.objects.aggregate(n=Count("id"), last=Max("id"), at=Max("updated_at"))
    changes = AssetChange.objects.aggregate(n=Count("id"), last=Max("id"), at=Max("at"))
    recipients = list(round_.recipient_list.bodies.order_by("code").values_list("code", "name"))
    enquiries = enquiries_version(round_)
    if enquiries is None:
        return None
    knowledge = knowledge_version()
    facts = [
        round_.pk,
        round_.name,
        round_.title,
        round_.synthetic,
        # In UTC: an instance still in memory may hold them in another zone than a fresh read.
        round_.opens_at.astimezone(UTC).isoformat(),
        round_.closes_at.astimezone(UTC).isoformat(),
        round_.questionnaire.fingerprint,
        round_.recipient_list_id,
        _stamp(submissions),
        _stamp(corrections),
        _stamp(assets),
        _stamp(changes),
        recipients,
        custodes.__version__,
        [knowledge.version, knowledge.date] if knowledge else None,
        enquiries,
    ]
    encoded = json.dumps(facts, separators=(",", ":"), default=str).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def _moment_key(as_of: datetime | None, now: datetime) -> str:
    if as_of is None or as_of >= now:
        return f"now:{timezone.localdate(now).isoformat()}"
    return as_of.isoformat()


def cache_key(round_: Round, as_of: datetime | None, *, now: datetime | None = None) -> str | None:
    """The cache key of the report of ``round_`` as of ``as_of`` (None: now), or None when
    the report cannot be cached (see :func:`data_version`)."""
    version = data_version(round_)
    if version is None:
        return None
    moment = _moment_key(as_of, now or timezone.now())
    digest = hashlib.sha256(f"{moment}|{version}".encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{round_.pk}:{digest}"


def _cached_data(round_: Round, as_of: datetime | None, key: str | None) -> ReportData:
    if key is None:
        return report_data(round_, as_of)
    data = cache.get(key)
    if isinstance(data, ReportData):
        return data
    data = report_data(round_, as_of)
    cache.set(key, data, timeout=CACHE_SECONDS)
    return data


def cached_report_data(round_: Round, as_of: datetime | None = None) -> ReportData:
    """:func:`report_data` of ``round_`` as of ``as_of``, from the cache when it is there."""
    if as_of is not None and timezone.is_naive(as_of):
        return report_data(round_, as_of)  # refused there, with the reason
    return _cached_data(round_, as_of, cache_key(round_, as_of))


def cached_report_pdf(round_: Round, as_of: datetime | None = None) -> bytes:
    """The report's PDF as of ``as_of``, kept under the same key as its content."""
    if as_of is not None and timezone.is_naive(as_of):
        return pdf_bytes(report_data(round_, as_of))
    key = cache_key(round_, as_of)
    if key is None:
        return pdf_bytes(report_data(round_, as_of))
    pdf = cache.get(f"{key}:pdf")
    if isinstance(pdf, bytes):
        return pdf
    pdf = pdf_bytes(_cached_data(round_, as_of, key))
    cache.set(f"{key}:pdf", pdf, timeout=CACHE_SECONDS)
    return pdf
