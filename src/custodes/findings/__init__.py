"""Honest survey findings: bounds, denominators, as-of evaluation, wording and charts.

Counting rules (all figures are computed as of a cut-off time ``as_of``):

* A return counts if it has a submission at or before ``as_of``; its answers are
  :func:`answers_as_of` of its events. ``as_of=None`` means now (timezone-aware UTC).
  Returns and corrections after ``as_of`` are ignored, so an interim analysis can be
  reproduced later exactly as published.
* ``returns`` is the number of counted returns (each finding's ``respondents`` too);
  ``bodies_covered`` is the number of recipients among the union of each counted return's
  body and the bodies it covers (lead-force returns; unknown codes are ignored);
  ``recipients`` is the number of recipients; ``non_respondents`` are the names of recipients
  not covered, in roster order, and ``respondents`` the covered recipients; ``late_returns``
  counts counted returns whose first submission came after the closing time.
* A finding's denominator is every counted return when its denominator is ``"respondents"``,
  else the returns that clearly answered the predicate question with the predicate value
  (and to which that question applies). Within the denominator the numerator question is:
  not applicable -> a clear no; applicability unknown -> unanswered; otherwise an answer equal
  to the predicate value -> yes (``at_least``), ``"unsure"`` -> unsure, missing -> unanswered,
  anything else -> no. ``at_most = at_least + unsure + unanswered``, and always
  ``0 <= at_least <= at_most <= denominator``: the published figure is "at least N".
* Answers compare as the questionnaire reads them: text trimmed and case-folded; blank text
  or an empty selection is missing; a multi-select answer matches when it includes the value
  (and is unsure when it includes "unsure" but not the value).
"""

from custodes.findings._chart import finding_chart_svg
from custodes.findings._compute import (
    FindingResult,
    FindingSpecLike,
    NamesJudge,
    PredicateLike,
    QuestionnaireLike,
    RoundFindings,
    compute_findings,
)
from custodes.findings._errors import (
    FindingsError,
    InvalidFindingSpecError,
    InvalidRoundError,
    NaiveDatetimeError,
)
from custodes.findings._events import Correction, Submission, answers_as_of
from custodes.findings._followup import Disagreement, disagreements
from custodes.findings._round import Recipient, ReturnRecord, RoundData
from custodes.findings._updates import CorrectionEffect, correction_effects
from custodes.findings._wording import describe, percent_half_up, response_summary

__all__ = [
    "Correction",
    "CorrectionEffect",
    "Disagreement",
    "FindingResult",
    "FindingSpecLike",
    "FindingsError",
    "InvalidFindingSpecError",
    "InvalidRoundError",
    "NaiveDatetimeError",
    "NamesJudge",
    "PredicateLike",
    "QuestionnaireLike",
    "Recipient",
    "ReturnRecord",
    "RoundData",
    "RoundFindings",
    "Submission",
    "answers_as_of",
    "compute_findings",
    "correction_effects",
    "describe",
    "disagreements",
    "finding_chart_svg",
    "percent_half_up",
    "response_summary",
]
