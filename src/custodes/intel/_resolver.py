"""Turning messy vendor text (names, models, MAC addresses) into sourced facts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

import netaddr
from rapidfuzz import fuzz, process

from custodes.intel._errors import UnknownManufacturerError
from custodes.intel._knowledge import KnowledgeBase, load_knowledge
from custodes.intel._model import (
    Brand,
    Concern,
    Integrator,
    Manufacturer,
    ProductLine,
    Resolution,
)
from custodes.intel._models import ModelMatch, ModelMatcher
from custodes.intel._normalize import (
    MAX_INPUT_CHARS,
    looks_like_model,
    model_tokens,
    name_key,
    words,
)

FUZZY_CUTOFF = 86.0
FUZZY_MIN_LENGTH = 5
CACHE_SIZE = 65_536
MAX_NGRAM = 6
MAX_MODEL_TOKENS = 32
MAX_QUALIFIERS = 3
_MAC = re.compile(
    r"^\s*(?:[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}|[0-9a-f]{4}(?:\.[0-9a-f]{4}){2}|[0-9a-f]{12})\s*$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:19|20)[0-9]{2}$")
_CONFIDENCE_SCORE = {"high": 0.9, "medium": 0.75, "low": 0.4}


@dataclass(frozen=True)
class _NameEntry:
    """What an index key points at: exactly one of maker, brand, integrator or product line."""

    label: str
    how: str
    maker: Manufacturer | None = None
    brand: Brand | None = None
    integrator: Integrator | None = None
    line: ProductLine | None = None


@dataclass(frozen=True)
class _Hit:
    entry: _NameEntry
    start: int
    end: int
    fuzzy_score: float | None = None


def _legal_variants(name: str, suffixes: frozenset[str]) -> Iterable[str]:
    """The name itself and the name with trailing legal-form words removed."""
    yield name
    parts = words(name)
    while parts and parts[-1] in suffixes:
        parts = parts[:-1]
    if parts:
        yield " ".join(parts)


class Resolver:
    """Resolve free text or MAC addresses against a knowledge base."""

    def __init__(self, knowledge: KnowledgeBase | None = None) -> None:
        self.knowledge = knowledge if knowledge is not None else load_knowledge()
        self._names: dict[str, _NameEntry] = {}
        self._sorted_names: dict[str, _NameEntry] = {}
        self._oui: dict[str, Manufacturer] = {}
        self._brand_owner: dict[str, Manufacturer] = {}
        self._max_words = 1
        self._build_index()
        self._models = ModelMatcher(self.knowledge)
        self._fuzzy_keys = [key for key in self._names if len(key) >= FUZZY_MIN_LENGTH]
        kind_order = {kind: rank for rank, (kind, _) in enumerate(self.knowledge.device_kinds)}
        self._kind_words = {
            name_key(word): (kind_order[kind], kind)
            for kind, kind_words in self.knowledge.device_kinds
            for word in kind_words
        }
        self._analyse = lru_cache(maxsize=CACHE_SIZE)(self._analyse_uncached)

    # -- index -------------------------------------------------------------------------------

    def _add(self, name: str, entry: _NameEntry) -> None:
        key = name_key(name)
        if not key or key in self.knowledge.noise_words:
            return
        self._names.setdefault(key, entry)
        name_words = words(name)
        self._max_words = min(MAX_NGRAM, max(self._max_words, len(name_words)))
        if len(name_words) > 1:
            self._sorted_names.setdefault(" ".join(sorted(name_words)), entry)

    def _build_index(self) -> None:
        suffixes = self.knowledge.legal_suffixes
        for maker in self.knowledge.manufacturers:
            for name in (maker.name, *maker.aliases):
                self._add(name, _NameEntry(label=maker.name, how="name", maker=maker))
            for name in maker.legal_names:
                for variant in _legal_variants(name, suffixes):
                    self._add(variant, _NameEntry(label=maker.name, how="legal name", maker=maker))
            for name in maker.misspellings:
                self._add(name, _NameEntry(label=maker.name, how="misspelling", maker=maker))
            for brand in maker.brands:
                for name in (brand.name, *brand.aliases):
                    for variant in _legal_variants(name, suffixes):
                        self._add(
                            variant,
                            _NameEntry(label=brand.name, how="brand", maker=maker, brand=brand),
                        )
                self._brand_owner[name_key(brand.name)] = maker
            for line in maker.product_lines:
                self._add(line.name, _NameEntry(label=line.name, how="product line", line=line))
            for registrant in maker.oui_registrants:
                self._oui[name_key(registrant)] = maker
        for integrator in self.knowledge.integrators:
            for name in (integrator.name, *integrator.aliases):
                self._add(
                    name, _NameEntry(label=integrator.name, how="integrator", integrator=integrator)
                )

    # -- public API --------------------------------------------------------------------------

    def resolve(self, text: str, *, as_of: date | None = None) -> Resolution:
        """Resolve a vendor name, brand, model string or MAC address."""
        if _MAC.match(text[:64]):
            return self.resolve_mac(text, as_of=as_of)
        key = " ".join(text[:MAX_INPUT_CHARS].split()).casefold()
        result = self._analyse(key, as_of)
        return result if result.input == text else replace(result, input=text)

    def resolve_mac(self, mac: str, *, as_of: date | None = None) -> Resolution:
        """Resolve a MAC address through the IEEE OUI registry bundled with netaddr."""
        try:
            eui = netaddr.EUI(mac.strip()[:64])
        except (netaddr.AddrFormatError, TypeError, ValueError):
            return self._unknown(mac, f"not a valid MAC address: {mac[:64]!r}")
        if eui.words[0] & 0x02:
            return self._unknown(mac, "locally administered (randomised) MAC: no OUI to look up")
        prefix = "-".join(f"{byte:02X}" for byte in eui.words[:3])
        try:
            registrant = str(eui.oui.registration().org)
        except netaddr.NotRegisteredError:
            return self._unknown(mac, f"OUI {prefix} is not in the bundled IEEE MA-L registry")
        maker = self._oui.get(name_key(registrant))
        evidence = [f"OUI {prefix}: IEEE registrant {registrant!r}"]
        if maker is not None:
            evidence.append(
                f"OUI registrant belongs to {maker.name} (an OUI is evidence, not proof)"
            )
            hit = _Hit(_NameEntry(label=maker.name, how="OUI registrant", maker=maker), 0, 0)
            result = self._company(mac, hit, None, None, evidence, as_of, penalty=False)
            return replace(result, brand=None, confidence=round(result.confidence * 0.85, 3))
        by_name = self.resolve(registrant, as_of=as_of)
        if by_name.manufacturer is None:
            evidence.append("registrant not in the knowledge base")
            return Resolution(mac, None, None, None, None, 0.0, tuple(evidence), ())
        evidence += [f"registrant name: {line}" for line in by_name.evidence]
        return replace(
            by_name,
            input=mac,
            brand=None,
            model=None,
            confidence=min(by_name.confidence, 0.6),
            evidence=tuple(evidence),
        )

    def concerns_for(self, manufacturer: str, *, as_of: date | None = None) -> tuple[Concern, ...]:
        """Concerns applying to a manufacturer (canonical name, alias or brand) on ``as_of``."""
        maker = self.knowledge.find_manufacturer(manufacturer)
        if maker is None:
            maker = self._brand_owner.get(name_key(manufacturer))
        if maker is None:
            raise UnknownManufacturerError(manufacturer)
        return _active(maker.concerns, as_of)

    def judge_names(self, names: Iterable[str], as_of: date | None = None) -> str:
        """How a list of named manufacturers stands: ``"yes"`` when any resolves to a maker
        with a concern on ``as_of``, else ``"unsure"`` when any cannot be identified (an
        unknown name, or an installer that hides the maker), else ``"no"``."""
        verdict = "no"
        for name in names:
            resolution = self.resolve(name, as_of=as_of)
            if resolution.has_concern:
                return "yes"
            if resolution.manufacturer is None:
                verdict = "unsure"
        return verdict

    def named_company(self, text: str) -> Manufacturer | None:
        """The company a name refers to (a brand gives its owner), without OEM translation."""
        text_words = words(text[:MAX_INPUT_CHARS])
        hits = self._name_hits(text_words)
        if not hits:
            fuzzy = self._fuzzy_hit(text_words)
            hits = [fuzzy] if fuzzy is not None else []
        for hit in hits:
            if hit.entry.maker is not None and (
                hit.entry.brand is None or hit.entry.brand.fact.confidence != "low"
            ):
                return hit.entry.maker
            if hit.entry.line is not None and not hit.entry.line.needs_maker_name:
                return self.knowledge.manufacturer(hit.entry.line.manufacturer)
        return None

    # -- analysis ----------------------------------------------------------------------------

    def _unknown(self, text: str, reason: str) -> Resolution:
        return Resolution(text, None, None, None, None, 0.0, (reason,), ())

    def _name_hits(self, text_words: tuple[str, ...]) -> list[_Hit]:
        hits: list[_Hit] = []
        position = 0
        while position < len(text_words):
            found = None
            for size in range(min(self._max_words, len(text_words) - position), 0, -1):
                span = text_words[position : position + size]
                entry = self._names.get("".join(span))
                if entry is None and size > 1:
                    entry = self._sorted_names.get(" ".join(sorted(span)))
                if entry is not None and not (size == 1 and span[0] in self.knowledge.noise_words):
                    found = _Hit(entry, position, position + size)
                    break
            if found is None:
                position += 1
            else:
                hits.append(found)
                position = found.end
        return hits

    def _fuzzy_hit(self, text_words: tuple[str, ...]) -> _Hit | None:
        # Legal-form words ("corporation", "ltd") name no maker: a fuzzy match on them would
        # turn "ACTi Corporation" into "ZTE Corporation".
        noise = self.knowledge.noise_words | self.knowledge.legal_suffixes
        candidates: list[tuple[str, int, int]] = []
        for index, word in enumerate(text_words):
            if word in noise or not word.isalpha():
                continue
            if len(word) >= FUZZY_MIN_LENGTH:
                candidates.append((word, index, index + 1))
            if index + 1 < len(text_words) and text_words[index + 1].isalpha():
                pair = word + text_words[index + 1]
                if text_words[index + 1] not in noise:
                    candidates.append((pair, index, index + 2))
        best: _Hit | None = None
        for candidate, start, end in candidates[:MAX_MODEL_TOKENS]:
            match = process.extractOne(
                candidate, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
            )
            if match is not None and (best is None or match[1] > (best.fuzzy_score or 0)):
                best = _Hit(self._names[match[0]], start, end, fuzzy_score=match[1])
        return best

    def _device_kind(self, text_words: tuple[str, ...]) -> str | None:
        best: tuple[int, str] | None = None
        for size in (3, 2, 1):
            for start in range(len(text_words) - size + 1):
                found = self._kind_words.get("".join(text_words[start : start + size]))
                if found is not None and (best is None or found < best):
                    best = found
        return best[1] if best else None

    def _model_after(self, text: str, hit: _Hit) -> str | None:
        """First model-like token in the text that is not part of the matched name."""
        named = name_key(hit.entry.label)
        for token in model_tokens(text)[:MAX_MODEL_TOKENS]:
            key = name_key(token)
            if key and key not in named and looks_like_model(token) and not _YEAR.match(token):
                return token
        return None

    def _line_model(self, text_words: tuple[str, ...], hit: _Hit, line: ProductLine) -> str:
        parts = [line.name]
        for word in text_words[hit.end : hit.end + MAX_QUALIFIERS]:
            if word.isdigit() or word in line.qualifiers or looks_like_model(word.upper()):
                parts.append(word.upper() if len(word) <= 3 else word.capitalize())
            else:
                break
        return " ".join(parts)

    def _analyse_uncached(self, text: str, as_of: date | None) -> Resolution:
        text_words = words(text)
        evidence: list[str] = []
        hits = self._name_hits(text_words)
        if not hits:
            fuzzy = self._fuzzy_hit(text_words)
            if fuzzy is not None:
                hits = [fuzzy]
                evidence.append(
                    f"fuzzy match {' '.join(text_words[fuzzy.start : fuzzy.end])!r} "
                    f"~ {fuzzy.entry.label!r} (score {fuzzy.fuzzy_score:.0f})"
                )
        integrators = [hit for hit in hits if hit.entry.integrator is not None]
        lines = [hit for hit in hits if hit.entry.line is not None]
        companies = [hit for hit in hits if hit.entry.maker is not None]
        for hit in integrators:
            evidence.append(f"integrator: {hit.entry.label} (installer, not the manufacturer)")
        named_makers = {hit.entry.maker.name for hit in companies if hit.entry.maker}
        lines = [
            hit
            for hit in lines
            if hit.entry.line
            and (not hit.entry.line.needs_maker_name or hit.entry.line.manufacturer in named_makers)
        ]
        kind = self._device_kind(text_words)
        model_hit = self._models.match(text)
        if (
            model_hit is not None
            and companies
            and _named_elsewhere(companies[0], model_hit, text_words)
        ):
            evidence.append(
                f"model {model_hit.token} resembles the {model_hit.manufacturer.name} family "
                f"{model_hit.pattern.family}, but the box names {companies[0].entry.label} "
                "with no known OEM link: the name is kept"
            )
            model_hit = None

        if model_hit is not None and model_hit.asserted:
            pattern, token, maker = model_hit.pattern, model_hit.token, model_hit.manufacturer
            evidence.extend(model_hit.evidence)
            confidence = model_hit.confidence
            brand = model_hit.brand
            if companies:
                named = companies[0].entry
                brand = named.label
                if named.maker is maker:
                    confidence = 0.97
                else:
                    links = [
                        m
                        for m in (named.maker.made_by if named.maker else ())
                        if m.maker == maker.name
                    ]
                    relation = (
                        f"known OEM link ({links[0].fact.confidence})"
                        if links
                        else "no known OEM link"
                    )
                    evidence.append(f"name on the box: {named.label}; {relation}")
                    confidence = 0.85 if links else 0.75
            also = (model_hit.labeller,) if model_hit.labeller else ()
            return self._finish(
                text, maker, brand, token, pattern.device_kind, confidence, evidence, as_of, also
            )
        if model_hit is not None:
            evidence.append(
                f"possible {model_hit.pattern.manufacturer} model {model_hit.token} "
                "(low-confidence pattern, not asserted)"
            )

        if companies:
            hit = companies[0]
            others = sorted({h.entry.label for h in companies[1:]} - {hit.entry.label})
            if others:
                evidence.append(f"also named: {', '.join(others)}")
            model = self._model_after(text, hit)
            if lines and lines[0].entry.line:
                model = self._line_model(text_words, lines[0], lines[0].entry.line)
                kind = lines[0].entry.line.device_kind
            return self._company(text, hit, model, kind, evidence, as_of, penalty=len(others) > 0)

        if lines and lines[0].entry.line:
            hit = lines[0]
            line = hit.entry.line
            assert line is not None
            maker = self.knowledge.manufacturer(line.manufacturer)
            evidence.append(
                f"product line {line.name} is made by {maker.name} "
                f"({line.fact.confidence} confidence, {line.fact.source})"
            )
            model = self._line_model(text_words, hit, line)
            confidence = _CONFIDENCE_SCORE[line.fact.confidence]
            if line.fact.confidence == "low":
                evidence.append("low-confidence product line: manufacturer not asserted")
                return Resolution(
                    text, None, None, model, line.device_kind, 0.3, tuple(evidence), ()
                )
            return self._finish(
                text, maker, None, model, line.device_kind, confidence, evidence, as_of
            )

        if not evidence:
            evidence.append("no rule matched")
        return Resolution(text, None, None, None, kind, 0.0, tuple(evidence), ())

    def _company(
        self,
        text: str,
        hit: _Hit,
        model: str | None,
        kind: str | None,
        evidence: list[str],
        as_of: date | None,
        *,
        penalty: bool,
    ) -> Resolution:
        entry = hit.entry
        maker = entry.maker
        assert maker is not None
        scale = (hit.fuzzy_score / 100.0 * 0.8) if hit.fuzzy_score else 1.0
        scale *= 0.85 if penalty else 1.0
        if entry.brand is not None:
            brand = entry.brand
            when = as_of or date.today()
            period = "" if brand.covers(when) else f" (relation not in force on {when.isoformat()})"
            evidence.append(
                f"{brand.name} is a {brand.relation} of {maker.name}{period} "
                f"({brand.fact.confidence} confidence, {brand.fact.source})"
            )
            if brand.fact.confidence == "low":
                evidence.append(f"possible maker {maker.name} not asserted (low confidence)")
                return Resolution(text, None, brand.name, model, kind, 0.3, tuple(evidence), ())
            confidence = _CONFIDENCE_SCORE[brand.fact.confidence] * scale
            return self._finish(text, maker, brand.name, model, kind, confidence, evidence, as_of)

        evidence.append(f"{entry.how} of {maker.name}")
        for owner in maker.owners:
            when = as_of or date.today()
            if owner.covers(when):
                evidence.append(
                    f"owned by {owner.owner} on {when.isoformat()} ({owner.fact.source})"
                )
        asserted = [
            link
            for link in maker.made_by
            if link.fact.confidence != "low" and link.scope in ("all", "most")
        ]
        for link in maker.made_by:
            if link not in asserted:
                evidence.append(
                    f"possible OEM: {link.maker} makes {link.scope} {maker.name} products "
                    f"({link.fact.confidence} confidence, {link.fact.source}); not asserted"
                )
        if asserted:
            link = asserted[0]
            oem = self.knowledge.manufacturer(link.maker)
            evidence.append(
                f"{maker.name} products are made by {oem.name} ({link.scope}; "
                f"{link.fact.confidence} confidence, {link.fact.source})"
            )
            confidence = _CONFIDENCE_SCORE[link.fact.confidence] * scale
            return self._finish(
                text, oem, maker.name, model, kind, confidence, evidence, as_of, also=(maker,)
            )
        confidence = (0.95 if entry.how != "misspelling" else 0.85) * scale
        return self._finish(text, maker, maker.name, model, kind, confidence, evidence, as_of)

    def _finish(
        self,
        text: str,
        maker: Manufacturer,
        brand: str | None,
        model: str | None,
        kind: str | None,
        confidence: float,
        evidence: list[str],
        as_of: date | None,
        also: tuple[Manufacturer, ...] = (),
    ) -> Resolution:
        concerns: list[Concern] = []
        for company in (maker, *also):
            for concern in _active(company.concerns, as_of):
                if concern not in concerns:
                    concerns.append(concern)
            for concern in _active(company.unverified_concerns, as_of):
                evidence.append(
                    f"unverified concern (not applied): {concern.authority}: {concern.summary}"
                )
        if as_of is not None:
            skipped = sum(1 for c in maker.concerns if c.date > as_of)
            if skipped:
                evidence.append(f"{skipped} concern(s) dated after {as_of.isoformat()} not applied")
        return Resolution(
            input=text,
            manufacturer=maker.name,
            brand=brand,
            model=model,
            device_kind=kind,
            confidence=round(min(max(confidence, 0.0), 1.0), 3),
            evidence=tuple(evidence),
            concerns=tuple(concerns),
        )


def _named_elsewhere(hit: _Hit, model_hit: ModelMatch, text_words: tuple[str, ...]) -> bool:
    """Whether the text names, outside the model number itself, a company that neither is
    nor relabels the model's maker and has no known OEM link to it."""
    named = hit.entry.maker
    if named is None or named is model_hit.manufacturer or named is model_hit.labeller:
        return False
    if name_key(" ".join(text_words[hit.start : hit.end])) in name_key(model_hit.token):
        return False
    return not any(link.maker == model_hit.manufacturer.name for link in named.made_by)


def _active(concerns: Iterable[Concern], as_of: date | None) -> tuple[Concern, ...]:
    return tuple(c for c in concerns if as_of is None or c.date <= as_of)


@lru_cache(maxsize=8)
def _resolver_for(knowledge: KnowledgeBase) -> Resolver:
    return Resolver(knowledge)


def default_resolver() -> Resolver:
    """Cached resolver over the shipped knowledge plus KEV imports in ``CUSTODES_DATA_DIR``."""
    return _resolver_for(load_knowledge())
