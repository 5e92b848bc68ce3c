"""Register services, one module per concern, behind one import surface.

- ``imports``: register imports (validate and stage, then write in one transaction);
  ``_bulk_sql`` holds their set-based, vendor-specific SQL.
- ``edits``: a person's change to one asset.
- ``history``: the tracked fields, their JSON form in ``AssetChange``, versions for forms.
- ``locks``: the body's register lock that every writer of a register takes first.
- ``tally``: the exposure tally rebuilt from the assets, and each body's totals.
- ``exposure``: exposure and holdings now or as of a day (read side).
- ``reconcile``: returns in a round against the bodies' registers.

Callers import from this package (``from custodes.web.estate.services import exposure``).
"""

from custodes.web.estate.services.edits import AssetChangedMeanwhile, find_asset, update_asset
from custodes.web.estate.services.exposure import exposure, holdings, replacement_progress
from custodes.web.estate.services.history import TRACKED_FIELDS, asset_history, asset_version
from custodes.web.estate.services.imports import ImportResult, import_register
from custodes.web.estate.services.reconcile import (
    BodyReconciliation,
    round_named,
    round_reconciliations,
)
from custodes.web.estate.services.tally import body_totals, refresh_tally

__all__ = [
    "TRACKED_FIELDS",
    "AssetChangedMeanwhile",
    "BodyReconciliation",
    "ImportResult",
    "asset_history",
    "asset_version",
    "body_totals",
    "exposure",
    "find_asset",
    "holdings",
    "import_register",
    "refresh_tally",
    "replacement_progress",
    "round_named",
    "round_reconciliations",
    "update_asset",
]
