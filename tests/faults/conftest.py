from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onwatch.store import IncidentStore
from tests.support.receiver import Receiver


@pytest.fixture
def store(tmp_path: Path) -> IncidentStore:
    return IncidentStore(tmp_path / "incidents.json")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()
