"""Fixtures for the register tests; the file builders live in ``register_files``."""

from __future__ import annotations

from pathlib import Path

import pytest
from register_files import FIXTURES


@pytest.fixture
def nc_survey() -> tuple[Path, Path]:
    """The N&O North Carolina ALPR survey and its mapping file."""
    return FIXTURES / "nc_agency_survey20240430.csv", FIXTURES / "nc_agency_survey.mapping.yaml"
