"""Edits of single assets by people, each with who, why and the change recorded."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from custodes import estate as core
from custodes.web.bodies.models import Body
from custodes.web.estate.models import Asset, AssetChange
from custodes.web.estate.services.history import TRACKED_FIELDS, json_value, values_of
from custodes.web.estate.services.tally import refresh_tally

__all__ = ["find_asset", "update_asset"]


def find_asset(body: Body, asset_id: str) -> Asset | None:
    """The body's asset with that id (as in the register), or None."""
    return Asset.objects.filter(body=body, asset_id=asset_id).first()


def update_asset(asset: Asset, changes: dict[str, Any], *, actor: str, reason: str) -> bool:
    """Changes an asset's fields with who and why; a new brand, model or override re-resolves
    the manufacturer. Returns False when nothing changed."""
    if not reason.strip():
        raise ValueError("say why the asset is changed")
    unknown = set(changes) - set(TRACKED_FIELDS)
    if unknown:
        raise ValueError(f"not an editable field: {', '.join(sorted(unknown))}")
    if changes.get("manufacturer_override") and not (
        changes.get("override_reason") or asset.override_reason
    ):
        raise ValueError("a manufacturer override needs a reason")
    with transaction.atomic():
        locked = Asset.objects.select_for_update().get(pk=asset.pk)
        before = values_of(locked)
        values = {**before, **changes}
        if {"brand", "model", "manufacturer_override"} & set(changes):
            maker = core.MakerResolver().resolve(
                values["brand"], values["model"], values["manufacturer_override"]
            )
            values.update(
                manufacturer=maker.manufacturer,
                concern_since=maker.concern_since,
                kev_since=maker.kev_since,
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
