"""summarize(): one short line per check, plus who acts and where incidents are kept."""

from __future__ import annotations

import socket
from pathlib import Path
from textwrap import dedent

from onwatch.config import default_config, parse_config, summarize
from tests.config.conftest import SEED


def test_default_summary_names_this_host_and_its_thresholds() -> None:
    lines = summarize(default_config({"USER": "alice"}))
    assert lines == [
        "config: built-in default (no file)",
        f"this host ({socket.gethostname()}): cpu warning 70% critical 80% for 30s, "
        "memory warning 65% critical 75%, disk warning 80% critical 90%, swap critical 50%, "
        "load warning 1.5 critical 2; every 10s; forecast disk, memory 1d ahead from the last 6h",
        "operator: alice",
        "db: default location",
    ]


def test_summary_mentions_each_check(tmp_path: Path) -> None:
    text = dedent(
        """
        operator = "bob"
        db = "/var/lib/onwatch/db.json"

        [local]
        cpu = false
        processes = ["nginx"]

        [[http]]
        name = "api"
        url = "https://api.example.com/health"
        status = [200, 204]
        latency = { warning = "500ms", critical = "2s" }
        cert_expiry = { warning = "21d", critical = "7d" }
        runbook = "https://wiki.example.com/api"

        [[http]]
        name = "site"
        url = "http://example.com"
        method = "HEAD"
        interval = "1m"
        timeout = "2s"

        [[tcp]]
        name = "db"
        host = "db.internal"
        port = 5432

        [notify]
        bell = true
        channels = { ops = "slack://T000/B000/secrettoken" }
        """
    )
    lines = summarize(parse_config(text, "onwatch.toml", {}))
    assert lines == [
        "config: onwatch.toml",
        f"this host ({socket.gethostname()}): cpu off, memory warning 65% critical 75%, "
        "disk warning 80% critical 90%, swap critical 50%, load warning 1.5 critical 2; "
        "every 10s; processes nginx; forecast disk, memory 1d ahead from the last 6h",
        "http api: GET https://api.example.com/health every 10s, status 200/204, "
        "latency warning 500ms critical 2s, certificate expiry warning 21d critical 7d, "
        "runbook https://wiki.example.com/api",
        "http site: HEAD http://example.com every 1m, status 200, timeout 2s",
        "tcp db: connect db.internal:5432 every 10s",
        "operator: bob",
        "db: /var/lib/onwatch/db.json",
        "channels: ops (slack)",
        "notify: desktop on, no renotify, no ack timeout, storm threshold 10",
        "bell: rings on new incidents",
    ]
    assert not any("secret" in line for line in lines)


def test_summary_says_when_this_host_is_not_watched() -> None:
    lines = summarize(parse_config("[local]\nenabled = false\n", "c.toml", {}))
    assert "this host: not watched ([local] enabled = false)" in lines


def test_seed_summary_lists_channels_without_addresses_and_escalation() -> None:
    lines = summarize(parse_config(SEED.read_text(encoding="utf-8"), "seed.json", {}))
    assert (
        "channels: email (no address yet), slack (no address yet), "
        "teamLead (no address yet), ITSupport (no address yet)"
    ) in lines
    # The seed's escalation list is shown as the policy it became.
    assert (
        "escalation seed escalation (everything): 0m teamLead -> 15m ITSupport, repeat 0" in lines
    )
    assert "escalation: teamLead -> ITSupport" not in lines
