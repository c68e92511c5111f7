from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.remote.standin import StandIn
from tests.tui.conftest import seed

OPERATOR_TOKEN = "op-7f3a9c-secret"
VIEWER_TOKEN = "view-51b2e0-secret"
TOKENS = {OPERATOR_TOKEN: ("dana", "operator"), VIEWER_TOKEN: ("vic", "viewer")}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[StandIn]:
    """The API on 127.0.0.1 over a store seeded with three open incidents (1, 2, 3)."""
    db = tmp_path / "server" / "incidents.json"
    db.parent.mkdir()
    running = StandIn(db, TOKENS)
    seed(running.store)
    running.start()
    yield running
    running.stop()
