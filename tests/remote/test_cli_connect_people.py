"""The people's commands with --connect against a real `onwatch serve`: the same output and
exit codes as locally, the token's name recorded as who acted, nothing stored on a refusal."""

from __future__ import annotations

import json

import pytest

from onwatch.incidents import State
from onwatch.store import IncidentStore
from tests.e2e.test_cli_incidents import FIELDS
from tests.remote.server import VIEWER_TOKEN, Server
from tests.remote.test_cli_connect import connect, paged

RECEIVER = "json://127.0.0.1:9/reporter"


def everything(server: Server) -> list:
    return IncidentStore(server.db).list(set(State))


def shown(server: Server, incident: int) -> dict:
    done = connect(server, "incidents", "show", str(incident), "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_report_opens_and_the_same_report_adds_to_it(server: Server) -> None:
    first = connect(server, "incidents", "open", "VPN down", "--source", "vpn")
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == "opened #4 P2: VPN down\n"
    second = connect(server, "incidents", "open", "vpn down", "--source", "vpn")
    assert second.stdout == "added to #4 (2 reports)\n"
    third = json.loads(
        connect(server, "incidents", "open", "VPN down", "--source", "vpn", "--json").stdout
    )
    assert set(third) == FIELDS
    assert (third["id"], third["reports"], third["timeline"][-1]["by"]) == (4, 3, "dana")
    local = json.loads(server.onwatch("incidents", "show", "4", "--json").stdout)
    assert local["reports"] == 3 and local["reporter"] is None


@pytest.mark.parametrize(
    "args",
    [
        ("open", ""),
        ("open", "x" * 201),
        ("open", "VPN down", "--reporter", "nosuch://thing"),
        ("open", "VPN down", "--by", "mallory"),
        ("escalate", "1", "--to", "facilities"),
        ("feedback", "1", "--rating", "9"),
        ("assign", "1", " "),
    ],
)
def test_bad_input_is_exit_2_one_line_and_nothing_stored(
    server: Server, args: tuple[str, ...]
) -> None:
    paged(server)  # the engine's first page lands first: only the refusal may change nothing
    before = everything(server)
    done = connect(server, "incidents", *args)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1 and done.stdout == ""
    assert everything(server) == before


def test_assign_and_list_mine_use_the_tokens_name(server: Server) -> None:
    done = connect(server, "incidents", "assign", "2", "dana")
    assert done.stdout == "incident 2 assigned by dana: triggered\n", done.stderr
    manager = connect(server, "incidents", "assign", "2", "eve", "--as", "incident_manager")
    assert manager.returncode == 0, manager.stderr
    connect(server, "incidents", "assign", "3", "ben")
    mine = json.loads(connect(server, "incidents", "list", "--mine", "--json").stdout)
    assert [(i["id"], i["owner"], i["incident_manager"]) for i in mine] == [(2, "dana", "eve")]
    # The text table is the local one, OWNER column and all.
    remote = connect(server, "incidents", "list", "--mine").stdout.splitlines()
    mine_here = ("--mine", "--config", str(server.config))  # operator = "dana" there too
    local = server.onwatch("incidents", "list", *mine_here).stdout.splitlines()
    assert [line.split()[:4] + line.split()[6:] for line in remote] == [
        line.split()[:4] + line.split()[6:] for line in local
    ]
    assert "OWNER" in remote[0].split()


def test_feedback_on_an_active_incident_is_exit_4(server: Server) -> None:
    done = connect(server, "incidents", "feedback", "1", "--rating", "5")
    assert done.returncode == 4 and len(done.stderr.splitlines()) == 1
    assert everything(server)[0].feedback == ()


def test_a_viewer_may_not_report(server: Server) -> None:
    done = connect(server, "incidents", "open", "VPN down", token=VIEWER_TOKEN)
    assert done.returncode == 5
    assert len(everything(server)) == 3


def test_the_desk_journey_through_the_api(server: Server) -> None:
    """Reported, acknowledged, assigned, closed with a resolution, rated: each in show --json,
    the same as the server's own store shows it."""
    opened = json.loads(
        connect(
            server, "incidents", "open", "cannot print", "--reporter", RECEIVER, "--json"
        ).stdout
    )
    number = str(opened["id"])
    assert connect(server, "incidents", "ack", number).returncode == 0
    assert shown(server, opened["id"])["state"] == "acknowledged"
    assert connect(server, "incidents", "assign", number, "ana").returncode == 0
    assert shown(server, opened["id"])["owner"] == "ana"
    closed = connect(server, "incidents", "close", number, "--note", "new toner")
    assert closed.returncode == 0, closed.stderr
    rated = connect(server, "incidents", "feedback", number, "--rating", "5", "--comment", "ok")
    assert rated.stdout == f"incident {number} feedback by dana: closed\n", rated.stderr
    final = shown(server, opened["id"])
    assert final == json.loads(server.onwatch("incidents", "show", number, "--json").stdout)
    assert (final["reporter"], final["owner"], final["state"]) == (RECEIVER, "ana", "closed")
    assert [(f["rating"], f["comment"], f["by"]) for f in final["feedback"]] == [(5, "ok", "dana")]
    notes = {entry["kind"]: entry["note"] for entry in final["timeline"]}
    assert notes["closed"] == "new toner"
