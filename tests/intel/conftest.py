"""Fixtures for the vendor-intelligence tests: an isolated data directory and a resolver."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodes.intel import Resolver, load_knowledge

HERE = Path(__file__).parent


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty CUSTODES_DATA_DIR so no test sees a developer's own imports."""
    directory = tmp_path / "custodes-data"
    monkeypatch.setenv("CUSTODES_DATA_DIR", str(directory))
    return directory


@pytest.fixture(scope="session")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Resolver:
    """A resolver over the shipped knowledge only."""
    return Resolver(load_knowledge(tmp_path_factory.mktemp("empty-data")))


@pytest.fixture
def fixtures() -> Path:
    """Directory of the test input files."""
    return HERE / "fixtures"
