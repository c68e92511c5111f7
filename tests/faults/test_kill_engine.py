"""kill -9 of a headless engine at random moments while many flapping checks write and an
operator acknowledges and closes from the CLI: the store is always readable, no confirmed
acknowledgement or close is lost, and nothing is notified twice across a restart.

`make test` kills it a few times; `make soak` (ONWATCH_FAULT_SCALE=full) 200 times."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from onwatch.incidents import EntryKind, State
from onwatch.store import IncidentStore
from tests.e2e.conftest import ROOT
from tests.faults.flapping import FlappingServer
from tests.faults.scale import scaled
from tests.support.receiver import Receiver

ONWATCH = (sys.executable, "-m", "onwatch")
KILLS = int(os.environ.get("ONWATCH_FAULT_KILLS", "0")) or scaled(5, soak=200)
"""How many times the engine is killed; ONWATCH_FAULT_KILLS=N overrides."""
CHECKS = 30

TITLE_KINDS = {
    "ESCALATED ": {EntryKind.ESCALATED},
    "STILL OPEN ": {EntryKind.RENOTIFIED},
    "UNACKNOWLEDGED ": {EntryKind.UNACKNOWLEDGED},
    "RESOLVED ": {EntryKind.RESOLVED},
    "HANDED OVER ": {EntryKind.HANDED_OVER},
    "CLOSED ": {EntryKind.CLOSED},
    "REOPENED ": {EntryKind.REOPENED},
}
OPENED_KINDS = {EntryKind.PAGED, EntryKind.OPENED, EntryKind.REOPENED}


def entry_kinds(title: str) -> set[EntryKind]:
    for prefix, kinds in TITLE_KINDS.items():
        if title.startswith(prefix):
            return kinds
    return OPENED_KINDS


@pytest.fixture
def flapping() -> Iterator[FlappingServer]:
    server = FlappingServer(seed=14)
    yield server
    server.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def write_config(tmp_path: Path, flapping: FlappingServer, receiver: Receiver) -> Path:
    checks = "".join(
        f'[[http]]\nname = "svc{n:02d}"\nurl = "{flapping.url(f"svc{n}")}"\n' for n in range(CHECKS)
    )
    config = tmp_path / "onwatch.toml"
    config.write_text(
        'operator = "dana"\n[local]\nenabled = false\n[defaults]\ninterval = "1s"\n'
        'timeout = "2s"\n[notify]\ndesktop = false\nstorm_threshold = 100000\n'
        f'[notify.channels]\nteam = {{ url = "{receiver.url("team")}", send_resolved = true }}\n'
        + checks
    )
    return config


def onwatch(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "onwatch", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def start_engine(config: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*ONWATCH, "--config", str(config), "--db", str(db), "run", "--headless"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def readable(db: Path) -> list:
    """The store opens and every incident in it loads; ids are unique."""
    everything = IncidentStore(db).list()
    ids = [i.id for i in everything]
    assert len(ids) == len(set(ids))
    return everything


def test_kill_9_of_the_engine_loses_no_confirmed_action_and_notifies_nothing_twice(
    tmp_path: Path, flapping: FlappingServer, receiver: Receiver
) -> None:
    config = write_config(tmp_path, flapping, receiver)
    db = tmp_path / "store" / "incidents.json"
    rng = random.Random(20261201)
    acked: set[int] = set()
    closed: set[int] = set()
    for kill in range(KILLS):
        started_at = datetime.now(UTC)
        delivered_before = len(receiver.requests)
        engine = start_engine(config, db)
        try:
            assert engine.stdout is not None
            line = engine.stdout.readline()  # its first incident event: the engine is writing
            assert line, f"the engine exited before writing (run {kill})"
            # The operator acts while the engine writes; what the CLI confirmed must stay.
            unclosed = [i for i in IncidentStore(db).unclosed() if i.id not in closed]
            if unclosed:
                target = rng.choice(unclosed)
                verb = rng.choice(["ack", "close"])
                done = onwatch("--config", str(config), "--db", str(db), "incidents", verb,
                               str(target.id), "--note", f"run {kill}")  # fmt: skip
                if done.returncode == 0:
                    (acked if verb == "ack" else closed).add(target.id)
            time.sleep(rng.uniform(0, 1.5))
        finally:
            engine.send_signal(signal.SIGKILL)
            engine.wait(30)
            if engine.stdout is not None:
                engine.stdout.close()
        everything = {i.id: i for i in readable(db)}
        for incident_id in acked:
            kinds = {e.kind for e in everything[incident_id].timeline}
            assert EntryKind.ACKNOWLEDGED in kinds, f"ack of #{incident_id} lost (run {kill})"
        for incident_id in closed:
            assert everything[incident_id].state is State.CLOSED, f"close of #{incident_id} lost"
        # Every delivery in this run is for an entry written in this run: nothing announced
        # before the restart was announced again.
        sent: Counter[tuple[int, frozenset[EntryKind]]] = Counter()
        for request in receiver.requests[delivered_before:]:
            body = str(request.payload.get("message", ""))
            if not body.startswith("#"):
                continue  # a request the kill cut off before its body: nothing was delivered
            incident_id = int(body.split(" ", 1)[0].removeprefix("#"))
            sent[incident_id, frozenset(entry_kinds(str(request.payload.get("title", ""))))] += 1
        for (incident_id, kinds), count in sent.items():
            new = [
                e
                for e in everything[incident_id].timeline
                if e.kind in kinds and e.at >= started_at
            ]
            assert count <= len(new), (
                f"#{incident_id} told {count} times for {len(new)} new entries (run {kill})"
            )
    assert closed or acked, "no operator action was confirmed in any run"
    assert len(receiver.requests) > 0
    assert not any(".tmp-" in p.name for p in db.parent.iterdir() if p.is_file())
