"""Hostile files: random bytes and truncated workbooks fail only with EstateError."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from register_files import MESSY_ROWS, write_csv, write_ods, write_xlsx

from custodes.estate import EstateError, RegisterReader


def _read_all(path: Path) -> None:
    try:
        reader = RegisterReader(path)
        for _ in reader:
            pass
    except EstateError:
        pass


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".csv", ".xlsx", ".ods"]))
def test_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    _read_all(path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.floats(min_value=0.0, max_value=1.0))
def test_truncated_files(tmp_path: Path, cut: float) -> None:
    for writer, suffix in ((write_csv, "csv"), (write_xlsx, "xlsx"), (write_ods, "ods")):
        whole = writer(tmp_path / f"whole.{suffix}", MESSY_ROWS).read_bytes()
        part = tmp_path / f"part.{suffix}"
        part.write_bytes(whole[: int(len(whole) * cut)])
        _read_all(part)


@given(rows=st.lists(st.lists(st.text(max_size=20), max_size=8), max_size=15))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_cells_under_a_header(tmp_path: Path, rows: list[list[str]]) -> None:
    header = [["Make", "Model", "Qty", "Type", "Site", "Status", "Installed", "MAC"]]
    _read_all(write_csv(tmp_path / "cells.csv", header + rows))
