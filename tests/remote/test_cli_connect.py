"""The scripts with --connect: the output and exit codes of the local store, through the API."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from tests.e2e.test_cli_incidents import FIELDS
from tests.remote.server import OPERATOR_TOKEN, VIEWER_TOKEN, Server, free_port


def connect(server: Server, *args: str, token: str | None = OPERATOR_TOKEN, url: str = ""):
    env = {k: v for k, v in server.env.items() if k not in ("ONWATCH_DB", "DANA_TOKEN")}
    env["XDG_CONFIG_HOME"] = str(server.home / "client-config")  # no config, no store here
    if token is not None:
        env["ONWATCH_TOKEN"] = token
    done = subprocess.run(
        [sys.executable, "-m", "onwatch", *args, "--connect", url or server.url],
        env=env,
        cwd=server.home,
        capture_output=True,
        text=True,
        timeout=30,
    )
    for secret in (OPERATOR_TOKEN, VIEWER_TOKEN):
        assert secret not in done.stdout + done.stderr
    return done


def paged(server: Server) -> None:
    """Wait (bounded) for the server's engine to page the seeded incidents on its first tick,
    so both sides read the same store."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = json.loads(server.onwatch("incidents", "list", "--json").stdout)
        if all(any(e["kind"] == "paged" for e in i["timeline"]) for i in found):
            return
    raise AssertionError("the engine did not page the seeded incidents")


def test_list_and_show_print_what_the_local_store_would(server: Server) -> None:
    paged(server)
    remote = connect(server, "incidents", "list", "--json")
    local = server.onwatch("incidents", "list", "--json")
    assert remote.returncode == 0, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    assert all(set(i) == FIELDS for i in json.loads(remote.stdout))
    text = connect(server, "incidents", "list")
    assert text.stdout.splitlines()[0].split() == local_text(server)[0].split()
    shown = connect(server, "incidents", "show", "2")
    assert shown.stdout == server.onwatch("incidents", "show", "2").stdout
    assert "api: connection refused" in shown.stdout


def local_text(server: Server) -> list[str]:
    return server.onwatch("incidents", "list").stdout.splitlines()


def test_ack_records_the_tokens_name(server: Server) -> None:
    done = connect(server, "incidents", "ack", "1", "--note", "on it")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "incident 1 acknowledged by dana: acknowledged\n"
    acked = json.loads(connect(server, "incidents", "ack", "3", "--json").stdout)
    assert acked == json.loads(server.onwatch("incidents", "show", "3", "--json").stdout)
    assert (acked["timeline"][-1]["by"], acked["state"]) == ("dana", "acknowledged")


def test_exit_codes_follow_the_servers_answer(server: Server) -> None:
    closed = connect(server, "incidents", "close", "1")
    assert closed.returncode == 0, closed.stderr
    cases = {
        2: connect(server, "incidents", "note", "2", " "),  # 400: an empty note
        3: connect(server, "incidents", "show", "99"),  # 404
        4: connect(server, "incidents", "ack", "1"),  # 409: closed
        5: connect(server, "incidents", "ack", "2", token=VIEWER_TOKEN),  # 403
    }
    for code, done in cases.items():
        assert done.returncode == code, (code, done.stderr)
        assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("onwatch: ")
    wrong = connect(server, "incidents", "list", token="not-a-token")
    assert wrong.returncode == 5 and "not-a-token" not in wrong.stderr


def test_nothing_listening_is_exit_1(server: Server) -> None:
    done = connect(server, "incidents", "list", url=f"http://127.0.0.1:{free_port()}")
    assert done.returncode == 1
    assert "unreachable" in done.stderr and len(done.stderr.splitlines()) == 1


def test_by_and_a_missing_token_are_usage_errors(server: Server) -> None:
    by = connect(server, "incidents", "ack", "1", "--by", "lee")
    assert by.returncode == 2 and "token's name" in by.stderr
    missing = connect(server, "incidents", "list", token=None)
    assert missing.returncode == 2 and "ONWATCH_TOKEN" in missing.stderr


def test_silences_through_the_api(server: Server) -> None:
    added = connect(
        server, "silence", "add", "--match", "source=web-*", "--for", "2h", "--reason", "reboot"
    )
    assert added.returncode == 0, added.stderr
    listed = json.loads(connect(server, "silence", "list", "--json").stdout)
    assert [(s["matchers"], s["created_by"]) for s in listed] == [({"source": "web-*"}, "dana")]
    assert listed == json.loads(server.onwatch("silence", "list", "--json").stdout)
    assert connect(server, "silence", "expire", str(listed[0]["id"])).returncode == 0
    assert connect(server, "silence", "expire", str(listed[0]["id"])).returncode == 4
    assert connect(server, "silence", "expire", "42").returncode == 3
