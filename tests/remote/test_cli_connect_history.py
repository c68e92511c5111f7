"""Stats, export and paged lists with --connect: the same answers as the local store."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from onwatch.incidents.summary import COLUMNS
from onwatch.store import IncidentStore
from tests.e2e.test_cli_history import incident
from tests.remote.server import Server
from tests.remote.test_cli_connect import connect
from tests.tui.conftest import seed


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """`onwatch serve` over three open incidents (1-3) and closed ones (4-8) in the archive."""
    running = Server(tmp_path / "server")
    # The server watches no checks of this host (tests/remote/server.py): the figures stay those
    # of the seeded history.
    store = IncidentStore(running.db)
    seed(store)
    with store.transaction() as txn:
        for n, age in zip(range(4, 9), (80, 50, 20, 10, 4), strict=True):
            txn.put(incident(n, age))
        while txn.next_id() < 9:
            pass
    running.start()
    yield running
    running.stop()


def test_stats_through_the_api_match_the_local_figures(server: Server) -> None:
    remote = connect(server, "stats", "--json", "--since", "30d")
    local = server.onwatch("stats", "--json", "--since", "30d")
    assert remote.returncode == 0, remote.stderr
    mine, theirs = json.loads(remote.stdout), json.loads(local.stdout)
    assert mine["total"] == theirs["total"] == 6  # 1-3 open, 6-8 closed within 30 days
    for key in ("by_severity", "by_source", "time_to_resolve", "noisiest_checks"):
        assert mine[key] == theirs[key]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_streams_the_same_lines_as_the_local_store(server: Server, fmt: str) -> None:
    remote = connect(server, "incidents", "export", "--format", fmt)
    local = server.onwatch("incidents", "export", "--format", fmt)
    assert remote.returncode == 0, remote.stderr
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(remote.stdout)))
        assert tuple(rows[0]) == COLUMNS
        assert sorted(int(r[0]) for r in rows[1:]) == list(range(1, 9))
        # The open incidents' last-seen times move while the engine runs: compare the closed.
        assert [r for r in rows if r[9] == "closed"] == [
            r for r in csv.reader(io.StringIO(local.stdout)) if r[9] == "closed"
        ]
    else:
        ids = [json.loads(line)["id"] for line in remote.stdout.splitlines()]
        assert sorted(ids) == list(range(1, 9))
        assert ids == [json.loads(line)["id"] for line in local.stdout.splitlines()]


def test_list_all_pages_through_the_api(server: Server) -> None:
    first = connect(server, "incidents", "list", "--state", "all", "--limit", "3", "--json")
    assert first.returncode == 0, first.stderr
    assert [i["id"] for i in json.loads(first.stdout)] == [6, 7, 8]
    older = connect(
        server, "incidents", "list", "--state", "all", "--limit", "3", "--before", "6", "--json"
    )
    assert [i["id"] for i in json.loads(older.stdout)] == [3, 4, 5]


def test_history_endpoints_refuse_without_a_token_and_check_their_parameters(
    server: Server,
) -> None:
    for path in ("/v1/stats", "/v1/incidents/export"):
        assert httpx.get(server.url + path, timeout=5).status_code == 401
    headers = {"Authorization": f"Bearer {server_token()}"}
    for query in ("since=soon", "since=-1d", "drills=maybe", "format=xml"):
        answer = httpx.get(f"{server.url}/v1/incidents/export?{query}", headers=headers, timeout=5)
        assert answer.status_code == 400, query
    answer = httpx.get(f"{server.url}/v1/stats?since=99999999d", headers=headers, timeout=5)
    assert answer.status_code == 400


def server_token() -> str:
    from tests.remote.server import VIEWER_TOKEN

    return VIEWER_TOKEN
