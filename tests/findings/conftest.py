"""Shared fixtures: a small questionnaire shaped like the 2022 police survey, loaded for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodes.questionnaire import Questionnaire, load_questionnaire

SURVEY_YAML = """\
schema: custodes.questionnaire/1
id: mini-police
version: "1"
title: Mini police survey
description: A cut-down survey for the findings tests
source: https://example.org/mini-police
date: 2022-06-24
blocks:
  - id: external
    title: External CCTV
    questions:
      - {id: concerns, text: "Companies of concern?", type: yes_no_unsure, required: true}
  - id: bwv
    title: Body-worn video
    questions:
      - {id: hikvision, text: "Hikvision BWV?", type: yes_no_unsure, required: true}
  - id: drones
    title: Drones
    when: {question: drones.operates, in: [yes]}
    questions:
      - {id: operates, text: "Operate drones?", type: yes_no_unsure, required: true}
      - {id: concerns, text: "Drones of concern?", type: yes_no_unsure, required: true}
findings:
  - id: external-concerns
    title: "External CCTV: equipment of concern"
    block: external
    numerator: {question: external.concerns, equals: "yes"}
    denominator: respondents
    denominator_label: respondents
  - id: bwv-hikvision
    title: "Body-worn video: Hikvision"
    block: bwv
    numerator: {question: bwv.hikvision, equals: "yes"}
    denominator: respondents
    denominator_label: respondents
  - id: drones-concerns
    title: "Drones: equipment of concern"
    block: drones
    numerator: {question: drones.concerns, equals: "yes"}
    denominator: {question: drones.operates, equals: "yes"}
    denominator_label: respondents that operate drones
  - id: drones-concerns-all
    title: "Drones: equipment of concern, all respondents"
    block: drones
    numerator: {question: drones.concerns, equals: "yes"}
    denominator: respondents
    denominator_label: respondents
"""


@pytest.fixture(scope="session")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Questionnaire:
    """The mini police survey, loaded through the questionnaire package's own loader."""
    path: Path = tmp_path_factory.mktemp("questionnaire") / "mini-police.yaml"
    path.write_text(SURVEY_YAML, encoding="utf-8")
    return load_questionnaire(path)
