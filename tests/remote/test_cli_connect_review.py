"""Checklists, the review, changes and postmortems with --connect against a real `onwatch
serve`: what the local store would print, the token's name as who acted."""

from __future__ import annotations

import json

from onwatch.incidents import EntryKind
from onwatch.store import ChangeStore, IncidentStore
from tests.remote.server import VIEWER_TOKEN, Server
from tests.remote.test_cli_connect import connect, paged


def test_check_and_review_act_as_the_tokens_holder(server: Server) -> None:
    paged(server)
    ticked = connect(server, "incidents", "check", "2", "3", "--json")
    assert ticked.returncode == 0, ticked.stderr
    shown = json.loads(ticked.stdout)
    assert shown == json.loads(server.onwatch("incidents", "show", "2", "--json").stdout)
    assert shown["checklist"][2]["done"] is True and shown["checklist"][2]["by"] == "dana"
    out_of_range = connect(server, "incidents", "check", "2", "9")
    assert out_of_range.returncode == 2 and "items 1 to 3" in out_of_range.stderr
    reviewed = connect(
        server, "incidents", "review", "2", "--root-cause", "a bad deploy", "--action", "canary"
    )
    assert reviewed.returncode == 0, reviewed.stderr
    assert reviewed.stdout == "incident 2 reviewed by dana: triggered\n"
    stored = IncidentStore(server.db).get(2)
    assert (stored.root_cause, stored.actions) == ("a bad deploy", ("canary",))
    assert stored.timeline[-1].kind == EntryKind.REVIEWED
    refused = connect(server, "incidents", "check", "2", "1", token=VIEWER_TOKEN)
    assert refused.returncode == 5


def test_changes_and_the_postmortem_through_the_api(server: Server) -> None:
    paged(server)
    added = connect(server, "change", "add", "rotated the api key", "--source", "api", "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["by"] == "dana"
    kept = ChangeStore(server.db.with_name("changes.json")).list()
    assert [(c.text, c.source, c.by) for c in kept] == [("rotated the api key", "api", "dana")]
    listed = connect(server, "change", "list")
    assert listed.stdout == server.onwatch("change", "list").stdout
    assert "rotated the api key" in listed.stdout
    remote = connect(server, "postmortem", "2")
    local = server.onwatch("postmortem", "2")
    assert remote.returncode == 0, remote.stderr
    strip = lambda text: [ln for ln in text.splitlines() if not ln.startswith("Written ")]  # noqa: E731
    assert strip(remote.stdout) == strip(local.stdout)
    assert "| rotated the api key |" in remote.stdout
    missing = connect(server, "postmortem", "99")
    assert missing.returncode == 3
    by = connect(server, "change", "add", "x", "--by", "mallory")
    assert by.returncode == 2
