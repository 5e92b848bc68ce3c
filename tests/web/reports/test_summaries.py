"""Per-question summaries: counts, not-applicable, totals, manufacturers; never personal data."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.questionnaire import load_shipped
from custodes.web.reports.summaries import FREE_TEXT_NOTE, summarise_blocks

from .conftest import OFFICIAL_NAME, answers


@pytest.fixture(scope="module")
def definition():
    return load_shipped("police-estate-2022")


def summary(blocks, question_id):
    for block in blocks:
        for question in block.questions:
            if question.question_id == question_id:
                return question
    raise KeyError(question_id)


def figures(question):
    return {figure.label: figure.value for figure in question.figures}


@pytest.fixture(scope="module")
def blocks(definition):
    returns = [
        answers(
            {"ext_cctv": "yes"},
            **{
                "ext_cctv.count": 120,
                "ext_cctv.manufacturers": ["Hikvision", "Axis"],
                "ext_cctv.capabilities": ["video", "audio"],
                "ext_cctv.certification": "desktop",
                "ext_cctv.notes": "A note",
            },
        ),
        answers(
            {"ext_cctv": "unsure"},
            **{
                "ext_cctv.count": 1001,
                "ext_cctv.manufacturers": ["hikvision  ", "Dahua"],
                "ext_cctv.capabilities": ["video"],
            },
        ),
        answers({"ext_cctv": "no"}, **{"ext_cctv.count": 3}),
        answers({}),
        {"respondent.name": "Someone"},  # nothing else answered: applicability unknown
    ]
    return summarise_blocks(definition, returns)


def test_blocks_in_questionnaire_order_without_personal_questions(definition, blocks):
    assert [b.block_id for b in blocks] == [b.id for b in definition.blocks]
    respondent = blocks[0]
    assert [q.question_id for q in respondent.questions] == ["respondent.on_behalf_of"]


def test_yes_no_unsure_counts_and_not_applicable(blocks):
    operates = summary(blocks, "ext_cctv.operates")
    assert figures(operates) == {"Yes": "3", "No": "1", "Unsure": "0"}
    assert (operates.answered, operates.unanswered, operates.not_applicable) == (4, 1, 0)
    concerns = summary(blocks, "ext_cctv.concerns")
    assert figures(concerns) == {"Yes": "1", "No": "1", "Unsure": "1"}
    assert (concerns.answered, concerns.unanswered, concerns.not_applicable) == (3, 1, 1)


def test_counts_give_total_median_and_range(blocks):
    count = summary(blocks, "ext_cctv.count")
    assert figures(count) == {
        "Total": "1,124",
        "Median": "120",
        "Smallest": "3",
        "Largest": "1,001",
    }
    assert summary(blocks, "bwv.count").figures == ()


def test_even_number_of_counts_has_a_half_median(definition):
    returns = [answers({"drones": "yes"}, **{"drones.count": n}) for n in (1, 2)]
    count = summary(summarise_blocks(definition, returns), "drones.count")
    assert figures(count)["Median"] == "1.5"


def test_choices_count_each_option(blocks):
    capabilities = figures(summary(blocks, "ext_cctv.capabilities"))
    assert capabilities["Records video"] == "2"
    assert capabilities["Records sound"] == "1"
    assert capabilities["Thermal imaging"] == "0"
    certification = figures(summary(blocks, "ext_cctv.certification"))
    assert certification == {
        "No certification": "0",
        "Desktop certification (step 1)": "1",
        "Full certification (step 2)": "0",
        "Not sure": "0",
    }


def test_manufacturers_grouped_ignoring_case_and_spacing(blocks):
    makers = summary(blocks, "ext_cctv.manufacturers").figures
    assert [(f.label, f.value) for f in makers] == [
        ("Hikvision", "2"),
        ("Axis", "1"),
        ("Dahua", "1"),
    ]


def test_free_text_is_counted_not_shown(blocks):
    notes = summary(blocks, "ext_cctv.notes")
    assert notes.answered == 1 and notes.figures == () and notes.note == FREE_TEXT_NOTE


def test_unexpected_stored_values_are_counted_as_other(definition):
    returns = [
        answers(
            {"ext_cctv": "yes"}, **{"ext_cctv.certification": "platinum", "ext_cctv.count": "many"}
        )
    ]
    blocks = summarise_blocks(definition, returns)
    assert figures(summary(blocks, "ext_cctv.certification"))["Other value"] == "1"
    assert summary(blocks, "ext_cctv.count").figures == ()


answer_values = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.integers(-5, 10**6),
    st.booleans(),
    st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=4),
    st.sampled_from(["yes", "no", "unsure", "video", "desktop"]),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(
                [
                    "ext_cctv.operates",
                    "ext_cctv.count",
                    "ext_cctv.manufacturers",
                    "ext_cctv.capabilities",
                    "ext_cctv.concerns",
                    "respondent.name",
                ]
            ),
            answer_values,
        ),
        max_size=6,
    )
)
def test_any_stored_answers_summarise_consistently(definition, returns):
    for block in summarise_blocks(definition, returns):
        for question in block.questions:
            total = question.answered + question.unanswered + question.not_applicable
            assert total == len(returns)
            assert all(OFFICIAL_NAME not in f.label for f in question.figures)
