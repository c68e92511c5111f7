"""`onwatch agent` as a real process, polled over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx

from tests.e2e.conftest import ROOT, Run


def start_agent(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "onwatch", "agent", "--listen", "127.0.0.1:0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    line = process.stderr.readline()
    assert "serving" in line, line
    return process, line.split()[-1]


def test_agent_serves_a_sample_and_requires_its_token() -> None:
    process, url = start_agent("--token-env", "AGENT_TOKEN", env={"AGENT_TOKEN": "s3cr3t-t0ken"})
    try:
        assert httpx.get(url).status_code == 401
        assert httpx.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = httpx.get(url, headers={"Authorization": "Bearer s3cr3t-t0ken"})
        assert ok.status_code == 200
        assert 0 <= ok.json()["metrics"]["cpu"] <= 100
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "s3cr3t-t0ken" not in out + err


def test_agent_refuses_a_public_address_without_a_token(onwatch: Run) -> None:
    result = onwatch("agent", "--listen", "0.0.0.0:0")
    assert result.code == 2
    assert "refusing to listen" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_agent_token_variable_must_be_set(onwatch: Run) -> None:
    result = onwatch("agent", "--token-env", "NOT_SET_ANYWHERE")
    assert result.code == 2
    assert "NOT_SET_ANYWHERE is not set" in result.err
