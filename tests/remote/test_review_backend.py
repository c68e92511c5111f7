"""The remote console backend's review actions against a real server (the app under uvicorn on
a free loopback port): the same context, ticks, review and postmortem as in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onwatch.engine.api import NotFound, Unavailable
from onwatch.incidents import InvalidInput
from onwatch.remote import RemoteBackend
from tests.serve.conftest import OPERATOR_TOKEN, Live, start_live


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    server, finish = start_live(tmp_path)
    yield server
    finish()


async def test_the_remote_backend_ticks_reviews_and_reads_the_context(live: Live) -> None:
    backend = RemoteBackend(live.url, OPERATOR_TOKEN)
    try:
        incident = live.store.get(1)
        before = await backend.context(incident)
        assert [i.text for i in before.checklist][3] == "Look at cron"
        ticked = await backend.check(1, 4)
        assert [(t.item, t.by) for t in ticked.checked] == [("Look at cron", "dana")]
        assert backend.incident(1) == ticked  # kept at once for the screen
        reviewed = await backend.review(1, root_cause="cron", actions=["limit it"])
        assert (reviewed.root_cause, reviewed.actions) == ("cron", ("limit it",))
        after = await backend.context(reviewed)
        assert after.checklist[3].done and after.checklist[3].tick.by == "dana"
        text = await backend.postmortem(1)
        assert "- [x] 4. Look at cron (dana, " in text and "\ncron\n" in text
        with pytest.raises(InvalidInput):
            await backend.check(1, 9)
        with pytest.raises(NotFound):
            await backend.postmortem(99)
    finally:
        await backend.stop()
    assert live.store.get(1).root_cause == "cron"


async def test_an_unreachable_server_is_unavailable(tmp_path: Path) -> None:
    backend = RemoteBackend("http://127.0.0.1:9", OPERATOR_TOKEN)
    try:
        with pytest.raises(Unavailable):
            await backend.postmortem(1)
    finally:
        await backend.stop()
