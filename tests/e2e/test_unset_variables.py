"""A `${VAR}` this shell does not set stops only the commands that need it."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from tests.e2e.conftest import Run

CONFIG = dedent(
    """\
    db = "incidents.json"
    [local]
    enabled = false

    [[agent]]
    name = "db1"
    url = "http://127.0.0.1:9"
    token = "${MISSING_TOKEN}"

    [notify]
    channels = { oncall = "slack://${MISSING_HOOK}/#oncall" }

    [[escalation]]
    name = "db"
    match = { source = "db*" }
    steps = [{ after = "0m", notify = ["oncall"] }]
    """
)
TOKEN_LINE = "agent[0].token: environment variable MISSING_TOKEN is not set"
HOOK_LINE = "notify.channels.oncall: environment variable MISSING_HOOK is not set"
FILE_DB = {"ONWATCH_DB": ""}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "onwatch.toml"
    path.write_text(CONFIG)
    return path


@pytest.mark.parametrize(
    "command",
    [
        ("incidents", "list"),
        ("incidents", "list", "--json"),
        ("silence", "list"),
        ("silence", "add", "--match", "source=db1", "--for", "1h", "--reason", "patching"),
    ],
)
def test_incident_and_silence_commands_need_no_secrets(
    onwatch: Run, config: Path, command: tuple[str, ...]
) -> None:
    # The store is the one the file names, so the file is read for it.
    result = onwatch("--config", str(config), *command, extra_env=FILE_DB)
    assert result.code == 0, result.err
    assert "MISSING" not in result.err


def test_acting_on_an_incident_needs_no_secrets(onwatch: Run, config: Path) -> None:
    # Exit 3 (no such incident), not 2: the operations API was built without the variables.
    result = onwatch("--config", str(config), "incidents", "ack", "7", extra_env=FILE_DB)
    assert result.code == 3, result.err
    assert "MISSING" not in result.err


def test_check_config_names_each_unset_variable_with_file_and_line(
    onwatch: Run, config: Path
) -> None:
    result = onwatch("check-config", str(config))
    assert result.code == 2
    assert result.err.splitlines() == [f"{config}:8: {TOKEN_LINE}", f"{config}:11: {HOOK_LINE}"]
    assert result.out == ""


def test_headless_run_refuses_to_start_without_them(onwatch: Run, config: Path) -> None:
    result = onwatch("--config", str(config), "run", "--headless", "--once")
    assert result.code == 2
    assert f"{config}:8: {TOKEN_LINE}" in result.err.splitlines()
    assert "Traceback" not in result.err
    assert result.out == ""


def test_a_set_variable_is_used(onwatch: Run, config: Path) -> None:
    env = {"MISSING_TOKEN": "s3cr3t", "MISSING_HOOK": "T000/B000/XXXX"}
    result = onwatch("check-config", str(config), extra_env=env)
    assert result.code == 0, result.err
    assert "agent db1: http://127.0.0.1:9 every 10s, token set" in result.out
    assert "s3cr3t" not in result.out + result.err


def test_an_unset_variable_in_what_the_command_uses_still_stops_it(
    onwatch: Run, tmp_path: Path
) -> None:
    path = tmp_path / "onwatch.toml"
    path.write_text('db = "${STATE_DIR}/incidents.json"\n')
    result = onwatch("--config", str(path), "incidents", "list", extra_env=FILE_DB)
    assert result.code == 2
    assert result.err.splitlines() == [f"{path}:1: db: environment variable STATE_DIR is not set"]
    # Given another way, the store needs nothing from the file.
    given = onwatch("--config", str(path), "--db", str(tmp_path / "x.json"), "incidents", "list")
    assert given.code == 0, given.err


@pytest.mark.parametrize("command", [(), ("run",)], ids=["default", "run"])
def test_the_console_refuses_to_start_without_them(
    onwatch: Run, config: Path, command: tuple[str, ...]
) -> None:
    result = onwatch("--config", str(config), *command)
    assert result.code == 2
    assert f"{config}:8: {TOKEN_LINE}" in result.err.splitlines()
    assert "Traceback" not in result.err
