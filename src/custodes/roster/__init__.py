"""The register of bodies a regulator oversees, with versioned recipient lists.

``shipped_roster()`` returns every shipped file of bodies and lists: the 47 bodies asked by
the 2022 police surveillance-camera survey (``police-ew``) and other lists beside them;
``Roster.get("Avon & Somerset")`` resolves names leniently.
"""

from custodes.roster._errors import (
    AmbiguousBody,
    RosterError,
    RosterFileError,
    UnknownBody,
    UnknownRecipientList,
)
from custodes.roster._loader import load_roster, parse_roster, parse_rosters, shipped_roster
from custodes.roster._model import BODY_KINDS, FOI_REGIMES, Body, FoiAddress, RecipientList, Roster
from custodes.roster._normalise import core_key, full_key

__all__ = [
    "BODY_KINDS",
    "FOI_REGIMES",
    "AmbiguousBody",
    "Body",
    "FoiAddress",
    "RecipientList",
    "Roster",
    "RosterError",
    "RosterFileError",
    "UnknownBody",
    "UnknownRecipientList",
    "core_key",
    "full_key",
    "load_roster",
    "parse_roster",
    "parse_rosters",
    "shipped_roster",
]
