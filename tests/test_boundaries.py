"""The direction of imports, checked in a fresh interpreter (import-linter checks the source)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT

IO_LIBRARIES = ("textual", "httpx", "psutil", "tinydb", "plyer", "apprise")


def modules_after(*imports: str) -> set[str]:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in imports)
        + "print('\\n'.join(sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return {line.split(".")[0] for line in out.splitlines()}


def test_the_incident_domain_loads_no_io_library() -> None:
    loaded = modules_after(
        "onwatch.incidents",
        "onwatch.incidents.escalation",
        "onwatch.incidents.silences",
        "onwatch.incidents.triage",
    )
    assert not loaded & set(IO_LIBRARIES)


@pytest.mark.parametrize(
    "module",
    [
        "onwatch.engine.core",
        "onwatch.collectors.http",
        "onwatch.collectors.local",
        "onwatch.store",
        "onwatch.notify.dispatch",
    ],
)
def test_nothing_below_the_console_loads_textual(module: str) -> None:
    assert "textual" not in modules_after(module)


def test_listing_incidents_does_not_load_the_engines_network_stack() -> None:
    loaded = modules_after("onwatch.cli", "onwatch.cli.incidents")
    assert not loaded & {"textual", "httpx", "apprise"}


RUN_AND_LIST_MODULES = (
    "import sys\n"
    "from onwatch.cli.main import main\n"
    "code = main(sys.argv[1:])\n"
    "print('\\n'.join(sys.modules), flush=True)\n"
    "sys.exit(code)\n"
)


def modules_after_headless_run(tmp_path: Path, config: str, *, full: bool = False) -> set[str]:
    """The top-level modules (every module's full name with `full`) loaded by
    `onwatch run --headless --once` on `config`."""
    path = tmp_path / "onwatch.toml"
    path.write_text(config)
    env = {
        **os.environ,
        "ONWATCH_DB": str(tmp_path / "db" / "incidents.json"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "PYTHONPATH": str(ROOT),
    }
    argv = ["--config", str(path), "run", "--headless", "--once"]
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, *argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    names = done.stdout.splitlines()
    return set(names) if full else {line.split(".")[0] for line in names}


def test_a_headless_run_watching_this_host_loads_no_http_stack(tmp_path: Path) -> None:
    loaded = modules_after_headless_run(tmp_path, '[local]\ninterval = "1s"\n')
    assert "psutil" in loaded  # it did watch this host
    assert not loaded & {
        "httpx",
        "httpcore",
        "prometheus_client",
        "apprise",
        "starlette",
        "uvicorn",
        "textual",
    }


def test_a_headless_run_with_an_http_check_loads_its_own_client_and_not_httpx(
    tmp_path: Path,
) -> None:
    # The other side of the test above: the check does load what it needs, and only that (its
    # HTTP/1.1 client is onwatch's own; httpx serves the remote backend and the notifiers).
    config = '[local]\nenabled = false\n[[http]]\nname = "api"\nurl = "http://127.0.0.1:9/"\n'
    loaded = modules_after_headless_run(tmp_path, config + 'timeout = "1s"\n', full=True)
    assert {"onwatch.collectors.http", "onwatch.collectors.client"} <= loaded
    assert not loaded & {"httpx", "httpcore", "prometheus_client"}
