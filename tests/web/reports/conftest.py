"""A 2022-style round with returns, a lead-body return, a late return and a correction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from custodes.web.bodies.models import Body, Contact
from custodes.web.surveys.lifecycle import correct_answer, return_for, submit_return
from custodes.web.surveys.models import Correction, Round

UK = ZoneInfo("Europe/London")
SYSTEMS = ("ext_cctv", "int_cctv", "anpr", "bwv", "drones", "helicopter", "frt", "other")

OFFICIAL_NAME = "Jane Quill-Official"
OFFICIAL_ROLE = "Head of Estates Security"
CONTACT_EMAIL = "sro.private@force.example"
CORRECTOR = "user:corrector-kim"
CORRECTION_REASON = "Follow-up enquiry: the supplier is not a company of concern."
FORMULA_NOTE = '=HYPERLINK("x")'

CORRECTED_AT = datetime(2023, 2, 16, 11, 0, tzinfo=UK)
BEFORE_CORRECTION = datetime(2023, 2, 1, 12, 0, tzinfo=UK)
AFTER_CORRECTION = datetime(2023, 3, 1, 12, 0, tzinfo=UK)


def answers(operating: dict[str, str], **extra: object) -> dict[str, object]:
    """A complete return: every system block answered, operated ones with a concerns answer."""
    result: dict[str, object] = {
        "respondent.name": OFFICIAL_NAME,
        "respondent.role": OFFICIAL_ROLE,
    }
    for system in SYSTEMS:
        concerns = operating.get(system)
        result[f"{system}.operates"] = "yes" if concerns else "no"
        if concerns:
            result[f"{system}.concerns"] = concerns
    result.update(extra)
    return result


@dataclass(frozen=True)
class ReportedRound:
    """The round and the facts the report tests check against."""

    round: Round
    lead: Body
    covered: Body
    late: Body
    solo: Body
    correction: Correction


def _submit(round_: Round, code: str, values: dict[str, object], at: datetime) -> Body:
    body = Body.objects.get(code=code)
    submit_return(return_for(round_, body), values, actor="test", submitted_at=at)
    return body


@pytest.fixture
def reported(past_round: Round) -> ReportedRound:
    """Three returns to the 2022 round (one lead-body, one late) and one correction."""
    solo = _submit(
        past_round,
        "cheshire",
        answers(
            {"ext_cctv": "yes", "bwv": "yes", "drones": "unsure"},
            **{
                "ext_cctv.count": 120,
                "ext_cctv.manufacturers": ["Hikvision", "Axis"],
                "ext_cctv.capabilities": ["video", "audio"],
                "ext_cctv.notes": FORMULA_NOTE,
                "drones.count": 4,
            },
        ),
        datetime(2022, 9, 1, 10, tzinfo=UK),
    )
    lead = _submit(
        past_round,
        "bedfordshire",
        answers(
            {"ext_cctv": "no", "drones": "yes"},
            **{
                "respondent.on_behalf_of": "Cambridgeshire Constabulary",
                "ext_cctv.count": 30,
                "ext_cctv.manufacturers": ["hikvision ", "Dahua"],
                "drones.count": 7,
            },
        ),
        datetime(2022, 9, 15, 10, tzinfo=UK),
    )
    late = _submit(
        past_round,
        "cleveland",
        answers({"drones": "yes"}),
        datetime(2022, 12, 20, 10, tzinfo=UK),
    )
    Contact.objects.create(body=solo, name=OFFICIAL_NAME, email=CONTACT_EMAIL)
    correction = correct_answer(
        return_for(past_round, solo),
        "bwv.concerns",
        "no",
        reason=CORRECTION_REASON,
        actor=CORRECTOR,
    )
    Correction.objects.filter(pk=correction.pk).update(corrected_at=CORRECTED_AT)
    correction.refresh_from_db()
    return ReportedRound(
        round=past_round,
        lead=lead,
        covered=Body.objects.get(code="cambridgeshire"),
        late=late,
        solo=solo,
        correction=correction,
    )
