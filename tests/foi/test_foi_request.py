"""Request files: the shipped police-drones-2023, and errors naming file, line and field."""

from __future__ import annotations

import pytest

from custodes.foi.request import (
    QuestionType,
    RequestFileError,
    load_shipped_request,
    parse_request,
    shipped_requests,
)

GOOD = """\
schema: custodes.foi.request/1
id: test
version: "1"
title: T
description: D
date: 2023-01-01
introduction: I
closing: C
questions:
  - id: drones.count
    type: count
    text: How many?
findings:
  - id: total
    title: Total
    kind: total
    question: drones.count
    denominator_label: none
"""


def test_shipped_request_has_the_public_ids() -> None:
    assert "police-drones-2023" in shipped_requests()
    request = load_shipped_request("police-drones-2023")
    assert request.question("drones.count").type is QuestionType.COUNT
    assert request.question("drones.by_manufacturer").type is QuestionType.COUNTS_BY_MANUFACTURER
    assert {q.type for q in request.questions} == set(QuestionType)
    findings = {f.id: f for f in request.findings}
    assert findings["drones-dji"].manufacturer == "DJI"
    assert findings["drones-total"].question == "drones.count"
    letter = request.letter(body_name="Kent Police", reference="FOI-1-KENT-AB12")
    assert letter.startswith("Dear Kent Police,")
    assert "\n2. For the drones counted in question 1" in letter
    assert letter.rstrip().endswith("FOI-1-KENT-AB12")


def test_declared_manufacturer_is_in_the_knowledge_base() -> None:
    from custodes.intel import load_knowledge

    request = load_shipped_request("police-drones-2023")
    knowledge = load_knowledge()
    for finding in request.findings:
        if finding.kind == "manufacturer_share":
            assert knowledge.find_manufacturer(finding.manufacturer) is not None


def test_good_file_parses() -> None:
    assert parse_request(GOOD, "t.yaml").number("drones.count") == 1


@pytest.mark.parametrize(
    ("change", "line", "field", "message"),
    [
        (("type: count", "type: number"), 11, "questions[0].type", "Input should be"),
        (
            ("question: drones.count", "question: drones.other"),
            17,
            "findings[0].question",
            "no question",
        ),
        (("schema: custodes.foi.request/1", "schema: other"), 1, "schema", "expected schema"),
        (("kind: total", 'kind: "yes"'), 17, "findings[0].question", "needs yes_no"),
    ],
)
def test_bad_file_names_line_and_field(change, line, field, message) -> None:
    with pytest.raises(RequestFileError) as caught:
        parse_request(GOOD.replace(*change), "bad.yaml")
    error = caught.value
    assert error.label == "bad.yaml"
    assert error.line == line
    assert error.field is not None and error.field.startswith(field)
    assert message in str(error)


def test_duplicate_question_located() -> None:
    text = GOOD.replace(
        "findings:", "  - id: drones.count\n    type: yes_no\n    text: Again?\nfindings:"
    )
    with pytest.raises(RequestFileError) as caught:
        parse_request(text, "dup.yaml")
    assert caught.value.line == 13 and caught.value.field == "questions[1].id"
