"""The load benchmark's lost-save accounting and form reading, on synthetic records and pages."""

from __future__ import annotations

import argparse
import os
import time

import pytest


@pytest.fixture(scope="module")
def load(repo_script):
    return repo_script("benchmarks/load.py")


def _saves(load, respondent, question, outcomes):
    """Saves 1, 2, … of one respondent's question, valued "v1", "v2", …; "ack" or "lost"."""
    return [
        load.SaveRecord(respondent, question, sequence, f"v{sequence}", outcome == "ack")
        for sequence, outcome in enumerate(outcomes, start=1)
    ]


def test_the_last_acknowledged_value_stored_is_kept(load):
    audit = load.audit_saves(_saves(load, "a", "q", ["ack", "ack", "ack"]), {("a", "q"): "v3"})
    assert (audit.checked, audit.kept, audit.lost) == (1, 1, [])


def test_an_earlier_value_stored_loses_the_last_acknowledged_save(load):
    audit = load.audit_saves(_saves(load, "a", "q", ["ack", "ack", "ack"]), {("a", "q"): "v2"})
    assert audit.lost == [load.LostSave("a", "q", "v3", "v2")]
    assert audit.kept == 0


def test_nothing_stored_after_an_acknowledged_save_is_a_lost_save(load):
    audit = load.audit_saves(_saves(load, "a", "q", ["ack"]), {("a", "q"): None})
    assert audit.lost == [load.LostSave("a", "q", "v1", None)]


def test_a_later_unacknowledged_save_may_replace_the_acknowledged_one(load):
    saves = _saves(load, "a", "q", ["ack", "ack", "failed", "failed"])
    for stored in ("v3", "v4"):
        audit = load.audit_saves(saves, {("a", "q"): stored})
        assert (audit.superseded, audit.lost) == (1, [])


def test_an_earlier_unacknowledged_save_may_not_replace_a_later_acknowledged_one(load):
    saves = _saves(load, "a", "q", ["ack", "failed", "ack"])
    audit = load.audit_saves(saves, {("a", "q"): "v2"})
    assert audit.lost == [load.LostSave("a", "q", "v3", "v2")]


def test_respondents_and_questions_are_audited_separately_whatever_the_order(load):
    saves = [
        *_saves(load, "a", "role", ["ack", "ack"]),
        *_saves(load, "a", "count", ["ack"]),
        *_saves(load, "b", "role", ["ack", "failed"]),
        *_saves(load, "c", "role", ["failed", "failed"]),  # nothing acknowledged: not checked
    ]
    stored = {("a", "role"): "v2", ("a", "count"): "v2", ("b", "role"): "v1"}
    audit = load.audit_saves(reversed(saves), stored)
    assert audit.checked == 3
    assert audit.kept == 2
    assert audit.lost == [load.LostSave("a", "count", "v1", "v2")]


def test_a_value_another_respondent_saved_does_not_count_as_kept(load):
    saves = [*_saves(load, "a", "q", ["ack"]), *_saves(load, "b", "q", ["ack", "ack"])]
    audit = load.audit_saves(saves, {("a", "q"): "v2", ("b", "q"): "v2"})
    assert audit.lost == [load.LostSave("a", "q", "v1", "v2")]


def test_answers_that_could_not_be_read_are_unverified_not_lost(load):
    audit = load.audit_saves(_saves(load, "a", "q", ["ack"]), {})
    assert (audit.checked, audit.unverified, audit.lost) == (1, 1, [])


def test_reads_the_hidden_fields_and_answers_of_the_post_form(load):
    page = """
    <form method="get" action="/search"><input type="hidden" name="q" value="x"></form>
    <form method="post" action="/respond/respondent/" novalidate>
      <input type="hidden" name="csrfmiddlewaretoken" value="abc&amp;1">
      <textarea class="textarea" id="respondent-role" name="role" rows="4">R &amp; D
lead</textarea>
      <input class="input" id="ext-count" name="count" type="text" value="42">
      <input class="radios__input" name="operates" type="radio" value="yes" checked>
    </form>"""
    form = load.read_form(page)
    assert form.hidden == {"csrfmiddlewaretoken": "abc&1"}
    assert form.values == {"role": "R & D\nlead", "count": "42"}
    assert load.read_form("<p>Your return has been submitted</p>") is None


def test_percentiles_are_nearest_rank_in_milliseconds(load):
    values = [i / 1000 for i in range(1, 101)]  # 1 … 100 ms
    assert load.percentile_ms(values, 50) == pytest.approx(50)
    assert load.percentile_ms(values, 99) == pytest.approx(99)
    assert load.percentile_ms([], 99) is None


def test_the_server_log_gives_each_exception_with_a_count(load, tmp_path):
    log = tmp_path / "server.log"
    traceback = (
        "Internal Server Error: /respond/section/a/\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in view\n'
        "    raise\n"
        "psycopg.errors.DeadlockDetected: deadlock detected\n"
    )
    log.write_text('127.0.0.1 - "GET / HTTP/1.1" 200\n' + traceback * 2 + "Traceback (most")
    assert load.server_exceptions(log) == {"psycopg.errors.DeadlockDetected: deadlock detected": 2}
    assert load.server_exceptions(tmp_path / "absent.log") == {}


def test_busy_keeps_every_core_partly_busy_and_stops_when_killed(load):
    assert load.start_busy(0.0) == []
    with pytest.raises(argparse.ArgumentTypeError):
        load._share("0.95")
    spinners = load.start_busy(0.3)
    try:
        assert len(spinners) == len(os.sched_getaffinity(0))
        time.sleep(0.5)
        for spinner in spinners:
            with open(f"/proc/{spinner.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            assert int(fields[11]) + int(fields[12]) > 0  # user + system clock ticks
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.join(5)
    assert not any(spinner.is_alive() for spinner in spinners)


def _run(load, server, attempt, save_p99_ms, backend="PostgreSQL", scenario="a-steady"):
    """A RunResult with only the fields the summaries read set to something meaningful."""
    fields = {name: None for name in load.RunResult.__dataclass_fields__}
    fields.update(
        backend=backend, scenario=scenario, server=server, attempt=attempt, save_p99_ms=save_p99_ms
    )
    fields.update(requests_per_s=200.0, error_rate=0.0, lost_database=0)
    return load.RunResult(**fields)


def test_repeated_runs_give_each_p99_their_median_and_how_many_met_the_target(load):
    results = [
        _run(load, "custodes", 1, 441.0),
        _run(load, "baseline", 1, 1216.0),
        _run(load, "custodes", 2, 1064.0),
        _run(load, "custodes", 3, 614.0),
        _run(load, "custodes", 1, 900.0, scenario="b-burst"),  # run once: no summary
    ]
    [summary] = load.repeat_summaries(results)
    assert (summary["backend"], summary["scenario"], summary["server"]) == (
        "PostgreSQL",
        "a-steady",
        "custodes",
    )
    assert summary["save_p99_ms"] == [441.0, 1064.0, 614.0]
    assert (summary["median_ms"], summary["min_ms"], summary["max_ms"]) == (614.0, 441.0, 1064.0)
    assert (summary["under_1s"], summary["runs"]) == (2, 3)
    assert summary["text"].endswith("median 614 ms; under 1 s in 2 of 3")
    # The ratio against the development server pairs it with the first run, not the last.
    [ratio] = load.ratios(results)
    assert ratio["save_p99_ratio"] == pytest.approx(1216.0 / 441.0)


def test_repeat_needs_a_whole_number_of_at_least_one(load):
    with pytest.raises(argparse.ArgumentTypeError):
        load._count("0")
