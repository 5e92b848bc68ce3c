"""The synthetic demo round: made-up returns from 39 bodies, labelled synthetic everywhere.

The figures are drawn to resemble the published 2022 results (at least 18 external-CCTV
bodies with equipment of concern, 23 of 31 drone operators, two body-worn-video answers later
withdrawn after follow-up), so a newcomer sees the software do the 2022 job. None of it is any
body's real answer.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from custodes.web.bodies.models import Body, Contact
from custodes.web.surveys.choices import Channel
from custodes.web.surveys.lifecycle import correct_answer, create_round, return_for, submit_return
from custodes.web.surveys.models import Round

__all__ = ["DEMO_ROUND", "NON_RESPONDENTS", "build_demo_round"]

DEMO_ROUND = "demo-2022"
UK = ZoneInfo("Europe/London")
OPENS = datetime(2022, 6, 24, 9, 0, tzinfo=UK)
CLOSES = datetime(2022, 9, 30, 23, 59, tzinfo=UK)
# The eight bodies the press coverage of 15 Feb 2023 named as not responding.
NON_RESPONDENTS = (
    "city-of-london",
    "gloucestershire",
    "greater-manchester",
    "gwent",
    "merseyside",
    "south-yorkshire",
    "thames-valley",
    "nca",
)
ACTOR = "demo:synthetic"

# (block, share operating, yes-to-concerns count among operators, unsure count, makers)
_BLOCKS = {
    "ext_cctv": (
        0.95,
        18,
        3,
        [
            "Hikvision DS-2CD2143G0-I",
            "Dahua IPC-HFW2431S",
            "Axis P3245",
            "Bosch Flexidome",
            "Hanwha Wisenet XNV-6080",
            "Honeywell",
        ],
    ),
    "int_cctv": (1.0, 24, 2, ["Hikvision", "Dahua", "Axis", "Avigilon H5A", "Vivotek", "Nuuo NVR"]),
    "anpr": (
        1.0,
        11,
        4,
        ["Hikvision ANPR", "Genetec AutoVu", "Motorola Solutions", "Neology", "Dahua ITC"],
    ),
    "bwv": (1.0, 2, 1, ["Axon Body 3", "Motorola VB400", "Reveal"]),
    "drones": (
        31 / 39,
        23,
        2,
        [
            "DJI Matrice 300 RTK",
            "DJI Mavic 2 Enterprise",
            "DJI M30T",
            "Parrot Anafi USA",
            "Skydio X2",
        ],
    ),
    "helicopter": (0.05, 0, 0, ["Trakka", "Wescam MX-15"]),
    "frt": (0.5, 1, 2, ["NEC NeoFace", "Cognitec"]),
    "other": (0.3, 3, 1, ["Hikvision", "Avigilon", "Huawei"]),
}


def _answers(
    rng: random.Random,
    block_plan: dict[str, set[str]],
    unsure_plan: dict[str, set[str]],
    operators: dict[str, set[str]],
    code: str,
) -> dict:
    answers: dict = {"respondent.role": "Synthetic respondent (demo data)"}
    for block, (_, _, _, makers) in _BLOCKS.items():
        if code not in operators[block]:
            answers[f"{block}.operates"] = "no"
            continue
        answers[f"{block}.operates"] = "yes"
        answers[f"{block}.count"] = rng.randint(3, 400) if block != "helicopter" else 1
        answers[f"{block}.manufacturers"] = rng.sample(
            makers, k=min(len(makers), rng.randint(1, 3))
        )
        if code in block_plan[block]:
            answers[f"{block}.concerns"] = "yes"
        elif code in unsure_plan[block]:
            answers[f"{block}.concerns"] = "unsure"
        else:
            answers[f"{block}.concerns"] = "no"
        answers[f"{block}.dpia"] = rng.choice(["yes", "yes", "yes", "no", "unsure"])
        answers[f"{block}.sat_completed"] = rng.choice(["yes", "yes", "no"])
        answers[f"{block}.sat_published"] = rng.choice(["yes", "no", "no"])
        answers[f"{block}.certification"] = rng.choice(["none", "none", "desktop", "full"])
    return answers


@transaction.atomic
def build_demo_round(seed: int = 2022) -> Round:
    """Creates (once) the synthetic round ``demo-2022`` with 39 returns; returns it."""
    existing = Round.objects.filter(name=DEMO_ROUND).first()
    if existing is not None:
        return existing
    round_ = create_round(
        DEMO_ROUND,
        questionnaire="police-estate-2022",
        recipients="police-ew",
        closes_at=CLOSES,
        opens_at=OPENS,
        actor=ACTOR,
        synthetic=True,
        title="Police surveillance camera survey 2022 (SYNTHETIC DEMO DATA)",
    )
    rng = random.Random(seed)
    bodies = list(round_.recipient_list.bodies.order_by("code"))
    for body in bodies:
        Contact.objects.get_or_create(
            body=body,
            email=f"sro.{body.code}@example.org",
            defaults={"name": "Synthetic contact", "role": "sro"},
        )
    respondents = [b for b in bodies if b.code not in NON_RESPONDENTS]
    codes = [b.code for b in respondents]
    operators = {
        block: set(rng.sample(codes, k=round(share * len(codes))))
        for block, (share, _, _, _) in _BLOCKS.items()
    }
    yes_plan, unsure_plan = {}, {}
    for block, (_, yes, unsure, _) in _BLOCKS.items():
        ordered = sorted(operators[block])
        rng.shuffle(ordered)
        yes_plan[block] = set(ordered[:yes])
        unsure_plan[block] = set(ordered[yes : yes + unsure])
    for index, body in enumerate(respondents):
        # Most arrive before the closing date; the last few are months late, as in 2022.
        if index < len(respondents) - 5:
            submitted = OPENS + timedelta(days=rng.randint(10, 95), hours=rng.randint(0, 8))
        else:
            submitted = CLOSES + timedelta(days=rng.randint(14, 100))
        record = return_for(round_, body)
        submit_return(
            record,
            _answers(rng, yes_plan, unsure_plan, operators, body.code),
            actor=ACTOR,
            channel=Channel.DEMO,
            submitted_at=submitted,
            final=False,
        )
    # The body-worn-video answers that follow-up enquiries showed to be wrong (as in 2022).
    for body in Body.objects.filter(code__in=sorted(yes_plan["bwv"])):
        correction = correct_answer(
            return_for(round_, body),
            "bwv.concerns",
            "no",
            reason="Follow-up enquiry: the body-worn cameras are not made by a company of "
            "concern (synthetic example of a withdrawn finding).",
            actor=ACTOR,
        )
        correction.corrected_at = datetime(2023, 2, 20, 10, 0, tzinfo=UK)
        correction.save(update_fields=["corrected_at"])
    return round_
