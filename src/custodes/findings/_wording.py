"""Plain-English wording of a finding, in the style of a published survey result."""

from __future__ import annotations

from custodes.findings._compute import ALL_RESPONDENTS, FindingResult, RoundFindings


def percent_half_up(part: int, whole: int) -> int:
    """``part / whole`` as a whole percentage, rounding halves up (exact integer arithmetic)."""
    if whole <= 0:
        raise ValueError(f"percentage of a non-positive whole ({whole}) is undefined")
    return (200 * part + whole) // (2 * whole)


def _plural(count: int, singular: str, plural: str) -> str:
    """``singular`` for a count of one, else ``plural``."""
    return singular if count == 1 else plural


def headline(result: FindingResult) -> str:
    """'at least N of M <label> (P%)', or why no percentage can be given."""
    label = result.denominator_label
    if result.denominator == 0:
        return f"no {label} yet, so no percentage can be given"
    share = f"({percent_half_up(result.at_least, result.denominator)}%)"
    if result.denominator == 1:
        group = "respondent" if label == ALL_RESPONDENTS else f"among {label}"
        return f"at least {result.at_least} of 1 {group} {share}"
    if not result.conditional:
        return f"at least {result.at_least} of {result.denominator} {label} {share}"
    return f"at least {result.at_least} of the {result.denominator} {label} {share}"


def upper_bound(result: FindingResult) -> str:
    """How far the figure could rise if every unsure or unanswered return were a yes."""
    open_answers = result.unsure + result.unanswered
    if open_answers == 0:
        return "no unsure or unanswered answers"
    verb = _plural(open_answers, "is", "are")
    return f"up to {result.at_most} if the {open_answers} unsure or unanswered {verb} yes"


def response_summary(findings: RoundFindings) -> str:
    """Who did not respond, and returns versus bodies covered when they differ."""
    total = findings.recipients
    missing = len(findings.non_respondents)
    if total == 0:
        return "no recipients are listed for this round"
    parts: list[str] = []
    if findings.returns != findings.bodies_covered:
        returns = _plural(findings.returns, "return covers", "returns cover")
        parts.append(
            f"{findings.returns} {returns} {findings.bodies_covered} of {total} "
            f"{_plural(total, 'body', 'bodies')}"
        )
    if missing == 0:
        parts.append(
            "the only recipient responded" if total == 1 else f"all {total} bodies responded"
        )
    elif total == 1:
        parts.append("the only recipient did not respond")
    else:
        parts.append(f"{missing} of {total} bodies did not respond")
    return "; ".join(parts)


def describe(result: FindingResult, findings: RoundFindings, *, response: bool = True) -> str:
    """Word a finding as published, e.g. 'at least 18 of 39 respondents (46%); up to 24 if the
    6 unsure or unanswered are yes; 8 of 47 bodies did not respond'.

    ``response=False`` leaves out who did not respond, for a page that states the response
    rate once for every finding (the report)."""
    parts = [headline(result)]
    if result.denominator > 0:
        parts.append(upper_bound(result))
    if response:
        parts.append(response_summary(findings))
    return "; ".join(parts)
