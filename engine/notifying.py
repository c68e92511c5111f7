"""The engine's side of notify/: builds the senders, runs the dispatcher, feeds it the pager."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from onwatch.engine.paging import Pager, role_addresses
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import Incident
from onwatch.notify import AppriseSender, DesktopNotifier, Dispatcher, InvalidChannel
from onwatch.notify.channels import ChannelSender

log = logging.getLogger("onwatch.engine")


def build_senders(settings: NotifySettings) -> tuple[dict[str, ChannelSender], list[str]]:
    """A sender per channel and per role address, and one line per channel that cannot be."""
    senders: dict[str, ChannelSender] = {}
    problems: list[str] = []
    # A role's own addresses are sent to like channels, under the role's name.
    for channel in (*settings.channels, *role_addresses(settings.roles).values()):
        try:
            senders[channel.name] = AppriseSender(channel)
        except InvalidChannel as exc:
            problems.append(str(exc))
    return senders, problems


class Notifications:
    def __init__(
        self,
        settings: NotifySettings,
        clock: Callable[[], datetime],
        *,
        desktop: DesktopNotifier | None = None,
        senders: dict[str, ChannelSender] | None = None,
        hold_seconds: float | None = None,
        retry_delays: tuple[float, ...] | None = None,
    ) -> None:
        """`desktop` and `senders` default to the real ones built from `settings`; tests pass
        their own, and shorten the storm collection delay (`hold_seconds`) and the pauses
        between delivery attempts (`retry_delays`)."""
        self.pager = Pager(settings)
        self.problems: list[str] = []
        if senders is None:
            senders, self.problems = build_senders(settings)
        if desktop is None and settings.desktop:
            desktop = DesktopNotifier()
        self.desktop = desktop
        options: dict[str, Any] = {}
        if hold_seconds is not None:
            options["hold"] = timedelta(seconds=hold_seconds)
        if retry_delays is not None:
            options["retry_delays"] = tuple(timedelta(seconds=s) for s in retry_delays)
        self.dispatcher = Dispatcher(
            senders,
            desktop,
            self.pager.record_outcome,
            clock,
            storm_threshold=settings.storm_threshold,
            **options,
        )

    def desktop_status(self) -> str | None:
        return self.desktop.status() if self.desktop is not None else None

    def observe(self, incident: Incident, now: datetime) -> None:
        self.pager.observe(incident, self.dispatcher.submit, now)

    async def drain(self, within: float) -> None:
        """Give queued deliveries up to `within` seconds to finish (at shutdown)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await self.dispatcher.wait_idle()
