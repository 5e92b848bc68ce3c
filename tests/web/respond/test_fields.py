"""Questions as form fields: reading posts, statuses and notes (no database needed)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.questionnaire import load_questionnaire
from custodes.web.surveys.lifecycle import drop_inapplicable
from custodes.web.surveys.views.respond_fields import (
    BlockStatus,
    answer_lines,
    block_status,
    build_fields,
    condition_note,
    field_id,
    raw_values,
    read_block,
)

from .conftest import QUESTIONNAIRE
from .html_checks import accessibility_problems

DEFINITION = load_questionnaire(QUESTIONNAIRE)
DRONES = DEFINITION.block("drones")
ALL_DRONES = [q.id for q in DRONES.questions]


def _status(answers: dict) -> BlockStatus:
    return block_status(DRONES, answers, DEFINITION.applicability_map(answers))


def test_block_status_follows_the_answers():
    assert _status({}) is BlockStatus.NOT_STARTED
    assert _status({"drones.operates": "no"}) is BlockStatus.NOT_APPLICABLE
    assert _status({"drones.operates": "yes", "drones.count": 3}) is BlockStatus.IN_PROGRESS
    complete = {
        "drones.operates": "yes",
        "drones.count": 3,
        "drones.foreign_concerns": "no",
        "drones.storage": "on_premises",
    }
    assert _status(complete) is BlockStatus.COMPLETED
    assert BlockStatus.NOT_APPLICABLE.label == "Not applicable"


def test_read_block_normalises_each_type():
    answers, raw, errors = read_block(
        DRONES,
        {
            "operates": ["Yes"],
            "count": ["1,024"],
            "capabilities": ["zoom", "thermal"],
            "manufacturers": ["Acme\n  Beta  \n\nAcme"],
            "storage": ["vendor_cloud"],
            "cloud_region": ["  Ireland "],
        },
        ALL_DRONES,
    )
    assert errors == {}
    assert answers == {
        "drones.operates": "yes",
        "drones.count": 1024,
        "drones.foreign_concerns": None,
        "drones.manufacturers": ["Acme", "Beta"],
        "drones.capabilities": ["thermal", "zoom"],
        "drones.storage": "vendor_cloud",
        "drones.cloud_region": "Ireland",
    }
    assert raw["count"] == "1,024"


def test_read_block_reports_errors_by_question():
    _, _, errors = read_block(
        DRONES,
        {
            "operates": ["perhaps"],
            "count": ["9999"],
            "storage": ["moon"],
            "capabilities": ["none", "zoom"],
        },
        ALL_DRONES,
    )
    assert set(errors) == {
        "drones.operates",
        "drones.count",
        "drones.storage",
        "drones.capabilities",
    }
    assert errors["drones.count"] == "Enter a number that is 5000 or fewer"


def test_read_block_ignores_fields_that_were_not_shown():
    answers, _, _ = read_block(DRONES, {"operates": ["no"], "count": ["4"]}, ["drones.operates"])
    assert answers == {"drones.operates": "no"}


def test_drop_inapplicable_clears_answers_ruled_out():
    saved = {"drones.operates": "yes", "drones.count": 3, "other.notes": "kept"}
    assert drop_inapplicable(DEFINITION, saved, {"drones.operates": "no"}) == {
        "drones.operates": "no",
        "drones.count": None,
    }


def test_condition_note_names_each_controlling_answer():
    note = condition_note(DEFINITION, DEFINITION.question("drones.cloud_region"))
    assert note == (
        "Answer only if you answered ‘Yes’ to ‘Does your organisation operate "
        "drones?’ and ‘In the supplier's cloud’ to ‘Where is the footage stored?’."
    )
    assert condition_note(DEFINITION, DEFINITION.question("drones.operates")) is None


def test_answer_lines_use_labels():
    question = DEFINITION.question
    assert answer_lines(question("drones.capabilities"), ["thermal"]) == ["Thermal imaging"]
    assert answer_lines(question("drones.count"), 1200) == ["1,200"]
    assert answer_lines(question("drones.operates"), "unsure") == ["Unsure"]
    assert answer_lines(question("drones.count"), None) == []


def test_raw_values_round_trip_through_read_block():
    saved = {
        "drones.operates": "yes",
        "drones.count": 7,
        "drones.manufacturers": ["A", "B"],
        "drones.capabilities": ["zoom"],
        "drones.storage": "on_premises",
    }
    raw = raw_values(DRONES, saved)
    posted = {name: value if isinstance(value, list) else [value] for name, value in raw.items()}
    answers, _, errors = read_block(DRONES, posted, ALL_DRONES)
    assert errors == {}
    assert {k: v for k, v in answers.items() if v is not None} == saved


def test_field_ids_are_unique_and_first_choice_carries_the_field_id():
    fields = build_fields(
        DEFINITION, DRONES.questions, raw_values(DRONES, {}), {}, DEFINITION.applicability_map({})
    )
    ids = [choice.id for f in fields for choice in f.choices] + [
        f.id for f in fields if not f.choices
    ]
    assert len(ids) == len(set(ids))
    radios = next(f for f in fields if f.name == "operates")
    assert radios.choices[0].id == field_id(radios.question) == "drones-operates"
    assert radios.described_by == ""


posted_values = st.lists(st.text(max_size=300), max_size=6)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([q.name for q in DRONES.questions] + ["junk"]), posted_values, max_size=10
    )
)
def test_read_block_never_crashes_on_hostile_input(data):
    answers, raw, errors = read_block(DRONES, data, ALL_DRONES)
    assert set(answers) | set(errors) == set(ALL_DRONES)
    assert not set(answers) & set(errors)
    assert set(raw) == {q.name for q in DRONES.questions}


def test_html_checker_finds_problems():
    bad = (
        "<html><body><h1>A</h1><h1>B</h1><input name='x' id='x'>"
        "<input type='radio' id='r' name='r'><label for='r'>R</label>"
        "<div aria-describedby='nowhere'></div><p style='color:red'>s</p></body></html>"
    )
    problems = accessibility_problems(bad)
    assert any("2 h1" in p for p in problems)
    assert any("'x' has no <label for>" in p for p in problems)
    assert any("not in a fieldset" in p for p in problems)
    assert any("missing ids" in p for p in problems)
    assert any("no lang" in p for p in problems)
    assert any("inline style" in p for p in problems)
    assert "no error summary with role=alert" in accessibility_problems(bad, expect_errors=True)
