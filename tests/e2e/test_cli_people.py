"""The people in an incident through the real CLI: a report, an owner, a hand-over, feedback;
every refusal one line on stderr with its exit code and nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onwatch.incidents import State
from onwatch.store import IncidentStore
from tests.e2e.conftest import Run
from tests.e2e.test_cli_incidents import FIELDS

RECEIVER = "json://127.0.0.1:9/reporter"


def stored(tmp_path: Path) -> list:
    return IncidentStore(tmp_path / "db" / "incidents.json").list(set(State))


def shown(onwatch: Run, incident: int) -> dict:
    done = onwatch("incidents", "show", str(incident), "--json")
    assert done.code == 0, done.err
    return json.loads(done.out)


def test_a_report_opens_an_incident_and_the_same_report_adds_to_it(onwatch: Run) -> None:
    first = onwatch("incidents", "open", "VPN down", "--source", "vpn", "--reporter", "ana")
    assert (first.code, first.err) == (0, "")
    assert first.out == "opened #1 P2: VPN down\n"
    again = onwatch("incidents", "open", "vpn  down", "--source", "vpn", "--json")
    assert again.code == 0, again.err
    incident = json.loads(again.out)
    assert set(incident) == FIELDS
    assert (incident["id"], incident["reports"], incident["reporter"]) == (1, 2, "ana")
    third = onwatch("incidents", "open", "VPN down", "--source", "vpn", "--by", "desk")
    assert third.out == "added to #1 (3 reports)\n"
    assert shown(onwatch, 1)["timeline"][-1]["by"] == "desk"


def test_a_report_takes_its_defaults_and_every_option(onwatch: Run) -> None:
    done = onwatch("incidents", "open", "printer jammed", "--json")
    defaults = json.loads(done.out)
    assert (defaults["severity"], defaults["category"], defaults["source"]) == (
        "warning",
        "reported",
        "reported",
    )
    assert defaults["timeline"][0]["by"] == "dana"  # the operator, from $USER
    full = onwatch(
        "incidents",
        "open",
        "payroll export fails",
        "--severity",
        "critical",
        "--category",
        "availability",
        "--source",
        "payroll",
        "--description",
        "the 9:00 run stopped at 40%",
        "--reporter",
        RECEIVER,
        "--by",
        "desk",
        "--json",
    )
    assert full.code == 0, full.err
    incident = json.loads(full.out)
    assert (incident["severity"], incident["category"], incident["source"]) == (
        "critical",
        "availability",
        "payroll",
    )
    assert incident["description"] == "the 9:00 run stopped at 40%"
    assert (incident["reporter"], incident["timeline"][0]["by"]) == (RECEIVER, "desk")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("open", ""), "needs a title"),
        (("open", "   "), "needs a title"),
        (("open", "x" * 201), "at most 200"),
        (("open", "VPN down", "--reporter", "nosuch://thing"), "apprise"),
        (("open", "VPN down", "--reporter", "json://"), "apprise"),
        (("open", "VPN down", "--severity", "dire"), "invalid choice"),
    ],
)
def test_a_bad_report_is_one_line_exit_2_and_stores_nothing(
    onwatch: Run, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    done = onwatch("incidents", *args)
    assert done.code == 2
    assert len(done.err.splitlines()) == 1 and message in done.err
    assert done.out == ""
    assert stored(tmp_path) == []


def test_assign_an_owner_and_an_incident_manager_and_list_mine(onwatch: Run) -> None:
    for title in ("VPN down", "wifi slow"):
        onwatch("incidents", "open", title)
    owner = onwatch("incidents", "assign", "1", "dana", "--by", "desk")
    assert owner.out == "incident 1 assigned by desk: triggered\n"
    manager = onwatch("incidents", "assign", "1", "eve", "--as", "incident_manager", "--json")
    assert json.loads(manager.out)["incident_manager"] == "eve"
    onwatch("incidents", "assign", "2", "ben")
    table = onwatch("incidents", "list").out.splitlines()
    assert table[0].split() == [
        "ID",
        "PRI",
        "SEVERITY",
        "STATE",
        "ESC",
        "AGE",
        "SOURCE",
        "OWNER",
        "TITLE",
    ]
    assert [line.split()[7] for line in table[1:]] == ["dana", "ben"]
    mine = json.loads(onwatch("incidents", "list", "--mine", "--json").out)
    assert [i["id"] for i in mine] == [1]
    again = onwatch("incidents", "assign", "1", "dana")
    assert again.code == 4 and "already" in again.err
    bad_as = onwatch("incidents", "assign", "1", "x", "--as", "boss")
    assert bad_as.code == 2
    missing = onwatch("incidents", "assign", "9", "x")
    assert missing.code == 3


def test_a_hand_over_to_an_unknown_role_is_exit_2_and_changes_nothing(
    onwatch: Run, tmp_path: Path
) -> None:
    onwatch("incidents", "open", "VPN down")
    before = stored(tmp_path)
    done = onwatch("incidents", "escalate", "1", "--to", "facilities")
    assert done.code == 2
    assert len(done.err.splitlines()) == 1 and "no role 'facilities'" in done.err
    assert stored(tmp_path) == before
    plain = onwatch("incidents", "escalate", "1")  # without --to: the next step, as before
    assert plain.code == 0, plain.err
    assert shown(onwatch, 1)["escalation_level"] >= 1


def test_feedback_waits_for_a_fix_and_takes_ratings_1_to_5(onwatch: Run, tmp_path: Path) -> None:
    onwatch("incidents", "open", "VPN down")
    early = onwatch("incidents", "feedback", "1", "--rating", "5")
    assert early.code == 4 and len(early.err.splitlines()) == 1
    onwatch("incidents", "close", "1", "--note", "restarted the concentrator")
    before = stored(tmp_path)
    for rating in ("0", "6", "five"):
        refused = onwatch("incidents", "feedback", "1", "--rating", rating)
        assert refused.code == 2 and len(refused.err.splitlines()) == 1, refused.err
    assert stored(tmp_path) == before
    given = onwatch(
        "incidents", "feedback", "1", "--rating", "4", "--comment", "works", "--by", "ana"
    )
    assert given.out == "incident 1 feedback by ana: closed\n"
    assert shown(onwatch, 1)["feedback"][0]["rating"] == 4
    assert "feedback: 4/5 by ana: works" in onwatch("incidents", "show", "1").out


def test_the_desk_journey_from_report_to_feedback(onwatch: Run) -> None:
    """A user reports, the desk acknowledges, assigns, closes with a resolution, the user rates."""
    opened = onwatch(
        "incidents", "open", "cannot print", "--reporter", RECEIVER, "--by", "desk", "--json"
    )
    incident = json.loads(opened.out)
    number = str(incident["id"])
    assert (incident["state"], incident["reporter"]) == ("triggered", RECEIVER)
    assert onwatch("incidents", "ack", number, "--by", "desk").code == 0
    assert shown(onwatch, 1)["state"] == "acknowledged"
    assert onwatch("incidents", "assign", number, "ana", "--by", "desk").code == 0
    assert shown(onwatch, 1)["owner"] == "ana"
    assert onwatch("incidents", "close", number, "--note", "new toner", "--by", "ana").code == 0
    closed = shown(onwatch, 1)
    assert closed["state"] == "closed" and closed["timeline"][-1]["note"] == "new toner"
    rated = onwatch("incidents", "feedback", number, "--rating", "5", "--json")
    assert json.loads(rated.out) == shown(onwatch, 1)
    final = shown(onwatch, 1)
    assert [f["rating"] for f in final["feedback"]] == [5]
    kinds = [entry["kind"] for entry in final["timeline"]]
    for kind in ("opened", "acknowledged", "assigned", "closed", "feedback"):
        assert kind in kinds
