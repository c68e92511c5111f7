from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onwatch.store import IncidentStore
from tests.faults.scale import FULL
from tests.support.receiver import Receiver


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `full_only` need the full counts to mean anything: deselected (not skipped)
    unless ONWATCH_FAULT_SCALE=full (`make soak`)."""
    if FULL:
        return
    kept = [item for item in items if item.get_closest_marker("full_only") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture
def store(tmp_path: Path) -> IncidentStore:
    return IncidentStore(tmp_path / "incidents.json")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()
