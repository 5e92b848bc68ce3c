"""Edits of single assets by people, each with who, why and the change recorded."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from custodes import estate as core
from custodes.web.bodies.models import Body
from custodes.web.estate.models import Asset, AssetChange
from custodes.web.estate.services.history import (
    TRACKED_FIELDS,
    asset_version,
    json_value,
    values_of,
)
from custodes.web.estate.services.locks import lock_registers
from custodes.web.estate.services.tally import refresh_tally

__all__ = ["AssetChangedMeanwhile", "find_asset", "update_asset"]


def find_asset(body: Body, asset_id: str) -> Asset | None:
    """The body's asset with that id (as in the register), or None."""
    return Asset.objects.filter(body=body, asset_id=asset_id).first()


class AssetChangedMeanwhile(Exception):
    """The asset was changed by someone else after the person opened it; nothing was written.

    ``asset`` holds the asset as it is now, so the page can show the other change next to what
    this person typed."""

    def __init__(self, asset: Asset) -> None:
        self.asset = asset
        super().__init__(
            f"Asset {asset.asset_id} was changed by someone else since you opened it. "
            "Check its values and history below, then save again if your change still applies."
        )


def update_asset(
    asset: Asset,
    changes: dict[str, Any],
    *,
    actor: str,
    reason: str,
    opened_version: str | None = None,
) -> bool:
    """Changes an asset's fields with who and why, recorded in its history; a new brand, model
    or override re-resolves the manufacturer. Returns False when nothing changed.

    ``opened_version`` is the ``asset_version`` the person saw; when the asset has changed
    since, raises ``AssetChangedMeanwhile`` and writes nothing, so that no one's change is
    silently overwritten. Without it the change applies to the asset as it is now.
    """
    if not reason.strip():
        raise ValueError("say why the asset is changed")
    unknown = set(changes) - set(TRACKED_FIELDS)
    if unknown:
        raise ValueError(f"not an editable field: {', '.join(sorted(unknown))}")
    makers = core.MakerResolver()  # loads the knowledge base once: before the lock, not in it
    # Durable: the outermost transaction, so the change is committed (and the lock released)
    # when this returns; nested in a caller's transaction it would raise at once.
    with transaction.atomic(durable=True):
        # Read-modify-write on the fresh row under the body's register lock (see ``locks``):
        # an import or another edit of this body waits until this one commits, so "before" is
        # what the asset really was and the tally is rebuilt from committed rows. The asset's
        # own row lock is then uncontended but states what this function changes.
        lock_registers([asset.body_id])
        locked = Asset.objects.select_for_update(no_key=True).get(pk=asset.pk)
        if opened_version is not None and asset_version(locked) != opened_version:
            raise AssetChangedMeanwhile(locked)
        before = values_of(locked)
        values = {**before, **changes}
        if values["manufacturer_override"] and not values["override_reason"]:
            raise ValueError("a manufacturer override needs a reason")
        if {"brand", "model", "manufacturer_override", "firmware"} & set(changes):
            maker = makers.resolve(
                values["brand"], values["model"], values["manufacturer_override"]
            )
            kev = makers.kev(maker, values["model"], values["firmware"])
            values.update(
                manufacturer=maker.manufacturer,
                concern_since=maker.concern_since,
                kev_since=kev.possible_since,
                kev_confirmed_since=kev.confirmed_since,
            )
            locked.manufacturer_confidence = maker.confidence
            locked.manufacturer_evidence = list(maker.evidence)
        changed = sorted(k for k in TRACKED_FIELDS if values[k] != before[k])
        if not changed:
            return False
        for name in changed:
            setattr(locked, name, values[name])
        locked.updated_at = timezone.now()
        locked.save()
        AssetChange.objects.create(
            asset=locked,
            at=locked.updated_at,
            by=actor,
            reason=reason,
            action="updated",
            before={k: json_value(before[k]) for k in changed},
            after={k: json_value(values[k]) for k in changed},
        )
        refresh_tally([locked.body_id])
    asset.refresh_from_db()
    return True
