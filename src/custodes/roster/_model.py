"""The roster's value types and the :class:`Roster` lookup."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from custodes.roster._errors import (
    AmbiguousBody,
    RosterError,
    UnknownBody,
    UnknownRecipientList,
)
from custodes.roster._normalise import MAX_NAME_LENGTH, core_key, full_key

#: What a body is: police forces and agencies, bodies that govern or oversee policing
#: (a police authority, commissioner or board), local authorities and any other public
#: authority an FOI campaign may ask.
BODY_KINDS: tuple[str, ...] = (
    "territorial",
    "special",
    "agency",
    "policing_body",
    "local_authority",
    "public_authority",
)
FOI_REGIMES: tuple[str, ...] = ("foia", "foisa", "eir")
MAX_SUGGESTIONS = 3
SUGGESTION_CUTOFF = 70.0

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class FoiAddress:
    """Where a body takes FOI requests (``email`` and/or ``web_form``), as read from ``source``
    on ``date``; both are ``None`` when none could be sourced (``note`` says why)."""

    source: str
    date: dt.date
    email: str | None = None
    web_form: str | None = None
    disclosure_log: str | None = None
    whatdotheyknow: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Body:
    """One public body: a stable ``code``, its official ``name`` and common ``aliases``."""

    code: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    country: str
    note: str | None = None
    languages: tuple[str, ...] = ("en",)
    source: str | None = None
    date: dt.date | None = None
    foi_regime: str = "foia"
    foi: FoiAddress | None = None

    def spellings(self) -> Iterator[tuple[FieldPath, str]]:
        """Yield (field path, text) for the code, the name and each alias."""
        yield ("code",), self.code
        yield ("name",), self.name
        for index, alias in enumerate(self.aliases):
            yield ("aliases", index), alias


@dataclass(frozen=True)
class RecipientList:
    """A named, versioned set of body codes: who was asked in one survey round.

    ``preload``: the web database loads the list (and its bodies) at start-up; otherwise when
    a round or campaign first names it.
    """

    name: str
    version: int
    title: str
    description: str
    source: str
    date: dt.date
    codes: tuple[str, ...]
    preload: bool = True


@dataclass(frozen=True)
class Problem:
    """An inconsistency between entries, located by a path such as ("bodies", 3, "code")."""

    path: FieldPath
    message: str


@dataclass(frozen=True)
class _Spelling:
    body: int
    path: FieldPath
    text: str
    key: str

    @property
    def is_alias(self) -> bool:
        return self.path[0] == "aliases"


def _spelling_problems(bodies: Sequence[Body]) -> list[Problem]:
    """Find spellings that another body also answers to, so lookups would clash.

    A clash is a shared full key, or a full key that is another body's spelling without
    its generic words (the exact match would silently hide the other body). Codes and
    names come first, so a clash involving an alias is reported at the alias.
    """
    spellings = [
        _Spelling(index, path, text, full_key(text))
        for index, body in enumerate(bodies)
        for path, text in body.spellings()
    ]
    spellings.sort(key=lambda spelling: spelling.is_alias)
    owner: dict[str, _Spelling] = {}
    by_core: dict[str, list[_Spelling]] = {}
    problems: dict[FieldPath, Problem] = {}
    for spelling in spellings:
        first = owner.setdefault(spelling.key, spelling)
        if first.body != spelling.body:
            other = bodies[first.body]
            location = ("bodies", spelling.body, *spelling.path)
            problems.setdefault(
                location,
                Problem(
                    location,
                    f"{spelling.text!r} normalises to {spelling.key!r}, already a spelling "
                    f"of {other.name} ({other.code})",
                ),
            )
        by_core.setdefault(core_key(spelling.key), []).append(spelling)
    for spelling in spellings:
        if ("bodies", spelling.body, *spelling.path) in problems:
            continue
        for similar in by_core.get(spelling.key, []):
            if similar.body == spelling.body or owner[spelling.key].body == similar.body:
                continue
            blamed, other = (
                (similar, spelling)
                if similar.is_alias and not spelling.is_alias
                else (spelling, similar)
            )
            location = ("bodies", blamed.body, *blamed.path)
            problems.setdefault(
                location,
                Problem(
                    location,
                    f"{blamed.text!r} and {other.text!r} ({bodies[other.body].code}) "
                    f"are the same without generic words; lookups would be ambiguous",
                ),
            )
            break
    return list(problems.values())


def consistency_problems(bodies: Sequence[Body], lists: Sequence[RecipientList]) -> list[Problem]:
    """Check codes are unique, spellings unambiguous and list codes known."""
    problems: list[Problem] = []
    seen_codes: set[str] = set()
    for index, body in enumerate(bodies):
        if body.code in seen_codes:
            problems.append(Problem(("bodies", index, "code"), f"duplicate code {body.code!r}"))
        seen_codes.add(body.code)
    if problems:
        return problems
    problems.extend(_spelling_problems(bodies))
    seen_lists: set[tuple[str, int]] = set()
    for list_index, recipients in enumerate(lists):
        if (recipients.name, recipients.version) in seen_lists:
            problems.append(
                Problem(
                    ("lists", list_index, "version"),
                    f"list {recipients.name!r} version {recipients.version} is defined twice",
                )
            )
        seen_lists.add((recipients.name, recipients.version))
        listed: set[str] = set()
        for code_index, code in enumerate(recipients.codes):
            path: FieldPath = ("lists", list_index, "codes", code_index)
            if code not in seen_codes:
                problems.append(Problem(path, f"unknown body code {code!r}"))
            elif code in listed:
                problems.append(Problem(path, f"code {code!r} is listed twice"))
            listed.add(code)
    return problems


@dataclass(frozen=True)
class Roster:
    """The bodies a regulator oversees plus its recipient lists, with tolerant name lookup."""

    bodies: tuple[Body, ...]
    lists: tuple[RecipientList, ...]
    source: str
    date: dt.date
    _by_code: dict[str, Body] = field(init=False, repr=False, compare=False)
    _by_full_key: dict[str, Body] = field(init=False, repr=False, compare=False)
    _by_core_key: dict[str, tuple[Body, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = consistency_problems(self.bodies, self.lists)
        if problems:
            first = problems[0]
            where = ".".join(str(part) for part in first.path)
            raise RosterError(f"inconsistent roster at {where}: {first.message}")
        by_full: dict[str, Body] = {}
        by_core: dict[str, list[Body]] = {}
        for body in self.bodies:
            for _, text in body.spellings():
                key = full_key(text)
                by_full[key] = body
                core = core_key(key)
                if core and body not in by_core.setdefault(core, []):
                    by_core[core].append(body)
        object.__setattr__(self, "_by_code", {body.code: body for body in self.bodies})
        object.__setattr__(self, "_by_full_key", by_full)
        object.__setattr__(
            self, "_by_core_key", {key: tuple(found) for key, found in by_core.items()}
        )

    def candidates(self, text: str) -> tuple[Body, ...]:
        """Return every body ``text`` could name: none, one, or several if ambiguous."""
        if len(text) > MAX_NAME_LENGTH:
            return ()
        key = full_key(text)
        if not key:
            return ()
        exact = self._by_full_key.get(key)
        if exact is not None:
            return (exact,)
        core = core_key(key)
        return self._by_core_key.get(core, ()) if core else ()

    def find(self, text: str) -> Body | None:
        """Return the one body named by ``text`` (code, name or alias, leniently), else None."""
        found = self.candidates(text)
        return found[0] if len(found) == 1 else None

    def get(self, text: str) -> Body:
        """Like :meth:`find`, but raise :class:`UnknownBody` or :class:`AmbiguousBody`."""
        found = self.candidates(text)
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousBody(text, found)
        raise UnknownBody(text, self.suggestions(text))

    def suggestions(self, text: str, limit: int = MAX_SUGGESTIONS) -> tuple[Body, ...]:
        """Return up to ``limit`` bodies whose names are close to ``text``, best first.

        Names are compared without their generic words, so "Kentt Police" suggests Kent
        Police rather than every other "... Police".
        """
        core = core_key(full_key(text[:MAX_NAME_LENGTH]))
        if not core:
            return ()
        matches = process.extract(
            core,
            list(self._by_core_key),
            scorer=fuzz.WRatio,
            limit=None,
            score_cutoff=SUGGESTION_CUTOFF,
        )
        chosen: list[Body] = []
        for spelling, _score, _index in matches:
            chosen.extend(body for body in self._by_core_key[spelling] if body not in chosen)
        return tuple(chosen[:limit])

    def body(self, code: str) -> Body:
        """Return the body with exactly this code, or raise :class:`UnknownBody`."""
        found = self._by_code.get(code)
        if found is None:
            raise UnknownBody(code, self.suggestions(code))
        return found

    def recipient_list(self, name: str, version: int | None = None) -> RecipientList:
        """Return the named recipient list: the given version, or the latest one."""
        versions = [recipients for recipients in self.lists if recipients.name == name]
        if version is not None:
            versions = [recipients for recipients in versions if recipients.version == version]
        if not versions:
            available = sorted({recipients.name for recipients in self.lists})
            raise UnknownRecipientList(name, version, available)
        return max(versions, key=lambda recipients: recipients.version)

    def recipients(self, name: str, version: int | None = None) -> tuple[Body, ...]:
        """Return the bodies of a recipient list, in the list's order."""
        return tuple(self._by_code[code] for code in self.recipient_list(name, version).codes)
