"""The shipped questionnaire police-estate-2022: its public ids, conditions and findings."""

from __future__ import annotations

import datetime as dt

import pytest

from custodes.questionnaire import (
    AnswerType,
    NamedConcern,
    Predicate,
    Questionnaire,
    UnknownQuestionnaire,
    check_submission,
    load_shipped,
    parse_questionnaire,
    shipped_names,
)

SYSTEM_BLOCKS = ["ext_cctv", "int_cctv", "anpr", "bwv", "drones", "helicopter", "frt", "other"]
SYSTEM_QUESTIONS = {
    "operates": AnswerType.YES_NO_UNSURE,
    "count": AnswerType.COUNT,
    "manufacturers": AnswerType.MANUFACTURERS,
    "concerns": AnswerType.YES_NO_UNSURE,
    "capabilities": AnswerType.CAPABILITIES,
    "dpia": AnswerType.YES_NO_UNSURE,
    "sat_completed": AnswerType.YES_NO_UNSURE,
    "sat_published": AnswerType.YES_NO_UNSURE,
    "sat_url": AnswerType.TEXT,
    "certification": AnswerType.SINGLE_CHOICE,
    "notes": AnswerType.TEXT,
}


def test_is_listed_and_cached() -> None:
    assert "police-estate-2022" in shipped_names()
    assert load_shipped("police-estate-2022") is load_shipped("police-estate-2022")


@pytest.mark.parametrize("name", ["nope", "../police-estate-2022", "police-estate-2022.yaml", ""])
def test_unknown_shipped_name(name: str) -> None:
    with pytest.raises(UnknownQuestionnaire, match="police-estate-2022"):
        load_shipped(name)


def test_identity_and_provenance(police: Questionnaire) -> None:
    assert police.id == "police-estate-2022"
    assert police.date == dt.date(2022, 6, 24)
    assert police.source.startswith("https://www.gov.uk/")
    assert "bscc-foi-1225-hd" in police.source
    assert any("instructions-for-completion" in ref for ref in police.references)


def test_blocks_in_order(police: Questionnaire) -> None:
    assert [block.id for block in police.blocks] == ["respondent", *SYSTEM_BLOCKS]


def test_respondent_block(police: Questionnaire) -> None:
    block = police.block("respondent")
    assert block.when is None
    for qid in ("respondent.name", "respondent.role"):
        question = police.question(qid)
        assert question.personal and question.required and question.type is AnswerType.TEXT
    covers = police.question("respondent.on_behalf_of")
    assert covers.type is AnswerType.TEXT and not covers.required and not covers.personal


@pytest.mark.parametrize("block_id", SYSTEM_BLOCKS)
def test_system_block_interface(police: Questionnaire, block_id: str) -> None:
    block = police.block(block_id)
    assert block.when is not None
    assert block.when.question == f"{block_id}.operates" and block.when.in_ == ["yes"]
    for name, answer_type in SYSTEM_QUESTIONS.items():
        question = police.question(f"{block_id}.{name}")
        assert question.type is answer_type, question.id
        assert police.block_of(question.id) is block
        assert question.hint or name in {"sat_published"}, question.id
        assert not question.personal
    assert police.question(f"{block_id}.operates").required
    assert police.question(f"{block_id}.concerns").required
    capabilities = police.question(f"{block_id}.capabilities")
    exclusive = [option.value for option in capabilities.options if option.exclusive]
    assert exclusive == ["none"]
    assert len(capabilities.options) >= 4
    certification = police.question(f"{block_id}.certification")
    assert [option.value for option in certification.options] == [
        "none",
        "desktop",
        "full",
        "unsure",
    ]


def test_frt_types(police: Questionnaire) -> None:
    types = police.question("frt.types")
    assert types.type is AnswerType.MULTIPLE_CHOICE
    assert [option.value for option in types.options] == [
        "retrospective",
        "live",
        "operator_initiated",
        "other",
        "none",
    ]
    assert types.exclusive_option is not None and types.exclusive_option.value == "none"


def test_findings(police: Questionnaire) -> None:
    declared = [f"{b}-concerns" for b in SYSTEM_BLOCKS]
    named = [f"{b}-named-concern" for b in SYSTEM_BLOCKS]
    assert [finding.id for finding in police.findings] == declared + named
    for finding in police.findings:
        if finding.id.endswith("-named-concern"):
            assert finding.numerator == NamedConcern(
                question=f"{finding.block}.manufacturers", named_concern=True
            )
            assert finding.compare_with == f"{finding.block}-concerns"
        else:
            assert finding.numerator == Predicate(
                question=f"{finding.block}.concerns", equals="yes"
            )
        if finding.block == "drones":
            assert finding.denominator == Predicate(question="drones.operates", equals="yes")
            assert finding.denominator_label == "respondents that operate drones"
        else:
            assert finding.denominator == "respondents"
            assert finding.denominator_label == "respondents"
    assert police.findings[0].title.startswith("External CCTV:")


def test_concerns_applicability(police: Questionnaire) -> None:
    assert police.applicability("drones.concerns", {"drones.operates": "yes"}) is True
    assert police.applicability("drones.concerns", {"drones.operates": "no"}) is False
    assert police.applicability("drones.concerns", {"drones.operates": "unsure"}) is None
    assert police.applicability("drones.concerns", {}) is None
    assert police.applicability("drones.operates", {}) is True


def test_self_assessment_chain(police: Questionnaire) -> None:
    answers = {"anpr.operates": "yes", "anpr.sat_completed": "yes"}
    assert police.applicability("anpr.sat_url", answers) is None
    assert police.applicability("anpr.sat_url", {**answers, "anpr.sat_published": "yes"}) is True
    assert police.applicability("anpr.sat_url", {**answers, "anpr.sat_completed": "no"}) is False
    # Not operating the system switches off the whole chain, even with stray answers.
    stray = {"anpr.operates": "no", "anpr.sat_completed": "yes", "anpr.sat_published": "yes"}
    assert police.applicability("anpr.sat_url", stray) is False


def test_complete_return_passes(police: Questionnaire) -> None:
    answers: dict[str, object] = {"respondent.name": "A Person", "respondent.role": "SRO"}
    for block in SYSTEM_BLOCKS:
        answers[f"{block}.operates"] = "no"
    answers |= {
        "drones.operates": "yes",
        "drones.count": 20,
        "drones.manufacturers": ["Example Aero"],
        "drones.concerns": "yes",
        "drones.capabilities": ["video", "thermal", "internet_connected"],
    }
    assert check_submission(police, answers, final=True) == []
    del answers["drones.concerns"]
    errors = check_submission(police, answers, final=True)
    assert [(e.question_id, e.message) for e in errors] == [
        ("drones.concerns", "Select yes, no or unsure")
    ]


def test_fingerprint_is_stable_and_sensitive(police: Questionnaire) -> None:
    again = Questionnaire.model_validate(police.model_dump(by_alias=True))
    stored = Questionnaire.model_validate(police.model_dump(mode="json", by_alias=True))
    assert again.fingerprint == stored.fingerprint == police.fingerprint == police.sha256
    assert len(police.fingerprint) == 64
    changed = police.model_copy(update={"version": "2022.2"})
    assert Questionnaire.model_validate(changed.model_dump(by_alias=True)).fingerprint != (
        police.fingerprint
    )


def test_short_and_full_ids_give_same_fingerprint(small: Questionnaire, small_yaml: str) -> None:
    qualified = small_yaml.replace("- id: operates", "- id: cams.operates").replace(
        "{question: operates,", "{question: cams.operates,"
    )
    assert qualified != small_yaml
    assert parse_questionnaire(qualified).fingerprint == small.fingerprint
