"""Turning messy vendor text (names, models, MAC addresses) into sourced facts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from custodes.intel._errors import UnknownManufacturerError
from custodes.intel._ieee import IeeeRegistry, load_registry, parse_mac
from custodes.intel._knowledge import KEV_KIND, KnowledgeBase, data_dir_from_env, load_knowledge
from custodes.intel._model import (
    WEAK_CONFIDENCE,
    Brand,
    Component,
    Concern,
    Integrator,
    Lookalike,
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

FUZZY_MIN_STEM = 8
"""A fuzzy match is tried only on a distinctive stem this long (generic words removed)."""
FUZZY_LONG_STEM = 10
"""Stems this long may differ by two edits; shorter ones by one."""
FUZZY_CONFIDENCE = 0.45
"""A fuzzy match is weak: below ``WEAK_CONFIDENCE``, so its concerns are only possible."""
MAX_OWNER_CHAIN = 8
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
    lookalike: Lookalike | None = None
    component: Component | None = None


@dataclass(frozen=True)
class _Hit:
    entry: _NameEntry
    start: int
    end: int
    fuzzy_distance: int | None = None


def _legal_variants(name: str, suffixes: frozenset[str]) -> Iterable[str]:
    """The name itself and the name with trailing legal-form words removed."""
    yield name
    parts = words(name)
    while parts and parts[-1] in suffixes:
        parts = parts[:-1]
    if parts:
        yield " ".join(parts)


def _strip_affixes(word: str, generic: frozenset[str]) -> str:
    """A word without generic parts glued to it: "kbvision" -> "kb", "ralink" -> "ra"."""
    changed = True
    while changed:
        changed = False
        for part in generic:
            if len(part) >= 3 and len(word) > len(part):
                if word.endswith(part):
                    word, changed = word[: -len(part)], True
                elif word.startswith(part):
                    word, changed = word[len(part) :], True
    return word


class Resolver:
    """Resolve free text or MAC addresses against a knowledge base."""

    def __init__(
        self, knowledge: KnowledgeBase | None = None, mac_registry: IeeeRegistry | None = None
    ) -> None:
        self.knowledge = knowledge if knowledge is not None else load_knowledge()
        self._mac_registry = mac_registry
        self._names: dict[str, _NameEntry] = {}
        self._sorted_names: dict[str, _NameEntry] = {}
        self._oui: dict[str, Manufacturer] = {}
        self._brand_owner: dict[str, Manufacturer] = {}
        self._max_words = 1
        self._ignored = self.knowledge.noise_words | self.knowledge.legal_suffixes
        self._unmatchable = (
            self.knowledge.noise_words
            | self.knowledge.legal_suffixes
            | self.knowledge.generic_words
        )
        self._fuzzy: dict[str, tuple[_NameEntry, str]] = {}
        self._build_index()
        self._models = ModelMatcher(self.knowledge)
        self._fuzzy_keys = list(self._fuzzy)
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
        if not key or key in self.knowledge.noise_words or key in self.knowledge.generic_words:
            return
        self._names.setdefault(key, entry)
        name_words = words(name)
        self._max_words = min(MAX_NGRAM, max(self._max_words, len(name_words)))
        if len(name_words) > 1:
            self._sorted_names.setdefault(" ".join(sorted(name_words)), entry)

    def _stem(self, name_words: Iterable[str]) -> str:
        """The distinctive part of a name: generic, noise and legal-form words removed."""
        generic = self.knowledge.generic_words
        return "".join(
            _strip_affixes(word, generic) for word in name_words if word not in self._unmatchable
        )

    def _add_fuzzy(self, name: str, entry: _NameEntry) -> None:
        """Make the distinctive stem of ``name`` reachable by fuzzy matching, if long enough."""
        name_words = words(name)
        stem = self._stem(name_words)
        if len(stem) >= FUZZY_MIN_STEM and stem.isalpha():
            whole = "".join(word for word in name_words if word not in self._ignored)
            self._fuzzy.setdefault(stem, (entry, whole))

    def _build_index(self) -> None:
        suffixes = self.knowledge.legal_suffixes
        makers = {
            name_key(variant)
            for maker in self.knowledge.manufacturers
            for name in maker.all_names()
            for variant in _legal_variants(name, suffixes)
        }
        for lookalike in self.knowledge.lookalikes:
            entry = _NameEntry(label=lookalike.name, how="look-alike", lookalike=lookalike)
            for name in lookalike.names:
                variants = list(_legal_variants(name, suffixes))
                if any(name_key(variant) in makers for variant in variants[1:]):
                    # "GENETEC Corporation" is a look-alike only as a whole: "Genetec" is a maker
                    self._add(name, entry)
                    continue
                for variant in variants:
                    self._add(variant, entry)
                self._add_fuzzy(name, entry)
        for component in self.knowledge.components:
            entry = _NameEntry(label=component.name, how="component", component=component)
            for name in component.names:
                for variant in _legal_variants(name, suffixes):
                    self._add(variant, entry)
                self._add_fuzzy(name, entry)
        for maker in self.knowledge.manufacturers:
            for name in (maker.name, *maker.aliases):
                entry = _NameEntry(label=maker.name, how="name", maker=maker)
                self._add(name, entry)
                self._add_fuzzy(name, entry)
            for name in maker.legal_names:
                for variant in _legal_variants(name, suffixes):
                    self._add(variant, _NameEntry(label=maker.name, how="legal name", maker=maker))
            for name in maker.misspellings:
                self._add(name, _NameEntry(label=maker.name, how="misspelling", maker=maker))
            for brand in maker.brands:
                entry = _NameEntry(label=brand.name, how="brand", maker=maker, brand=brand)
                for name in (brand.name, *brand.aliases):
                    for variant in _legal_variants(name, suffixes):
                        self._add(variant, entry)
                self._add_fuzzy(brand.name, entry)
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
        result = self._analyse(key, as_of, False)
        return result if result.input == text else replace(result, input=text)

    @property
    def mac_registry(self) -> IeeeRegistry:
        """The IEEE registries used for MAC look-ups: the one given, else the imported copy in
        ``$CUSTODES_DATA_DIR`` or the shipped one (re-read when an import replaces it)."""
        if self._mac_registry is not None:
            return self._mac_registry
        return load_registry(data_dir_from_env())

    def resolve_mac(self, mac: str, *, as_of: date | None = None) -> Resolution:
        """Resolve a MAC address: the longest IEEE assignment (MA-S, MA-M, IAB or MA-L) that
        contains it, then its registrant through the knowledge base."""
        value = parse_mac(mac)
        if value is None:
            return self._unknown(mac, f"not a valid MAC address: {mac[:64]!r}")
        if value >> 40 & 0x02:
            return self._unknown(mac, "locally administered (randomised) MAC: no OUI to look up")
        registry = self.mac_registry
        dated = registry.date.isoformat() if registry.date else "no date"
        assignment = registry.lookup(value)
        if assignment is None:
            return self._unknown(
                mac,
                f"{value >> 24:06X} is in no IEEE assignment (MA-L, MA-M, MA-S, IAB of {dated})",
            )
        found = self._resolve_registrant(mac, assignment.registrant, as_of)
        evidence = (
            f"{assignment.registry} {assignment.block}: IEEE registrant "
            f"{assignment.registrant!r} (registry of {dated})",
            *found.evidence,
        )
        return replace(found, evidence=evidence, mac_assignment=assignment)

    def _resolve_registrant(self, mac: str, registrant: str, as_of: date | None) -> Resolution:
        """The maker behind an IEEE registrant: a registrant name recorded in the knowledge
        base, else the registrant resolved as a name (never on a fuzzy match)."""
        evidence: list[str] = []
        maker = self._oui.get(name_key(registrant))
        if maker is not None:
            evidence.append(
                f"OUI registrant belongs to {maker.name} (an OUI is evidence, not proof)"
            )
            hit = _Hit(_NameEntry(label=maker.name, how="OUI registrant", maker=maker), 0, 0)
            result = self._company(mac, hit, None, None, evidence, as_of, penalty=False)
            # A relabeller's registration (Amcrest, Lorex) keeps its name as the brand.
            relabel = result.manufacturer != maker.name
            return replace(
                result,
                brand=result.brand if relabel else None,
                confidence=round(result.confidence * 0.85, 3),
            )
        # A registrant is a company name: product lines and model numbers are not looked for.
        key = " ".join(registrant[:MAX_INPUT_CHARS].split()).casefold()
        by_name = self._analyse(key, as_of, True)
        if by_name.manufacturer is None and not by_name.components:
            evidence.append("registrant not in the knowledge base")
            return Resolution(mac, None, None, None, None, 0.0, tuple(evidence), ())
        if any(line.startswith("fuzzy match") for line in by_name.evidence):
            evidence.append(
                f"registrant name only resembles {by_name.manufacturer}: not asserted "
                f"({'; '.join(by_name.evidence[:1])})"
            )
            return Resolution(mac, None, None, None, None, 0.0, tuple(evidence), ())
        evidence += [f"registrant name: {line}" for line in by_name.evidence]
        return replace(
            by_name,
            input=mac,
            brand=_relabel(by_name),
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

    def names_of(self, company: str) -> tuple[str, ...]:
        """Every name of the manufacturer ``company`` names (canonical, legal names, aliases,
        misspellings, its brands' names); none when it names no manufacturer. Exact names
        only: no fuzzy match."""
        maker = self.knowledge.find_manufacturer(company)
        if maker is None:
            maker = self._brand_owner.get(name_key(company))
        if maker is None:
            return ()
        brands = (name for brand in maker.brands for name in (brand.name, *brand.aliases))
        return (*maker.all_names(), *brands)

    def owner_of(self, company: str, *, as_of: date | None = None) -> str | None:
        """The ultimate parent of ``company`` on ``as_of`` (the company itself if it has none);
        ``None`` when the knowledge base does not know the company.

        Ownership is followed through the knowledge base (Avigilon -> Motorola Solutions); a
        brand belongs to the manufacturer that holds it; a look-alike to its recorded owner.
        """
        maker = self.knowledge.find_manufacturer(company)
        if maker is None:
            maker = self._brand_owner.get(name_key(company))
        if maker is not None:
            return self._ultimate_owner(maker, as_of)[0]
        entry = self._names.get(name_key(company))
        if entry is not None and entry.lookalike is not None:
            return entry.lookalike.owner or entry.lookalike.name
        return None

    def judge_names(self, names: Iterable[str], as_of: date | None = None) -> str:
        """How a list of named manufacturers stands: ``"yes"`` when any resolves to a maker
        with a concern on ``as_of``, else ``"unsure"`` when any cannot be identified (an
        unknown name, an installer that hides the maker, or a weak match whose concerns are
        only possible), else ``"no"``."""
        verdict = "no"
        for name in names:
            resolution = self.resolve(name, as_of=as_of)
            if resolution.has_concern:
                return "yes"
            if resolution.manufacturer is None or resolution.possible_concerns:
                verdict = "unsure"
        return verdict

    def named_company(self, text: str) -> Manufacturer | None:
        """The company a name refers to (a brand gives its owner), without OEM translation.

        Only exact names count here: a fuzzy guess never names a company.
        """
        text_words = words(text[:MAX_INPUT_CHARS])
        for hit in self._name_hits(text_words):
            if hit.entry.lookalike is not None:
                return None
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
        """A near-miss of a distinctive name stem ("Dallmeyer" ~ "Dallmeier"), or ``None``.

        Generic and legal-form words never take part ("Xiaomi Communications" is not Axis
        Communications, "KBVision" is not Hikvision): only the stem left once they are removed
        is compared, only when it is long, and only within one edit (two for long stems);
        the whole name must be as close ("Indigo Security" is not "IndigoVision").
        """
        generic = self.knowledge.generic_words
        candidates: list[tuple[str, int, int]] = []
        for index, word in enumerate(text_words):
            if word in self._unmatchable or not word.isalpha():
                continue
            stem = _strip_affixes(word, generic)
            if len(stem) >= FUZZY_MIN_STEM:
                candidates.append((stem, index, index + 1))
            following = text_words[index + 1] if index + 1 < len(text_words) else ""
            if following.isalpha() and following not in self._unmatchable:
                pair = stem + _strip_affixes(following, generic)
                if len(pair) >= FUZZY_MIN_STEM:
                    candidates.append((pair, index, index + 2))
        best: _Hit | None = None
        best_distance = FUZZY_LONG_STEM
        for candidate, start, end in candidates[:MAX_MODEL_TOKENS]:
            allowed = 2 if len(candidate) >= FUZZY_LONG_STEM else 1
            match = process.extractOne(
                candidate, self._fuzzy_keys, scorer=OSA.distance, score_cutoff=allowed
            )
            if match is None:
                continue
            key, distance = match[0], int(match[1])
            if key[0] != candidate[0] or distance > (2 if len(key) >= FUZZY_LONG_STEM else 1):
                continue
            entry, whole = self._fuzzy[key]
            written = "".join(w for w in text_words[start:end] if w not in self._ignored)
            if OSA.distance(written, whole, score_cutoff=allowed) > allowed:
                continue
            if distance < best_distance:
                best = _Hit(entry, start, end, fuzzy_distance=distance)
                best_distance = distance
        return best

    def _company_name(self, text_words: tuple[str, ...], hit: _Hit) -> bool:
        """Whether a product-line name is used as a company's ("Phantom Technologies LLC",
        "Inspire Tech"): a legal form anywhere, or a generic company word right after it that
        is not one of the line's own qualifiers ("Anafi USA" is a drone, not a company)."""
        if set(text_words) & self.knowledge.legal_suffixes:
            return True
        following = text_words[hit.end] if hit.end < len(text_words) else ""
        qualifiers = hit.entry.line.qualifiers if hit.entry.line else ()
        return (
            following in self.knowledge.generic_words
            and following not in self._kind_words
            and following not in qualifiers
        )

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

    def _analyse_uncached(self, text: str, as_of: date | None, names_only: bool) -> Resolution:
        text_words = words(text)
        evidence: list[str] = []
        hits = self._name_hits(text_words)
        weak = False
        if not any(hit.entry.component is None for hit in hits):
            fuzzy = self._fuzzy_hit(text_words)
            if fuzzy is not None:
                hits.append(fuzzy)
                weak = True
                evidence.append(
                    f"fuzzy match {' '.join(text_words[fuzzy.start : fuzzy.end])!r} "
                    f"~ {fuzzy.entry.label!r} ({fuzzy.fuzzy_distance} edit(s) on the distinctive "
                    "part of the name): a weak match, concerns only possible"
                )
        components = tuple(
            dict.fromkeys(hit.entry.component for hit in hits if hit.entry.component is not None)
        )
        for component in components:
            owner = f", owned by {component.owner}" if component.owner else ""
            evidence.append(
                f"component: {component.name} ({component.role}{owner}) makes parts, "
                f"not the device ({component.fact.source})"
            )
        integrators = [hit for hit in hits if hit.entry.integrator is not None]
        lines = [] if names_only else [hit for hit in hits if hit.entry.line is not None]
        companies = [hit for hit in hits if hit.entry.maker is not None]
        lookalikes = [hit for hit in hits if hit.entry.lookalike is not None]
        for hit in integrators:
            evidence.append(f"integrator: {hit.entry.label} (installer, not the manufacturer)")
        named_makers = {hit.entry.maker.name for hit in companies if hit.entry.maker}
        lines = [
            hit
            for hit in lines
            if hit.entry.line
            and (
                hit.entry.line.manufacturer in named_makers
                or not (hit.entry.line.needs_maker_name or self._company_name(text_words, hit))
            )
        ]
        kind = self._device_kind(text_words)
        model_hit = None if names_only else self._models.match(text)
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
            brand_company: Manufacturer | None = model_hit.labeller
            if companies:
                named = companies[0].entry
                brand = named.label
                brand_company = named.maker
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
                    # the maker is named through the OEM link, so the claim is no surer than it
                    confidence = (
                        _CONFIDENCE_SCORE[links[0].fact.confidence]
                        if links
                        else min(confidence, _CONFIDENCE_SCORE["medium"])
                    )
            also = (brand_company,) if brand_company and brand_company is not maker else ()
            return self._finish(
                text,
                maker,
                brand,
                token,
                pattern.device_kind,
                confidence,
                evidence,
                as_of,
                also=also,
                components=components,
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
            return self._company(
                text,
                hit,
                model,
                kind,
                evidence,
                as_of,
                penalty=len(others) > 0,
                weak=weak,
                components=components,
            )

        if lookalikes:
            return self._lookalike(text, lookalikes[0], kind, evidence, components, weak)

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
                    text,
                    None,
                    None,
                    model,
                    line.device_kind,
                    0.3,
                    tuple(evidence),
                    (),
                    possible_concerns=self._possible(maker, as_of),
                    components=components,
                )
            return self._finish(
                text,
                maker,
                None,
                model,
                line.device_kind,
                confidence,
                evidence,
                as_of,
                components=components,
            )

        if components:
            evidence.append("no device maker named: a component vendor is not the manufacturer")
            possible: list[Concern] = []
            for component in components:
                owner = (
                    self.knowledge.find_manufacturer(component.owner) if component.owner else None
                )
                if owner is not None:
                    possible += [
                        replace(c, via="component")
                        for c in _active(owner.concerns, as_of)
                        if c.kind != KEV_KIND
                    ]
            return Resolution(
                text,
                None,
                None,
                None,
                kind,
                0.0,
                tuple(evidence),
                (),
                components=components,
                possible_concerns=tuple(dict.fromkeys(possible)),
            )
        if not evidence:
            evidence.append("no rule matched")
        return Resolution(text, None, None, None, kind, 0.0, tuple(evidence), ())

    def _lookalike(
        self,
        text: str,
        hit: _Hit,
        kind: str | None,
        evidence: list[str],
        components: tuple[Component, ...],
        weak: bool,
    ) -> Resolution:
        """A company or brand that resembles a surveillance maker resolves to itself."""
        lookalike = hit.entry.lookalike
        assert lookalike is not None
        evidence.append(
            f"look-alike: {lookalike.name} is not {' or '.join(lookalike.resembles)} "
            f"({lookalike.fact.source})"
        )
        if weak:
            evidence.append("near-miss of a look-alike name: no maker asserted")
            return Resolution(
                text, None, None, None, kind, 0.0, tuple(evidence), (), components=components
            )
        maker = lookalike.name if lookalike.role == "maker" else None
        if maker is None:
            evidence.append(f"{lookalike.name} is a brand; who makes it is not asserted")
        return Resolution(
            input=text,
            manufacturer=maker,
            brand=lookalike.name,
            model=None,
            device_kind=kind,
            confidence=_CONFIDENCE_SCORE[lookalike.fact.confidence],
            evidence=tuple(evidence),
            concerns=(),
            owner=lookalike.owner or maker,
            components=components,
        )

    def _possible(self, maker: Manufacturer, as_of: date | None) -> tuple[Concern, ...]:
        return _active(maker.concerns, as_of)

    def _ultimate_owner(
        self, company: Manufacturer, as_of: date | None
    ) -> tuple[str, Manufacturer | None]:
        """The name of the ultimate parent on ``as_of`` and its knowledge-base entry, if any."""
        when = as_of or date.today()
        name, current = company.name, company
        seen = {company.name}
        for _ in range(MAX_OWNER_CHAIN):
            owner = next((o for o in current.owners if o.covers(when)), None)
            if owner is None or owner.owner in seen:
                break
            seen.add(owner.owner)
            name = owner.owner
            found = self.knowledge.find_manufacturer(owner.owner)
            if found is None:
                return name, None
            current = found
        return name, current

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
        weak: bool = False,
        components: tuple[Component, ...] = (),
    ) -> Resolution:
        entry = hit.entry
        maker = entry.maker
        assert maker is not None
        scale = 0.85 if penalty else 1.0
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
                return Resolution(
                    text,
                    None,
                    brand.name,
                    model,
                    kind,
                    0.3,
                    tuple(evidence),
                    (),
                    possible_concerns=self._possible(maker, as_of),
                    components=components,
                )
            confidence = _CONFIDENCE_SCORE[brand.fact.confidence] * scale
            return self._finish(
                text,
                maker,
                brand.name,
                model,
                kind,
                confidence,
                evidence,
                as_of,
                weak=weak,
                components=components,
            )

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
                text,
                oem,
                maker.name,
                model,
                kind,
                confidence,
                evidence,
                as_of,
                also=(maker,),
                weak=weak,
                components=components,
            )
        confidence = (0.95 if entry.how != "misspelling" else 0.85) * scale
        return self._finish(
            text,
            maker,
            maker.name,
            model,
            kind,
            confidence,
            evidence,
            as_of,
            weak=weak,
            components=components,
        )

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
        *,
        weak: bool = False,
        components: tuple[Component, ...] = (),
    ) -> Resolution:
        """The resolution for ``maker``, with its concerns and those that reach it.

        ``also`` is the company whose name is on the box when another company made the
        device (Amcrest for a Dahua-made camera): its concerns apply ``via: brand``. The
        ultimate owner is that company's parent (or the maker's); the owner's designations
        and bans apply ``via: owner`` (its KEV entries are about its own products, not this
        one). A weak match reports every concern as possible only.
        """
        owner_name, owner = self._ultimate_owner(also[0] if also else maker, as_of)
        concerns: list[Concern] = []
        reached: list[tuple[Manufacturer, str]] = [(maker, "manufacturer")]
        reached += [(company, "brand") for company in also]
        if owner is not None and all(owner is not company for company, _ in reached):
            reached.append((owner, "owner"))
            if not any(line.startswith(f"owned by {owner.name} ") for line in evidence):
                evidence.append(f"ultimate owner: {owner.name}")
        elif owner is None and owner_name not in (maker.name, *(c.name for c in also)):
            evidence.append(f"ultimate owner: {owner_name} (not in the knowledge base)")
        seen: set[tuple[str, date, str]] = set()
        for company, via in reached:
            for concern in _active(company.concerns, as_of):
                if via == "owner" and concern.kind == KEV_KIND:
                    continue
                identity = (concern.authority, concern.date, concern.summary)
                if identity not in seen:
                    seen.add(identity)
                    concerns.append(replace(concern, via=via))
            for concern in _active(company.unverified_concerns, as_of):
                evidence.append(
                    f"unverified concern (not applied): {concern.authority}: {concern.summary}"
                )
        if as_of is not None:
            skipped = sum(1 for c in maker.concerns if c.date > as_of)
            if skipped:
                evidence.append(f"{skipped} concern(s) dated after {as_of.isoformat()} not applied")
        if weak:
            confidence = min(confidence, FUZZY_CONFIDENCE)
        confidence = round(min(max(confidence, 0.0), 1.0), 3)
        possible: tuple[Concern, ...] = ()
        if confidence < WEAK_CONFIDENCE and concerns:
            possible, concerns = tuple(concerns), []
            evidence.append("weak match: concerns reported as possible, not asserted")
        return Resolution(
            input=text,
            manufacturer=maker.name,
            brand=brand,
            model=model,
            device_kind=kind,
            confidence=confidence,
            evidence=tuple(evidence),
            concerns=tuple(concerns),
            owner=owner_name,
            components=components,
            possible_concerns=possible,
        )


def _relabel(result: Resolution) -> str | None:
    """The brand a MAC registrant stands for: only a relabeller that registered its own block
    (Amcrest, made by Dahua); a maker's own block says nothing about the name on the box."""
    return result.brand if result.brand != result.manufacturer else None


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
