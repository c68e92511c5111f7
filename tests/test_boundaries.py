"""The direction of imports, checked in a fresh interpreter (import-linter checks the source)."""

from __future__ import annotations

import subprocess
import sys

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
