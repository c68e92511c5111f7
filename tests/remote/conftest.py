from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onwatch.store import IncidentStore
from tests.remote.server import Server
from tests.tui.conftest import seed


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """`onwatch serve` on 127.0.0.1 over a store seeded with three open incidents (1, 2, 3)."""
    running = Server(tmp_path / "server")
    seed(IncidentStore(running.db))
    running.start()
    yield running
    running.stop()
