"""From brand and model as recorded to a manufacturer, its evidence and its concern dates.

Resolutions are cached per distinct (brand, model, override): a register of a million rows
names few distinct strings. Concerns are kept as dates (the earliest concern, the earliest
known-exploited vulnerability) so that exposure "as of" any day is a date comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from custodes.estate._vocab import normalise
from custodes.intel import Concern, Resolver, UnknownManufacturerError, default_resolver
from custodes.intel._kev import KevAssessment, KevRanges, default_kev_ranges

__all__ = ["KEV_CONCERN_KIND", "KevAssessment", "Maker", "MakerResolver"]

KEV_CONCERN_KIND = "known-exploited vulnerability"
MAX_CACHED = 200_000


@dataclass(frozen=True)
class Maker:
    """The resolved manufacturer of a register row ("" when unknown) and why."""

    manufacturer: str
    confidence: float
    evidence: tuple[str, ...]
    concern_since: date | None
    kev_since: date | None
    concern_kinds: tuple[str, ...]
    integrator: str = ""
    overridden: bool = False
    concerns: tuple[Concern, ...] = ()

    def concerned_on(self, day: date) -> bool:
        return self.concern_since is not None and self.concern_since <= day


def _dates(concerns: tuple[Concern, ...]) -> tuple[date | None, date | None, tuple[str, ...]]:
    all_dates = [c.date for c in concerns]
    kev_dates = [c.date for c in concerns if c.kind == KEV_CONCERN_KIND]
    kinds = tuple(sorted({c.kind for c in concerns}))
    return (min(all_dates) if all_dates else None, min(kev_dates) if kev_dates else None, kinds)


class MakerResolver:
    """Resolves register rows through ``custodes.intel`` with a per-string cache."""

    def __init__(
        self, resolver: Resolver | None = None, kev_ranges: KevRanges | None = None
    ) -> None:
        self.resolver = resolver or default_resolver()
        self.kev_ranges = kev_ranges or default_kev_ranges()
        self._cache: dict[tuple[str, str, str], Maker] = {}
        self._kev_cache: dict[tuple[str, str, str], KevAssessment] = {}
        names = sorted(
            {
                normalise(name)
                for integrator in self.resolver.knowledge.integrators
                for name in (integrator.name, *integrator.aliases)
            }
            - {""},
            key=len,
            reverse=True,
        )
        self._integrator_names = {
            normalise(name): integrator.name
            for integrator in self.resolver.knowledge.integrators
            for name in (integrator.name, *integrator.aliases)
        }
        self._integrators = (
            re.compile(r"(?:^| )(" + "|".join(re.escape(n) for n in names) + r")(?: |$)")
            if names
            else None
        )

    def integrator_in(self, text: str) -> str:
        """The installer or integrator named in ``text`` (canonical name), or ""."""
        if self._integrators is None:
            return ""
        match = self._integrators.search(normalise(text))
        return self._integrator_names[match.group(1)] if match else ""

    def resolve(self, brand: str, model: str, override: str = "") -> Maker:
        key = (brand, model, override)
        found = self._cache.get(key)
        if found is None:
            found = self._override(override) if override else self._resolve(brand, model)
            if len(self._cache) < MAX_CACHED:
                self._cache[key] = found
        return found

    def kev(self, maker: Maker, model: str, firmware: str) -> KevAssessment:
        """The maker's known exploited vulnerabilities judged against the device's model and
        firmware as recorded: confirmed only where both are known to be in an affected range."""
        key = (maker.manufacturer, model, firmware)
        found = self._kev_cache.get(key)
        if found is None:
            found = self.kev_ranges.assess(maker.concerns, model, firmware)
            if len(self._kev_cache) < MAX_CACHED:
                self._kev_cache[key] = found
        return found

    def canonical(self, name: str) -> str:
        """The manufacturer that ``name`` (a manufacturer, brand or OEM label) stands for, or
        ``name`` itself when the knowledge base does not know it."""
        return self.resolve(name, "").manufacturer or name

    def _resolve(self, brand: str, model: str) -> Maker:
        text = " ".join(part for part in (brand, model) if part)
        integrator = self.integrator_in(text)
        if not text:
            return Maker("", 0.0, ("no brand or model recorded",), None, None, ())
        result = self.resolver.resolve(text)
        since, kev_since, kinds = _dates(result.concerns)
        return Maker(
            manufacturer=result.manufacturer or "",
            confidence=result.confidence,
            evidence=result.evidence,
            concern_since=since,
            kev_since=kev_since,
            concern_kinds=kinds,
            integrator=integrator,
            concerns=result.concerns,
        )

    def _override(self, override: str) -> Maker:
        try:
            concerns = self.resolver.concerns_for(override)
        except UnknownManufacturerError:
            return Maker(
                override,
                1.0,
                (f"override: {override} (not in the knowledge base)",),
                None,
                None,
                (),
                overridden=True,
            )
        maker = self.resolver.knowledge.find_manufacturer(override)
        name = maker.name if maker is not None else override
        since, kev_since, kinds = _dates(concerns)
        return Maker(
            name,
            1.0,
            (f"override: {name}",),
            since,
            kev_since,
            kinds,
            overridden=True,
            concerns=concerns,
        )
