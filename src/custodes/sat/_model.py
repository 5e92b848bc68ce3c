"""Ratings and their order, sources of an assessment, the kinds of system an assessment covers,
and what a certificate means on a given day."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from custodes.sat._schema import Scheme


class Rating(StrEnum):
    """A body's own rating of one principle."""

    NOT_MET = "not_met"
    PARTLY = "partly"
    NOT_ASSESSED = "not_assessed"
    MET = "met"


#: Worst first: a body counts once per principle, under the worst of its current ratings.
RATING_ORDER: tuple[Rating, ...] = (Rating.NOT_MET, Rating.PARTLY, Rating.NOT_ASSESSED, Rating.MET)
RATING_LABELS = {
    Rating.MET: "Met",
    Rating.PARTLY: "Partly met",
    Rating.NOT_MET: "Not met",
    Rating.NOT_ASSESSED: "Not assessed",
}
#: A body in scope with no current assessment: never read as "not met".
NOT_DISCLOSED = "not_disclosed"
NOT_DISCLOSED_LABEL = "Not disclosed"


def worst(ratings: Iterable[Rating]) -> Rating:
    """The worst of ``ratings`` in :data:`RATING_ORDER` (ValueError when empty)."""
    return min(ratings, key=RATING_ORDER.index)


def parse_rating(text: str) -> Rating:
    """A rating from text as people write it: ``met``, ``Partly met``, ``not-met``, ``N/A``…"""
    key = " ".join(text.strip().casefold().replace("_", " ").replace("-", " ").split())
    found = _RATING_WORDS.get(key)
    if found is None:
        raise ValueError(f"{text.strip()!r} is not a rating (met, partly, not met or not assessed)")
    return found


_RATING_WORDS = {
    "met": Rating.MET,
    "yes": Rating.MET,
    "partly": Rating.PARTLY,
    "partly met": Rating.PARTLY,
    "partial": Rating.PARTLY,
    "partially met": Rating.PARTLY,
    "not met": Rating.NOT_MET,
    "no": Rating.NOT_MET,
    "not assessed": Rating.NOT_ASSESSED,
    "n/a": Rating.NOT_ASSESSED,
}


class Source(StrEnum):
    """Where an assessment comes from; kept and shown with every figure."""

    SELF_ASSESSED = "self_assessed"
    FOI = "foi_disclosure"
    SURVEY = "survey"
    AUDIT = "third_party_audit"


SOURCE_LABELS = {
    Source.SELF_ASSESSED: "Self-assessed",
    Source.FOI: "Disclosed under FOI",
    Source.SURVEY: "Reported in a survey",
    Source.AUDIT: "Audited by a third party",
}


def parse_source(text: str) -> Source:
    """A source from its value or label (case and spacing ignored)."""
    key = " ".join(text.strip().casefold().replace("_", " ").replace("-", " ").split())
    for source in Source:
        if key in {source.value.replace("_", " "), SOURCE_LABELS[source].casefold()}:
            return source
    if key in {"foi", "self", "audit", "audited"}:
        return {"foi": Source.FOI, "self": Source.SELF_ASSESSED}.get(key, Source.AUDIT)
    values = ", ".join(s.value for s in Source)
    raise ValueError(f"{text.strip()!r} is not a source ({values})")


@dataclass(frozen=True)
class System:
    """A kind of system an assessment can cover: a block of the survey questionnaire, which
    the register's equipment kinds map to (``data/estate/columns.yaml``)."""

    code: str
    label: str


SYSTEMS_QUESTIONNAIRE = "police-estate-2022"


@functools.cache
def systems() -> tuple[System, ...]:
    """The kinds of system, in the questionnaire's order: the questionnaire blocks that the
    register's equipment kinds belong to (external and internal CCTV, ANPR, body-worn video,
    drones, aircraft cameras, facial recognition, other)."""
    from custodes.estate import load_vocabulary
    from custodes.questionnaire import load_shipped

    blocks = set(load_vocabulary().kind_blocks.values())
    return tuple(
        System(block.id, block.title)
        for block in load_shipped(SYSTEMS_QUESTIONNAIRE).blocks
        if block.id in blocks
    )


def system_labels() -> dict[str, str]:
    """System code → label."""
    return {s.code: s.label for s in systems()}


def parse_system(text: str) -> str:
    """A system's code from its code, its label or a register kind or synonym (``ANPR``,
    ``external_cctv_camera``, ``Body-worn video``…)."""
    from custodes.estate import load_vocabulary

    key = " ".join(text.strip().casefold().replace("_", " ").replace("-", " ").split())
    for system in systems():
        if key in {system.code.replace("_", " "), system.label.casefold().replace("-", " ")}:
            return system.code
    vocabulary = load_vocabulary()
    kind = vocabulary.kind_of(text)
    if kind is not None:
        return vocabulary.kind_blocks[kind]
    codes = ", ".join(s.code for s in systems())
    raise ValueError(f"{text.strip()!r} is not a kind of system ({codes})")


class CertificateState(StrEnum):
    """What a recorded certificate means on a day."""

    CURRENT = "current"
    EXPIRED = "expired"
    VOIDED = "voided"
    NOT_YET = "not_yet_issued"


def certificate_state(
    scheme: Scheme, issued_on: dt.date, expires_on: dt.date | None, day: dt.date
) -> CertificateState:
    """A certificate's state on ``day``: once the scheme voided its certificates it is
    history (``voided``), whatever its own expiry said."""
    if day < issued_on:
        return CertificateState.NOT_YET
    if scheme.voided_on is not None and day >= scheme.voided_on:
        return CertificateState.VOIDED
    if expires_on is not None and day > expires_on:
        return CertificateState.EXPIRED
    return CertificateState.CURRENT


def certificate_wording(
    scheme: Scheme, step: str, issued_on: dt.date, expires_on: dt.date | None, day: dt.date
) -> str:
    """How a certificate reads on ``day``: "certified" only while current, history after."""
    title = next((s.title for s in scheme.steps if s.id == step), step)
    state = certificate_state(scheme, issued_on, expires_on, day)
    if state is CertificateState.CURRENT:
        return f"Certified: {title}, since {issued_on.isoformat()}"
    if state is CertificateState.VOIDED:
        assert scheme.voided_on is not None
        return (
            f"History: certified ({title}) from {issued_on.isoformat()} until the scheme voided "
            f"every certificate on {scheme.voided_on.isoformat()}"
        )
    if state is CertificateState.EXPIRED:
        assert expires_on is not None
        return (
            f"History: certified ({title}) from {issued_on.isoformat()}, "
            f"expired {expires_on.isoformat()}"
        )
    return f"Not yet issued: {title} from {issued_on.isoformat()}"
