"""Welsh texts (``cy``) and one-line inputs in questionnaire files."""

from __future__ import annotations

import textwrap

import pytest

from custodes.questionnaire import (
    QuestionnaireFileError,
    TextInput,
    load_shipped,
    parse_questionnaire,
)

WELSH = textwrap.dedent(
    """\
    schema: custodes.questionnaire/1
    id: t
    version: "1"
    title: Cameras
    description: About cameras.
    source: https://example.org/t
    date: 2024-01-31
    cy:
      title: Camerâu
      description: Am gamerâu.
      translation: Test translation.
    blocks:
      - id: a
        title: Your cameras
        description: The cameras you run.
        cy: {title: "Eich camerâu", description: "Y camerâu rydych yn eu rhedeg."}
        questions:
          - id: operates
            text: Do you run cameras?
            hint: Overt ones only.
            type: yes_no_unsure
            cy: {text: "A ydych yn rhedeg camerâu?", hint: "Rhai agored yn unig."}
          - id: kind
            text: Which kind?
            type: single_choice
            options:
              - {value: fixed, label: Fixed, cy: {label: Sefydlog}}
              - {value: mobile, label: Mobile, cy: {label: Symudol}}
            cy: {text: "Pa fath?"}
          - id: url
            text: Web address
            type: text
            input: url
            cy: {text: Cyfeiriad gwe}
    """
)


def _error(text: str) -> QuestionnaireFileError:
    with pytest.raises(QuestionnaireFileError) as caught:
        parse_questionnaire(text, "bad.yaml")
    return caught.value


def test_welsh_version_swaps_every_text_and_keeps_the_structure() -> None:
    questionnaire = parse_questionnaire(WELSH)
    assert questionnaire.languages == ("en", "cy")
    welsh = questionnaire.in_language("cy")
    assert (welsh.title, welsh.description) == ("Camerâu", "Am gamerâu.")
    block = welsh.block("a")
    assert (block.title, block.description) == ("Eich camerâu", "Y camerâu rydych yn eu rhedeg.")
    operates = welsh.question("a.operates")
    assert (operates.text, operates.hint) == ("A ydych yn rhedeg camerâu?", "Rhai agored yn unig.")
    assert [o.label for o in welsh.question("a.kind").options] == ["Sefydlog", "Symudol"]
    assert [q.id for q in welsh.questions()] == [q.id for q in questionnaire.questions()]
    assert welsh.question("a.url").input is TextInput.URL
    assert questionnaire.in_language("cy") is welsh  # worked out once
    assert questionnaire.in_language("en") is questionnaire
    assert questionnaire.question("a.operates").text == "Do you run cameras?"


def test_a_file_without_welsh_offers_english_only() -> None:
    english = WELSH.replace(", cy: {label: Sefydlog}", "").replace(", cy: {label: Symudol}", "")
    english = english.replace("  title: Camerâu\n  description: Am gamerâu.\n", "")
    english = english.replace("  translation: Test translation.\n", "")
    english = "\n".join(line for line in english.splitlines() if "cy:" not in line)
    questionnaire = parse_questionnaire(english)
    assert questionnaire.languages == ("en",)
    assert questionnaire.in_language("cy") is questionnaire


@pytest.mark.parametrize(
    ("old", "new", "field", "fragment"),
    [
        (
            '        cy: {text: "Pa fath?"}\n',
            "",
            "blocks[0].questions[1].cy",
            "give this text in Welsh",
        ),
        (
            ", cy: {label: Symudol}",
            "",
            "blocks[0].questions[1].options[1].cy",
            "give this text in Welsh",
        ),
        (
            'cy: {text: "A ydych yn rhedeg camerâu?", hint: "Rhai agored yn unig."}',
            'cy: {text: "A ydych yn rhedeg camerâu?"}',
            "blocks[0].questions[0].cy.hint",
            "exactly when the English hint is given",
        ),
        (
            "        input: url\n",
            "        input: url\n        autocomplete: Not A Token\n",
            "blocks[0].questions[2].autocomplete",
            "pattern",
        ),
        (
            "        input: url\n",
            "        input: fax\n",
            "blocks[0].questions[2].input",
            "",
        ),
    ],
)
def test_incomplete_welsh_and_bad_inputs_name_the_field(
    old: str, new: str, field: str, fragment: str
) -> None:
    assert old in WELSH
    error = _error(WELSH.replace(old, new))
    assert error.field == field, str(error)
    assert fragment in error.message
    assert error.line is not None


def test_welsh_texts_need_the_questionnaires_own_welsh() -> None:
    text = WELSH.replace(
        "cy:\n  title: Camerâu\n  description: Am gamerâu.\n  translation: Test translation.\n", ""
    )
    error = _error(text)
    assert error.field == "blocks[0].cy"
    assert "top-level cy" in error.message


def test_input_only_on_text_questions() -> None:
    error = _error(
        WELSH.replace(
            "        type: yes_no_unsure\n",
            "        type: yes_no_unsure\n        input: line\n",
        )
    )
    assert error.field == "blocks[0].questions[0].input"
    assert "only text questions" in error.message


def test_shipped_questionnaire_is_in_welsh_marked_for_review() -> None:
    shipped = load_shipped("police-estate-2022")
    assert shipped.languages == ("en", "cy")
    assert shipped.cy is not None and "Welsh-language officer" in shipped.cy.translation
    welsh = shipped.in_language("cy")
    english_texts = {q.text for q in shipped.questions()}
    for question in welsh.questions():
        assert question.text not in english_texts, question.id
    assert welsh.question("drones.operates").text == (
        "A yw eich sefydliad yn gweithredu dronau sy'n cario camerâu?"
    )
    inputs = {q.id: q.input for q in shipped.questions() if q.input is not None}
    assert inputs["respondent.name"] is TextInput.LINE
    assert inputs["respondent.role"] is TextInput.LINE
    assert all(inputs[f"{b}.sat_url"] is TextInput.URL for b in ("ext_cctv", "drones", "frt"))
    assert shipped.question("respondent.name").autocomplete == "name"
