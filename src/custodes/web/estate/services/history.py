"""What an asset's change history records: the tracked fields and their JSON form.

``AssetChange`` keeps, for every change, the tracked fields that changed before and after, in
the JSON form written here (dates as ISO text). Imports and edits both go through these
helpers, so the history reads the same whoever changed the asset.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from custodes.web.estate.models import Asset

__all__ = [
    "TRACKED_FIELDS",
    "asset_history",
    "asset_version",
    "json_value",
    "snapshot",
    "values_of",
]

TRACKED_FIELDS = (
    "kind",
    "brand",
    "model",
    "manufacturer",
    "manufacturer_override",
    "override_reason",
    "concern_since",
    "kev_since",
    "kev_confirmed_since",
    "quantity",
    "firmware",
    "serial",
    "mac",
    "ip",
    "site",
    "sensitive_site",
    "connectivity",
    "supplier",
    "procured_on",
    "status",
    "status_date",
    "notes",
)
"""Fields whose changes are recorded in ``AssetChange`` (evidence and confidence follow
``manufacturer``)."""


def json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def snapshot(values: dict[str, Any]) -> dict[str, Any]:
    return {name: json_value(values[name]) for name in TRACKED_FIELDS}


def values_of(asset: Asset) -> dict[str, Any]:
    return {name: getattr(asset, name) for name in TRACKED_FIELDS}


def asset_version(asset: Asset) -> str:
    """A fingerprint of the asset's tracked fields, for optimistic checks: a form carries the
    version it was opened at, and a save is refused when the asset's version is no longer the
    same (someone else changed it meanwhile). Equal values give equal versions, so a change
    undone before the save does not count."""
    text = json.dumps(snapshot(values_of(asset)), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:32]


def asset_history(asset: Asset) -> list[dict[str, Any]]:
    """Every change to ``asset``, oldest first: when, what, who, why, fields before and after
    (as ``custodes estate history --json`` prints them)."""
    return [
        {
            "at": c.at.isoformat(),
            "action": c.action,
            "by": c.by,
            "reason": c.reason,
            "before": c.before,
            "after": c.after,
        }
        for c in asset.changes.all()
    ]
