"""Any arguments to `onwatch`, run in-process: a return code or argparse's exit, never another
exception (a traceback is the CLI's one unforgivable answer)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from onwatch.cli.main import build_parser, main
from tests.fuzz.budget import fuzz

WORDS = [
    "incidents", "list", "show", "ack", "close", "reopen", "escalate", "note", "priority",
    "open", "assign", "feedback", "silence", "add", "expire", "check-config", "stats",
    "postmortem", "run", "serve", "agent",
    "--json", "--all", "--state", "--mine", "--by", "--to", "--as", "--note", "--for",
    "--match", "--reason", "--rating", "--comment", "--reporter", "--severity", "--source",
    "--category", "--description", "--config", "--db", "--help", "-h", "--once", "--headless",
    "--duration",
    "1", "0", "-1", "999999999999999999999", "1e9", "nan", "p1", "p9", "critical", "open",
    "30m", "-5m", "0s", "99999d", "source=web", "=", "a=b=c", "", " ", "\x00", "é", "web-01",
    "triggered", "acknowledged", "5", "--", "-",
]  # fmt: skip
"""Subcommands, options and values in and out of range; hypothesis mixes in free text too."""

ARG = st.sampled_from(WORDS) | st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\\"), max_size=12
)
PREFIXES = [
    ["incidents", "list"], ["incidents", "show"], ["incidents", "ack"], ["incidents", "close"],
    ["incidents", "reopen"], ["incidents", "escalate"], ["incidents", "note"],
    ["incidents", "priority"], ["incidents", "open"], ["incidents", "assign"],
    ["incidents", "feedback"], ["silence", "add"], ["silence", "list"], ["silence", "expire"],
    ["check-config"],
]  # fmt: skip
"""Real commands, so that most examples get past argparse into the command itself."""
ARGV = st.lists(ARG, max_size=8) | st.tuples(
    st.sampled_from(PREFIXES), st.lists(ARG, max_size=6)
).map(lambda parts: [*parts[0], *parts[1]])

LONG_RUNNING = {None, "run", "serve", "agent"}
"""The console, engines and servers: only their argument parsing is fuzzed here."""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "ONWATCH_DB": str(tmp_path / "db" / "incidents.json"),
        "ONWATCH_CONFIG": str(tmp_path / "none.toml"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "USER": "dana",
    }


@fuzz(300)
@example(argv=["incidents", "ack", "999999999999999999999"])
@example(argv=["incidents", "open", "--severity", "nan", "x"])
@example(argv=["silence", "add", "--for", "99999d", "--match", "=", "--reason", "\x00"])
@example(argv=["incidents", "list", "--state", "é", "--json"])
@given(argv=ARGV)
def test_any_arguments_end_in_an_exit_code(argv: list[str], env, capsys) -> None:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:
        assert stop.code in (0, 2), argv
        return
    finally:
        capsys.readouterr()
    if getattr(args, "command", None) in LONG_RUNNING or hasattr(args, "connect"):
        return
    try:
        code = main(argv, env)
    except SystemExit as stop:
        code = stop.code
    err = capsys.readouterr().err
    assert isinstance(code, int), argv
    assert "Traceback" not in err, (argv, err)
