"""`POST /v1/config/reload` on a real `onwatch serve`: the server reads its own config file again
by SIGHUP's path; a broken file keeps the running config and every problem comes back, one line
each; a viewer may not ask; a remote console's reload is the same request."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from onwatch.engine.api import ReloadOutcome, Unavailable
from onwatch.remote import RemoteBackend
from tests.e2e.test_headless import closed_port
from tests.faults.test_sighup import BASE, BROKEN, start, stop, tcp
from tests.serve.test_cli import free_port

OPERATOR, VIEWER = "op-271828182845", "view-314159265358"
TOKENS = (
    f'[[serve.tokens]]\nname = "dana"\nrole = "operator"\ntoken = "{OPERATOR}"\n'
    f'[[serve.tokens]]\nname = "wall"\nrole = "viewer"\ntoken = "{VIEWER}"\n'
)


async def remote_reload(url: str) -> ReloadOutcome:
    backend = RemoteBackend(url, OPERATOR)
    try:
        return await backend.reload_config()
    finally:
        await backend.stop()


def reload(url: str, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.post(f"{url}/v1/config/reload", headers=headers, timeout=20)


def test_the_api_reloads_the_servers_config_and_reports_every_problem(
    tmp_path: Path,
) -> None:
    config = tmp_path / "onwatch.toml"
    head = f'db = "{tmp_path / "incidents.json"}"\n' + TOKENS + BASE
    config.write_text(head + tcp("db", closed_port()))
    port = free_port()
    process, _, err = start("serve", "--config", str(config), "--listen", f"127.0.0.1:{port}")
    try:
        url = err.wait("serving on ").strip().removeprefix("serving on ")
        config.write_text(head + tcp("db", closed_port()) + tcp("web", closed_port()))
        answer = reload(url, OPERATOR)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["applied"] is True and body["problems"] == []
        assert "1 check added (web)" in body["summary"]
        assert "config reloaded" in err.wait("1 check added (web)")

        assert reload(url, VIEWER).status_code == 403

        config.write_text(f'db = "{tmp_path / "incidents.json"}"\n' + TOKENS + BROKEN)
        body = reload(url, OPERATOR).json()
        assert body["applied"] is False
        assert body["summary"] == "config not reloaded: 3 problems, the running config stays"
        assert len(body["problems"]) == 3
        assert all(p.startswith(f"{config}:") for p in body["problems"]), body["problems"]
        assert OPERATOR not in answer.text  # never a token in an answer

        # A remote console's reload is the same request, read back field by field.
        outcome = asyncio.run(remote_reload(url))
        assert not outcome.applied and len(outcome.problems) == 3
        sources = httpx.get(
            f"{url}/v1/sources", headers={"Authorization": f"Bearer {VIEWER}"}, timeout=10
        ).json()
        assert {s["name"] for s in sources} == {"db", "web"}  # the running config stays
    finally:
        stop(process)
    assert process.returncode == 0
    assert "Traceback" not in "".join(err.seen)


def test_a_server_without_a_config_file_says_so(live) -> None:
    from tests.serve.conftest import OPERATOR_TOKEN

    answer = reload(live.url, OPERATOR_TOKEN)
    assert answer.status_code == 409
    assert answer.json() == {"error": "this engine was started without a config file to read again"}

    async def remote() -> str:
        backend = RemoteBackend(live.url, OPERATOR_TOKEN)
        try:
            await backend.reload_config()
        except Unavailable as exc:
            return str(exc)
        finally:
            await backend.stop()
        raise AssertionError("reloaded without a config file")

    assert "without a config file" in asyncio.run(remote())
