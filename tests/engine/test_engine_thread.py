"""The console's engine on a thread of its own: checks run there, the console's loop gets the
events and a snapshot that already holds what an action changed; quitting ends the thread."""

from __future__ import annotations

import threading
from datetime import datetime

from onwatch.engine import api
from onwatch.engine.engine_thread import ThreadedBackend
from onwatch.engine.local_backend import LocalBackend
from onwatch.incidents import Event, Sample, State
from onwatch.store import IncidentStore
from tests.engine.conftest import Scripted, make_engine, wait_for, watch


class Noting(Scripted):
    """A scripted check that notes the thread it ran on."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.threads: set[int] = set()

    async def collect(self, now: datetime) -> list[Sample]:
        self.threads.add(threading.get_ident())
        return await super().collect(now)


def engine_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "onwatch-engine"]


def threaded(store: IncidentStore, check: Scripted) -> ThreadedBackend:
    engine = make_engine(store, {check.watch.name: check})
    return ThreadedBackend(LocalBackend(engine, operator="dana"), sources_seconds=0.05)


async def test_checks_run_on_the_engine_thread_and_events_reach_the_console_loop(
    store: IncidentStore,
) -> None:
    api_check = Noting(watch("api"), lambda: "connection refused")
    backend = threaded(store, api_check)
    seen: list[tuple[int, api.BackendEvent]] = []
    backend.subscribe(lambda event: seen.append((threading.get_ident(), event)))
    await backend.start()
    try:
        await wait_for(
            lambda: any(
                isinstance(e, api.IncidentUpdate) and e.event is Event.OPENED for _, e in seen
            )
        )
        await wait_for(lambda: any(s.samples for s in backend.sources()))
    finally:
        await backend.stop()
    here = threading.get_ident()
    assert api_check.threads and here not in api_check.threads
    assert {thread for thread, _ in seen} == {here}
    (incident,) = backend.incidents()
    assert backend.incident(incident.id) is incident
    assert isinstance(backend.incidents(), tuple)  # a snapshot: nothing the engine changes
    assert backend.ready
    assert engine_threads() == []


async def test_an_action_is_in_the_snapshot_when_it_returns_and_in_the_store_after_quit(
    store: IncidentStore,
) -> None:
    backend = threaded(store, Scripted(watch("api"), lambda: "connection refused"))
    await backend.start()
    try:
        await wait_for(lambda: len(backend.incidents()) == 1)
        (incident,) = backend.incidents()
        acknowledged = await backend.acknowledge(incident.id, note="on it")
        assert acknowledged.state is State.ACKNOWLEDGED
        assert backend.incident(incident.id) == acknowledged
    finally:
        await backend.stop()
    assert store.get(incident.id).state is State.ACKNOWLEDGED
    assert engine_threads() == []


async def test_an_action_the_store_refuses_raises_on_the_console_loop(
    store: IncidentStore,
) -> None:
    backend = threaded(store, Scripted(watch("api", interval=60), lambda: 1.0))
    await backend.start()
    try:
        try:
            await backend.acknowledge(999)
        except api.NotFound:
            pass
        else:
            raise AssertionError("acknowledging no incident did not raise")
    finally:
        await backend.stop()


async def test_stop_before_start_does_nothing(store: IncidentStore) -> None:
    backend = threaded(store, Scripted(watch("api"), lambda: 1.0))
    await backend.stop()
    assert not backend.ready and backend.incidents() == ()
