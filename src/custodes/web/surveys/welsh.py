"""Welsh texts of the invitation and reminder emails, for bodies that work in Welsh.

Such a body's email is bilingual, Welsh first: this text, then the round's own (English) text,
which the survey team may have edited. The placeholders are the English texts' ones; dates are
written with Welsh month names. The Custodes project's own translation: it needs review by a
Welsh-language officer.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, translation

__all__ = [
    "DIVIDER",
    "INVITATION_BODY",
    "INVITATION_SUBJECT",
    "REMINDER_BODY",
    "REMINDER_SUBJECT",
    "welsh_date",
]

INVITATION_SUBJECT = "{round_title}: arolwg ar gyfer {body_name}"
INVITATION_BODY = """Annwyl gydweithiwr,

{round_title}

Gofynnir i chi lenwi'r arolwg hwn ar ran {body_name}. Atebwch erbyn {closes}, os gwelwch yn dda.

Agorwch ffurflen ddiogel eich sefydliad yma:
{link}

Mae'r ddolen yn bersonol i {body_name}: peidiwch â'i hanfon ymlaen at neb y tu hwnt i'r bobl sy'n
llenwi'r ffurflen. Gallwch gadw eich atebion a dod yn ôl yn nes ymlaen. Daw'r ddolen i ben ar
{expires}. Mae'r ffurflen ar gael yn Gymraeg ac yn Saesneg: dewiswch "Cymraeg" ar frig y dudalen.

Os oes unrhyw beth yn aneglur, atebwch yr e-bost hwn.
"""
REMINDER_SUBJECT = "Nodyn atgoffa: {round_title} ({body_name})"
REMINDER_BODY = """Annwyl gydweithiwr,

Dyma nodyn i'ch atgoffa bod ffurflen {body_name} ar gyfer {round_title} i fod i ddod i law erbyn
{closes} ac nad yw wedi'i chyflwyno eto.

Agorwch ffurflen ddiogel eich sefydliad yma:
{link}

Daw'r ddolen i ben ar {expires}. Diolch.
"""
# Between the Welsh text and the English one.
DIVIDER = "\n---------- English ----------\n\n"


def welsh_date(moment: datetime) -> str:
    """``30 Medi 2022``: the day as the English emails give it, with the Welsh month."""
    with translation.override("cy"):
        return formats.date_format(moment.date(), "j F Y")
