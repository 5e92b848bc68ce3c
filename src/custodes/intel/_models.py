"""Model-number families: which maker a bare model number (``DS-2CD2032F-I``) belongs to.

A pattern belongs to the manufacturer file it is written in. When that company is a relabel
brand whose products another maker builds (Amcrest and Lorex by Dahua), the match names the
builder as manufacturer and the relabeller as brand, with the confidence and source of the
OEM link; a link of low confidence or narrow scope is reported, never asserted.
"""

from __future__ import annotations

from dataclasses import dataclass

from custodes.intel._knowledge import KnowledgeBase
from custodes.intel._model import Manufacturer, ModelPattern, OemLink
from custodes.intel._normalize import model_tokens

MAX_MODEL_TOKENS = 32
PATTERN_CONFIDENCE = 0.9
_LINK_CONFIDENCE = {"high": 0.9, "medium": 0.75, "low": 0.4}


@dataclass(frozen=True)
class ModelMatch:
    """A model number recognised as one maker's family."""

    pattern: ModelPattern
    token: str
    manufacturer: Manufacturer
    """Who builds it: the pattern's maker, or its OEM when the OEM link is asserted."""
    brand: str | None
    """The name on the box, when it differs from the manufacturer."""
    labeller: Manufacturer | None
    """The relabel company whose family it is, when the manufacturer is its OEM."""
    confidence: float
    evidence: tuple[str, ...]

    @property
    def asserted(self) -> bool:
        """Whether the family is distinctive enough to name the maker (not low confidence)."""
        return self.pattern.fact.confidence != "low"


def _asserted_oem(maker: Manufacturer) -> OemLink | None:
    for link in maker.made_by:
        if link.fact.confidence != "low" and link.scope in ("all", "most"):
            return link
    return None


class ModelMatcher:
    """Match model-like tokens of a text against every maker's model-number families."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        self._by_start: dict[str, list[ModelPattern]] = {}
        for maker in knowledge.manufacturers:
            for pattern in maker.model_patterns:
                self._by_start.setdefault(pattern.prefix[:2], []).append(pattern)
        for candidates in self._by_start.values():
            candidates.sort(key=lambda pattern: -len(pattern.prefix))

    def match(self, text: str) -> ModelMatch | None:
        """The first token of ``text`` that is a whole model number of a known family."""
        for token in model_tokens(text)[:MAX_MODEL_TOKENS]:
            for pattern in self._by_start.get(token[:2], ()):
                if token.startswith(pattern.prefix) and pattern.regex.fullmatch(token):
                    return self._explain(pattern, token)
        return None

    def _explain(self, pattern: ModelPattern, token: str) -> ModelMatch:
        maker = self.knowledge.manufacturer(pattern.manufacturer)
        evidence = [
            f"model {token} matches the {maker.name} family {pattern.family} "
            f"({pattern.fact.confidence} confidence, {pattern.fact.source})"
        ]
        if pattern.brand is not None:
            brand = next((b for b in maker.brands if b.name == pattern.brand), None)
            if brand is not None:
                evidence.append(
                    f"{brand.name} is a {brand.relation} of {maker.name} "
                    f"({brand.fact.confidence} confidence, {brand.fact.source})"
                )
        link = _asserted_oem(maker)
        if link is None:
            for possible in maker.made_by:
                evidence.append(
                    f"possible OEM: {possible.maker} makes {possible.scope} {maker.name} "
                    f"products ({possible.fact.confidence} confidence, {possible.fact.source}); "
                    "not asserted"
                )
            return ModelMatch(
                pattern, token, maker, pattern.brand, None, PATTERN_CONFIDENCE, tuple(evidence)
            )
        oem = self.knowledge.manufacturer(link.maker)
        evidence.append(
            f"{maker.name} products are made by {oem.name} ({link.scope}; "
            f"{link.fact.confidence} confidence, {link.fact.source})"
        )
        confidence = min(PATTERN_CONFIDENCE, _LINK_CONFIDENCE[link.fact.confidence])
        return ModelMatch(
            pattern,
            token,
            oem,
            pattern.brand or maker.name,
            maker,
            confidence,
            tuple(evidence),
        )
