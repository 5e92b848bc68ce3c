"""Returns against registers: what a body answered in a round compared with its register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from custodes import estate as core
from custodes import findings as fcore
from custodes.web.bodies.models import Body
from custodes.web.estate.services.exposure import holdings
from custodes.web.surveys.analysis import round_data
from custodes.web.surveys.models import Round

__all__ = ["BodyReconciliation", "round_named", "round_reconciliations"]


@dataclass(frozen=True)
class BodyReconciliation:
    """One body's return set against its register."""

    body: Body
    reconciliation: core.Reconciliation


def round_named(name: str) -> Round | None:
    """The round called ``name``, with its recipient list, or None."""
    return Round.objects.select_related("recipient_list").filter(name=name).first()


def round_reconciliations(
    round_: Round,
    as_of: datetime | None = None,
) -> list[BodyReconciliation]:
    """Every submitted return of the round compared with its body's register, as of a moment
    (answers with corrections made by then; the register on that day). Now when not given."""
    day = timezone.localdate(as_of) if as_of is not None else timezone.localdate()
    canonical = core.MakerResolver().canonical
    bodies = {b.code: b for b in round_.recipient_list.bodies.all()}
    found: list[BodyReconciliation] = []
    for record in round_data(round_, as_of=as_of).returns:
        answers = fcore.answers_as_of(record.events, as_of)
        body = bodies.get(record.body)
        if answers is None or body is None:
            continue
        result = core.reconcile(body.code, answers, holdings(body, day), canonical)
        found.append(BodyReconciliation(body, result))
    return found
