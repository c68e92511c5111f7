"""Evidence from a real failing server, through `run --headless --once` and `incidents show`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.collectors.servers import HttpServer, Reply
from tests.e2e.conftest import Run
from tests.e2e.test_headless import write_config


def test_show_includes_the_evidence_captured_when_the_check_failed(
    onwatch: Run, tmp_path: Path
) -> None:
    with HttpServer() as server:
        server.routes["/pay"] = Reply(
            500, b"database is down\n" + b"x" * 4000, {"Set-Cookie": "sid=very-secret-sid"}
        )
        config = write_config(
            tmp_path, f'[[http]]\nname = "pay"\nurl = "{server.url("/pay")}"\ntimeout = "5s"\n'
        )
        result = onwatch("--config", str(config), "run", "--headless", "--once")
        assert result.code == 0, result.err
    shown = onwatch("--config", str(config), "incidents", "show", "1", "--json")
    assert shown.code == 0, shown.err
    evidence = json.loads(shown.out)["evidence"]
    assert evidence["status"] == 500
    assert evidence["headers"]["set-cookie"] == "***"
    assert evidence["body"].startswith("database is down")
    assert len(evidence["body"]) == 2048
    assert evidence["address"] == f"127.0.0.1:{server.port}"
    assert evidence["seconds"] > 0
    assert "very-secret-sid" not in shown.out

    text = onwatch("--config", str(config), "incidents", "show", "1")
    assert text.code == 0, text.err
    assert "evidence (as it opened):" in text.out
    assert "status: 500" in text.out and "set-cookie: ***" in text.out
    assert "very-secret-sid" not in text.out
