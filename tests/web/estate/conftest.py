"""Fixtures for the web register tests; rows and builders live in ``register_rows``."""

from __future__ import annotations

from pathlib import Path

import pytest
from register_rows import KENT_ROWS, write_csv


@pytest.fixture
def kent_register(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "kent.csv", KENT_ROWS)


@pytest.fixture
def kent(roster):
    from custodes.web.bodies.models import Body

    return Body.objects.get(code="kent")


@pytest.fixture
def kent_imported(kent, kent_register):
    from custodes.web.estate.services import import_register

    import_register(kent, kent_register, actor="test")
    return kent
