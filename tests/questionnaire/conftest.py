"""Shared fixtures: the shipped questionnaire and a small hand-written one."""

from __future__ import annotations

import textwrap

import pytest

from custodes.questionnaire import Questionnaire, load_shipped, parse_questionnaire

SMALL_YAML = textwrap.dedent(
    """\
    schema: custodes.questionnaire/1
    id: small
    version: "1"
    title: Small survey
    description: A survey used by the tests.
    source: https://example.org/small
    date: 2024-01-31
    blocks:
      - id: cams
        title: Cameras
        when: {question: operates, in: [yes]}
        questions:
          - id: operates
            text: Do you operate cameras?
            type: yes_no_unsure
            required: true
          - id: count
            text: How many?
            type: count
            minimum: 1
            maximum: 5000
          - id: kinds
            text: Which kinds?
            type: multiple_choice
            required: true
            options:
              - {value: fixed, label: Fixed cameras}
              - {value: mobile, label: Mobile cameras}
              - {value: none, label: None of the above, exclusive: true}
          - id: level
            text: Level?
            type: single_choice
            options:
              - {value: low, label: Low}
              - {value: high, label: High}
          - id: makers
            text: Who made them?
            type: manufacturers
          - id: detail
            text: Which kinds, in detail?
            type: text
            required: true
            when: {question: kinds, in: [mobile]}
    findings:
      - id: cams-many
        title: Operates cameras
        block: cams
        numerator: {question: cams.operates, equals: yes}
        denominator: respondents
        denominator_label: respondents
    """
)


@pytest.fixture(scope="session")
def police() -> Questionnaire:
    return load_shipped("police-estate-2022")


@pytest.fixture(scope="session")
def small_yaml() -> str:
    return SMALL_YAML


@pytest.fixture(scope="session")
def small() -> Questionnaire:
    return parse_questionnaire(SMALL_YAML, "small.yaml")
