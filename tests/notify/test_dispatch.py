"""The delivery queue with real apprise deliveries to peers on 127.0.0.1: retries on the
timeline, a dead peer that does not slow the loop, storms grouped, filters, no secrets.

The collection delay and the storm window run on `ManualTimers`: a test moves that time itself,
so nothing here waits for them in real time."""

from __future__ import annotations

import asyncio
import logging
import re
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from onwatch.incidents import Severity, lifecycle
from onwatch.incidents.escalation import EscalationPolicy, Step, due_steps, record_step
from onwatch.notify import AppriseSender, Channel, Delivery, DesktopNotifier, Dispatcher, Kind
from onwatch.notify.messages import Tone
from tests.notify.conftest import T0, Outcomes, Receiver, make_incident
from tests.support.desktop import NotificationDaemon
from tests.support.timers import ManualTimers


def ms(n: float) -> timedelta:
    return timedelta(milliseconds=n)


def senders(**urls: str | Channel) -> dict[str, AppriseSender]:
    built = {}
    for name, spec in urls.items():
        channel = spec if isinstance(spec, Channel) else Channel(name, spec)
        built[name] = AppriseSender(channel, connect_timeout=1, read_timeout=1)
    return built


def dispatcher(
    channels: Mapping[str, object],
    outcomes: Outcomes,
    desktop: DesktopNotifier | None = None,
    timers: ManualTimers | None = None,
    **options,
) -> Dispatcher:
    """Without a collection delay unless the test gives one (and `timers` to move past it)."""
    options = {"retry_delays": (ms(50), ms(50), ms(50)), "hold": timedelta(0), **options}
    return Dispatcher(
        channels,  # type: ignore[arg-type]
        desktop,
        outcomes,
        lambda: T0,
        timers=timers or ManualTimers(),
        **options,
    )


@asynccontextmanager
async def running(d: Dispatcher) -> AsyncIterator[Dispatcher]:
    task = asyncio.create_task(d.run())
    try:
        yield d
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def delivered(d: Dispatcher) -> None:
    async with asyncio.timeout(20):
        await d.wait_idle()


# --- delivery and retries ---------------------------------------------------------------------


async def test_an_opened_incident_reaches_its_channel_and_the_timeline_says_so(
    receiver: Receiver, outcomes: Outcomes
) -> None:
    async with running(dispatcher(senders(oncall=receiver.url()), outcomes)) as d:
        d.submit(make_incident(), Kind.OPENED, ["oncall"])
        await delivered(d)
    [request] = receiver.requests
    assert request.payload["title"] == "CRITICAL api on web-01"
    assert "#12" in request.payload["message"]
    assert outcomes.seen == [(12, "opened", "notified oncall")]


async def test_a_503_then_200_is_retried_and_every_attempt_is_on_the_timeline(
    receiver: Receiver, outcomes: Outcomes
) -> None:
    receiver.statuses.extend([503])
    async with running(dispatcher(senders(slack=receiver.url()), outcomes)) as d:
        d.submit(make_incident(), Kind.OPENED, ["slack"])
        await delivered(d)
    assert outcomes.texts(12) == ["slack failed: HTTP 503, retrying in 50ms", "notified slack"]
    assert len(receiver.requests) == 2


async def test_a_channel_that_keeps_failing_is_given_up_after_every_delay(
    receiver: Receiver, outcomes: Outcomes
) -> None:
    receiver.statuses.extend([503] * 10)
    async with running(dispatcher(senders(slack=receiver.url()), outcomes)) as d:
        d.submit(make_incident(), Kind.OPENED, ["slack"])
        await delivered(d)
    assert outcomes.texts(12) == [
        "slack failed: HTTP 503, retrying in 50ms",
        "slack failed: HTTP 503, retrying in 50ms",
        "slack failed: HTTP 503, retrying in 50ms",
        "slack failed: HTTP 503, giving up after 4 attempts",
    ]
    assert len(receiver.requests) == 4


async def test_the_default_retry_delays_read_as_the_timeline_shows_them(
    receiver: Receiver, outcomes: Outcomes
) -> None:
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    receiver.statuses.extend([503] * 10)
    d = dispatcher(senders(slack=receiver.url()), outcomes, sleep=no_wait)
    d._retry_delays = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
    async with running(d):
        d.submit(make_incident(), Kind.OPENED, ["slack"])
        await delivered(d)
    assert waits == [30, 120, 600]
    assert [t.split(", ")[1] for t in outcomes.texts(12)] == [
        "retrying in 30s",
        "retrying in 2m",
        "retrying in 10m",
        "giving up after 4 attempts",
    ]


async def test_a_dead_receiver_does_not_slow_the_loop_nor_the_other_channels(
    receiver: Receiver, silent_peer: int, outcomes: Outcomes
) -> None:
    channels = senders(dead=f"json://127.0.0.1:{silent_peer}/hook", alive=receiver.url())
    loop = asyncio.get_running_loop()
    gaps: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        last = loop.time()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = loop.time()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    async with running(dispatcher(channels, outcomes, retry_delays=(ms(50),))) as d:
        started = loop.time()
        d.submit(make_incident(), Kind.OPENED, ["dead", "alive"])
        await delivered(d)
        elapsed = loop.time() - started
    stop.set()
    await ticking

    assert outcomes.texts(12) == [
        "notified alive",
        "dead failed: no answer within 1s, retrying in 50ms",
        "dead failed: no answer within 1s, giving up after 2 attempts",
    ]
    assert elapsed >= 2  # two attempts really waited on the dead peer...
    assert len(gaps) > 100  # ...while the loop kept ticking every 10 ms
    assert max(gaps) < 0.1, f"the event loop stalled for {max(gaps) * 1000:.0f} ms"


async def test_cancelling_the_worker_stops_it_promptly_mid_delivery(
    silent_peer: int, outcomes: Outcomes
) -> None:
    started = threading.Event()
    real = AppriseSender(Channel("dead", f"json://127.0.0.1:{silent_peer}/x"), read_timeout=1)

    class Watched:
        channel = real.channel

        def deliver(self, title: str, body: str, tone: Tone = Tone.INFO) -> Delivery:
            started.set()
            return real.deliver(title, body, tone)

    d = dispatcher({"dead": Watched()}, outcomes)
    task = asyncio.create_task(d.run())
    d.submit(make_incident(), Kind.OPENED, ["dead"])
    assert await asyncio.to_thread(started.wait, 5)
    begun = time.monotonic()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
    assert time.monotonic() - begun < 0.5
    assert outcomes.seen == []


# --- storms -----------------------------------------------------------------------------------


async def test_a_storm_of_200_gives_one_grouped_message_per_channel_and_one_desktop_summary(
    receiver: Receiver, outcomes: Outcomes, notification_daemon: NotificationDaemon
) -> None:
    channels = senders(oncall=receiver.url("oncall"), lead=receiver.url("lead"))
    desktop = DesktopNotifier()
    incidents = [make_incident(i, source=f"web-{i:03d}") for i in range(1, 201)]
    timers = ManualTimers()
    async with running(dispatcher(channels, outcomes, desktop, timers, hold=ms(50))) as d:
        for incident in incidents:
            d.submit(incident, Kind.OPENED, ["oncall", "lead"])
        await timers.advance(0.049)
        assert outcomes.seen == [] and receiver.requests == []  # still collecting
        await timers.advance(0.001)
        await delivered(d)

    for path in ("oncall", "lead"):
        [request] = receiver.on(path)
        assert request.payload["title"] == "200 incidents opened within 1m"
        assert request.payload["message"].startswith("200 critical on web-001, web-002")
    assert sorted(outcomes.texts(7)) == [
        "notified lead (one message for 200 incidents)",
        "notified oncall (one message for 200 incidents)",
    ]
    assert len(outcomes.seen) == 400
    [popup] = notification_daemon.wait_for_calls(1)
    assert '"200 incidents opened"' in popup


async def test_a_few_incidents_are_not_a_storm(receiver: Receiver, outcomes: Outcomes) -> None:
    async with running(dispatcher(senders(oncall=receiver.url()), outcomes)) as d:
        for i in range(1, 11):  # exactly the threshold: not more than it
            d.submit(make_incident(i), Kind.OPENED, ["oncall"])
        await delivered(d)
    assert len(receiver.requests) == 10
    assert {r.payload["title"] for r in receiver.requests} == {"CRITICAL api on web-01"}


async def test_stragglers_of_a_storm_are_collected_into_one_more_summary(
    receiver: Receiver, outcomes: Outcomes
) -> None:
    timers = ManualTimers()
    d = dispatcher(
        senders(oncall=receiver.url()),
        outcomes,
        timers=timers,
        hold=ms(20),
        storm_window=timedelta(seconds=1),
    )
    async with running(d):
        for i in range(1, 21):
            d.submit(make_incident(i), Kind.OPENED, ["oncall"])
        await timers.advance(0.1)  # the first summary goes out after the collection delay
        await delivered(d)
        for i in range(21, 26):
            d.submit(make_incident(i), Kind.OPENED, ["oncall"])
            await timers.advance(0.05)
        await timers.advance(0.7)  # 1.05 s in: the stragglers wait out the storm's window...
        assert len(receiver.requests) == 1
        await timers.advance(0.1)  # ...which ended at 1.1 s, one window after the first summary
        await delivered(d)
    assert [r.payload["title"] for r in receiver.requests] == [
        "20 incidents opened within 1s",
        "5 incidents opened within 1s",
    ]


# --- who receives what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "kind", "apprise_type"),
    [
        (Severity.CRITICAL, Kind.OPENED, "failure"),
        (Severity.WARNING, Kind.OPENED, "warning"),
        (Severity.INFO, Kind.OPENED, "info"),
        (Severity.CRITICAL, Kind.ESCALATED, "failure"),
        (Severity.CRITICAL, Kind.RESOLVED, "success"),
    ],
)
async def test_a_channel_is_told_how_bad_it_is_through_the_apprise_notification_type(
    receiver: Receiver, outcomes: Outcomes, severity: Severity, kind: Kind, apprise_type: str
) -> None:
    incident = make_incident(severity=severity)
    if kind is Kind.RESOLVED:
        incident = lifecycle.resolve(incident, by="onwatch", at=T0 + timedelta(minutes=5))
    channel = Channel("oncall", receiver.url(), send_resolved=True)
    async with running(dispatcher(senders(oncall=channel), outcomes)) as d:
        d.submit(incident, kind, ["oncall"])
        await delivered(d)
    [request] = receiver.requests
    assert request.payload["type"] == apprise_type


async def test_min_severity_filters_per_channel(receiver: Receiver, outcomes: Outcomes) -> None:
    channels = senders(
        pager=Channel("pager", receiver.url("pager"), min_severity=Severity.CRITICAL),
        chat=Channel("chat", receiver.url("chat")),
    )
    async with running(dispatcher(channels, outcomes)) as d:
        d.submit(make_incident(1, severity=Severity.WARNING), Kind.OPENED, ["pager", "chat"])
        d.submit(make_incident(2, severity=Severity.CRITICAL), Kind.OPENED, ["pager", "chat"])
        await delivered(d)
    assert [r.payload["title"] for r in receiver.on("pager")] == ["CRITICAL api on web-01"]
    assert len(receiver.on("chat")) == 2
    assert outcomes.texts(1) == ["notified chat"]


async def test_only_channels_with_send_resolved_hear_of_recoveries(
    receiver: Receiver, outcomes: Outcomes
) -> None:
    channels = senders(
        quiet=Channel("quiet", receiver.url("quiet")),
        closure=Channel("closure", receiver.url("closure"), send_resolved=True),
    )
    incident = lifecycle.resolve(make_incident(), by="onwatch", at=T0 + timedelta(minutes=42))
    async with running(dispatcher(channels, outcomes)) as d:
        d.submit(incident, Kind.RESOLVED, ["quiet", "closure"])
        await delivered(d)
    assert receiver.on("quiet") == []
    [request] = receiver.on("closure")
    assert request.payload["title"] == "RESOLVED CRITICAL api on web-01"
    assert "lasted 42m" in request.payload["message"]


async def test_an_escalation_step_names_itself(receiver: Receiver, outcomes: Outcomes) -> None:
    policy = EscalationPolicy(
        "p", {}, (Step(timedelta(0), ("oncall",)), Step(timedelta(minutes=15), ("lead",)))
    )
    incident = make_incident()
    incident = record_step(incident, due_steps(incident, policy, T0)[0], at=T0)
    [step] = due_steps(incident, policy, T0 + timedelta(minutes=15))
    async with running(dispatcher(senders(lead=receiver.url()), outcomes)) as d:
        d.submit(incident, Kind.ESCALATED, step.step.notify, due=step)
        await delivered(d)
    [request] = receiver.requests
    assert request.payload["title"] == "ESCALATED CRITICAL api on web-01"
    assert "escalation step 2/2 (level 1)" in request.payload["message"]


async def test_an_unknown_channel_is_reported_and_the_others_still_go(
    receiver: Receiver, outcomes: Outcomes
) -> None:
    async with running(dispatcher(senders(oncall=receiver.url()), outcomes)) as d:
        d.submit(make_incident(), Kind.OPENED, ["ITSupport", "oncall"])
        await delivered(d)
    assert outcomes.texts(12) == ["ITSupport: no such channel", "notified oncall"]


async def test_a_failing_outcome_callback_does_not_stop_deliveries(receiver: Receiver) -> None:
    def broken(incident_id: int, kind: str, text: str) -> None:
        raise RuntimeError("store is locked")

    d = Dispatcher(senders(oncall=receiver.url()), None, broken, hold=timedelta(0))
    async with running(d):
        d.submit(make_incident(1), Kind.OPENED, ["oncall"])
        await delivered(d)
        d.submit(make_incident(2), Kind.OPENED, ["oncall"])
        await delivered(d)
    assert len(receiver.requests) == 2


# --- secrets ----------------------------------------------------------------------------------

SECRETS = ("s3cr3t", "T0K3N-9f8e")


async def test_no_secret_reaches_any_outcome_log_record_or_message(
    receiver: Receiver,
    closed_port: int,
    outcomes: Outcomes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # apprise and urllib3 write URLs at debug level
    query = "token=abc"
    live = receiver.url("hook/T0K3N-9f8e", credentials="user:s3cr3t", query=query)
    dead = f"json://user:s3cr3t@127.0.0.1:{closed_port}/hook/T0K3N-9f8e?{query}"
    channels = senders(oncall=live, backup=dead)
    receiver.statuses.extend([503])
    async with running(dispatcher(channels, outcomes, retry_delays=(ms(10),))) as d:
        d.submit(make_incident(), Kind.OPENED, ["oncall", "backup"])
        await delivered(d)

    assert sorted(outcomes.texts(12)) == [
        "backup failed: connection error, giving up after 2 attempts",
        "backup failed: connection error, retrying in 10ms",
        "notified oncall",
        "oncall failed: HTTP 503, retrying in 10ms",
    ]
    library_records = [r for r in caplog.records if r.name.startswith(("apprise", "urllib3"))]
    assert library_records, "the libraries' own debug logging was captured and checked"
    written = [
        *outcomes.texts(),
        *(r.getMessage() for r in caplog.records),
        caplog.text,
        *(str(r.payload) for r in receiver.requests),
        repr(channels["oncall"]),
        repr(channels["oncall"].channel),
    ]
    for text in written:
        for secret in (*SECRETS, live, dead):
            assert secret not in text
        assert not re.search(r"(?<![A-Za-z0-9])abc(?![A-Za-z0-9])", text)


EXIT_SCRIPT = """
import asyncio, sys, threading
from datetime import timedelta
from onwatch.notify import AppriseSender, Channel, Dispatcher, Kind
from tests.notify.conftest import make_incident

async def main():
    sender = AppriseSender(Channel("dead", f"json://127.0.0.1:{sys.argv[1]}/x"), read_timeout=30)
    d = Dispatcher({"dead": sender}, None, lambda *a: None, hold=timedelta(0))
    task = asyncio.create_task(d.run())
    d.submit(make_incident(), Kind.OPENED, ["dead"])
    while not any(t.name == "onwatch-notify" for t in threading.enumerate()):
        await asyncio.sleep(0.01)
    task.cancel()

asyncio.run(main())
"""


def test_quitting_is_not_held_up_by_a_delivery_stuck_on_a_silent_peer(silent_peer: int) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, str(silent_peer)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr
    # The peer would hold the delivery for its 30 s read timeout; the process must not wait.
    assert time.monotonic() - started < 10


async def test_an_attempt_that_outlives_the_delivery_timeout_counts_as_failed(
    silent_peer: int, outcomes: Outcomes
) -> None:
    channels = {
        "dead": AppriseSender(
            Channel("dead", f"json://127.0.0.1:{silent_peer}/x"),
            connect_timeout=30,
            read_timeout=30,
        )
    }
    d = dispatcher(channels, outcomes, retry_delays=(), delivery_timeout=ms(300))
    async with running(d):
        d.submit(make_incident(), Kind.OPENED, ["dead"])
        await delivered(d)
    assert outcomes.texts(12) == ["dead failed: no answer within 300ms, giving up after 1 attempt"]
