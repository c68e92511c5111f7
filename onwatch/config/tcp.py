"""`[[tcp]]`: a TCP connect to host:port on a schedule."""

from __future__ import annotations

from typing import Any

from onwatch.collectors.specs import TcpCheck
from onwatch.config.checks import GUIDE, NAME, SCHEDULE, add_watch, claim, every
from onwatch.config.locate import KeyPath
from onwatch.config.model import Config, Draft, Section
from onwatch.config.predictions import CHECK_KEYS
from onwatch.config.problems import Context
from onwatch.config.schema import Number, Text
from onwatch.config.tables import Field, Table, TableArray
from onwatch.engine.specs import Watch


def host_name(text: str) -> str | None:
    if "://" in text or "/" in text:
        return "expected a host name or address, not a URL"
    return None


TCP = Table(
    {
        "name": NAME,
        "host": Field(Text(validate=host_name), required=True),
        "port": Field(Number(1, 65535, integer=True), required=True),
        **SCHEDULE,
        **CHECK_KEYS,
        **GUIDE,
    }
)


def build_tcp(entries: tuple[dict[str, Any], ...], path: KeyPath, d: Draft, ctx: Context) -> None:
    for index, values in enumerate(entries):
        entry = (*path, index)
        name = claim(values, entry, d, ctx)
        if ctx.failed_under(entry) or name is None:
            continue
        probe = TcpCheck(
            name, values["host"].strip(), values["port"], values.get("timeout", d.timeout)
        )
        add_watch(values, probe, d)


def describe_tcp(watch: Watch, config: Config) -> str:
    probe = watch.probe
    assert isinstance(probe, TcpCheck)
    text = f"tcp {probe.name}: connect {probe.host}:{probe.port} {every(watch)}"
    return f"{text}, anomalies flagged" if watch.anomaly else text


SECTION = Section("tcp", TableArray(TCP), build_tcp, probe=TcpCheck, describe=describe_tcp)
