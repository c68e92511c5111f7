"""Any sequence of detections and operator actions keeps the incident invariants.

Runs against the real store (TinyDB files in a temporary directory) through the operations API
and the recorder, exactly the path the engine, the TUI and the CLI take.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from onwatch.engine.operations import Operations
from onwatch.engine.recorder import record
from onwatch.incidents import (
    Breach,
    Category,
    IncidentError,
    Recovery,
    Severity,
    State,
)
from onwatch.incidents.codec import incident_to_dict
from onwatch.store import IncidentStore, NotFound

FINGERPRINTS = [("web-01", "local", "cpu"), ("api", "api", "up")]


class IncidentWorld(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.TemporaryDirectory()
        self.store = IncidentStore(Path(self.dir.name) / "incidents.json")
        self.now = datetime(2026, 11, 27, tzinfo=UTC)
        self.ops = Operations(self.store, clock=lambda: self.now, operator="dana")
        self.ids_seen: set[int] = set()

    def teardown(self) -> None:
        self.dir.cleanup()

    def _tick(self, minutes: int) -> None:
        # Whole months pass now and then, so closed incidents land in several archives.
        self.now += timedelta(minutes=minutes)

    @rule(
        which=st.integers(0, 1),
        severity=st.sampled_from(list(Severity)),
        minutes=st.one_of(st.integers(0, 60), st.just(31 * 24 * 60)),
    )
    def breach(self, which: int, severity: Severity, minutes: int) -> None:
        self._tick(minutes)
        source, check, metric = FINGERPRINTS[which]
        decision = Breach(
            source=source,
            check=check,
            metric=metric,
            severity=severity,
            category=Category.RESOURCE,
            value=1.0,
            threshold=1.0,
            title="t",
            at=self.now,
        )
        for change in record(self.store, [decision]):
            self.ids_seen.add(change.incident.id)

    @rule(which=st.integers(0, 1), minutes=st.integers(0, 60))
    def recover(self, which: int, minutes: int) -> None:
        self._tick(minutes)
        fp = "/".join(FINGERPRINTS[which])
        record(self.store, [Recovery(fp, 0.0, self.now)])

    @rule(
        action=st.sampled_from(
            ["acknowledge", "escalate", "close", "reopen", "note", "set_priority"]
        ),
        pick=st.integers(0, 50),
        minutes=st.integers(0, 30),
    )
    def operate(self, action: str, pick: int, minutes: int) -> None:
        self._tick(minutes)
        known = sorted(self.ids_seen) or [1]
        incident_id = known[pick % len(known)]
        try:
            before = incident_to_dict(self.store.get(incident_id))
        except NotFound:
            before = None
        call = getattr(self.ops, action)
        args = {"note": ("checked",), "set_priority": ("P1",)}.get(action, ())
        try:
            call(incident_id, *args)
        except (IncidentError, NotFound):
            after = None if before is None else incident_to_dict(self.store.get(incident_id))
            assert after == before, "a refused action changed the incident"

    @invariant()
    def one_unclosed_incident_per_fingerprint(self) -> None:
        fps = [i.fingerprint for i in self.store.unclosed()]
        assert len(fps) == len(set(fps))

    @invariant()
    def ids_are_unique_across_live_and_archives(self) -> None:
        everything = self.store.list()
        ids = [i.id for i in everything]
        assert len(ids) == len(set(ids))
        assert set(ids) == self.ids_seen
        assert all(i.id >= 1 for i in everything)

    @invariant()
    def live_file_holds_only_unclosed_and_archives_only_closed(self) -> None:
        assert all(i.state is not State.CLOSED for i in self.store.unclosed())
        assert all(i.state is State.CLOSED for i in self.store.archived())

    @invariant()
    def timelines_are_in_time_order(self) -> None:
        for incident in self.store.list():
            times = [entry.at for entry in incident.timeline]
            assert times == sorted(times)
            assert incident.timeline[0].kind == "opened"


IncidentWorld.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestIncidentInvariants = IncidentWorld.TestCase
