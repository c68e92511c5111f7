"""`onwatch run --headless`: the engine alone, printing one line per incident event."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from datetime import timedelta
from typing import TextIO

from onwatch.cli.context import Context
from onwatch.cli.reloading import reload_on_sighup
from onwatch.engine import Engine
from onwatch.engine.events import EngineEvent, IncidentChanged, StatusChanged
from onwatch.incidents import Change, Event
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.timefmt import parse_duration, to_iso

QUIET_EVENTS = frozenset({Event.UPDATED})
"""Folding another sample into an open incident is not news worth a line."""


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("run", help="run the monitor", parents=[common])
    parser.add_argument(
        "--headless", action="store_true", help="the engine alone, no console (for a service)"
    )
    parser.add_argument("--once", action="store_true", help="run every check once, then exit")
    parser.add_argument("--duration", type=duration_arg, help="run this long, then exit (e.g. 30s)")
    parser.add_argument("--json", action="store_true", help="JSON lines instead of text")
    parser.set_defaults(handler=run)


def duration_arg(text: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run(ctx: Context) -> int:
    if not ctx.args.headless:
        from onwatch.cli.console import run_console

        return run_console(ctx)
    # Before anything is printed: an engine that would skip a check must not start at all.
    for warning in ctx.needs().warnings:
        print(f"warning: {warning}", file=sys.stderr)
    lease = ctx.engine_lease()
    try:
        return _run_headless(ctx)
    finally:
        lease.release()


def _run_headless(ctx: Context) -> int:
    engine = ctx.engine(freeze_at_start=True)
    stderr = StderrLines(sys.stderr)
    printer = EventPrinter(sys.stdout, as_json=ctx.args.json, stderr=stderr)
    logger = logging.getLogger("onwatch")
    logger.addHandler(stderr)
    try:
        return asyncio.run(_run(ctx, engine, printer, ctx.args.once, ctx.args.duration))
    finally:
        logger.removeHandler(stderr)


async def _run(
    ctx: Context, engine: Engine, printer: EventPrinter, once: bool, duration: timedelta | None
) -> int:
    engine.subscribe(printer)
    if once:
        await engine.run_once()
        return 0
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await engine.start()
    no_more_reloads = reload_on_sighup(ctx, engine)
    try:
        timeout = duration.total_seconds() if duration is not None else None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout)
    finally:
        try:
            await engine.stop()
        finally:
            no_more_reloads()
    return 0


class StderrLines(logging.Handler):
    """The headless run's stderr: onwatch's warnings as Python would print them unconfigured,
    and engine status lines, except a status that only repeats a warning just logged (the
    desktop notifier logs why it is unavailable, and the engine then reports it as status)."""

    def __init__(self, err: TextIO) -> None:
        super().__init__(logging.WARNING)
        self.err = err
        self._logged: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._logged.add(record.getMessage())
            self.err.write(self.format(record) + "\n")
            self.err.flush()
        except Exception:
            self.handleError(record)

    def status(self, key: str, text: str | None) -> None:
        if text is not None and text in self._logged:
            return
        self.err.write(f"status: {key}: {text or 'ok'}\n")
        self.err.flush()


class EventPrinter:
    def __init__(self, out: TextIO, *, as_json: bool, stderr: StderrLines) -> None:
        self.out = out
        self.as_json = as_json
        self.stderr = stderr

    def __call__(self, event: EngineEvent) -> None:
        if isinstance(event, IncidentChanged) and event.change.event not in QUIET_EVENTS:
            self.out.write(self._line(event.change) + "\n")
            self.out.flush()
        elif isinstance(event, StatusChanged):
            self.stderr.status(event.key, event.text)

    def _line(self, change: Change) -> str:
        incident = change.incident
        if self.as_json:
            payload = {"event": change.event.value, "incident": incident_to_dict(incident)}
            return json.dumps(payload, ensure_ascii=False)
        at = incident.timeline[-1].at if incident.timeline else incident.last_seen_at
        return (
            f"{to_iso(at)} {change.event.value} #{incident.id} {incident.priority.value} "
            f"{incident.severity.value} {incident.state.value}: {incident.title} "
            f"[{incident.fingerprint}]"
        )
