"""What the dispatcher queues and who receives it: a notification job, the senders it goes to
(its channels that want it, and the reporter's own address), and its copies for a grouped
flush."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from onwatch.incidents import Incident
from onwatch.incidents.policy import DueStep
from onwatch.notify.channels import AppriseSender, Channel, ChannelSender, InvalidChannel
from onwatch.notify.messages import RECOVERY_KINDS, Kind

Report = Callable[..., None]
"""`report(ids, kind, text, failed=True)`: an outcome for the incidents' timelines."""


@dataclass(frozen=True, slots=True)
class Job:
    incident: Incident
    kind: Kind
    channels: tuple[str, ...]
    desktop: bool
    due: DueStep | None
    at: datetime
    reporter: str | None = None
    """An apprise URL the person who reported the incident gave, told besides the channels."""


REPORTER = "reporter"
"""How the timeline names the reporter's address, which may hold a secret like any URL."""


def senders_for(
    job: Job, senders: Mapping[str, ChannelSender], report: Report
) -> list[ChannelSender]:
    """The job's channels that want it (severity, recoveries) and the reporter's address;
    an unknown channel or an address apprise cannot use is reported, not raised."""
    chosen = []
    for name in job.channels:
        sender = senders.get(name)
        if sender is None:
            report([job.incident.id], job.kind, f"{name}: no such channel", failed=True)
        elif wants(sender.channel, job):
            chosen.append(sender)
    if job.reporter:
        try:
            chosen.append(AppriseSender(Channel(REPORTER, job.reporter, send_resolved=True)))
        except InvalidChannel:
            text = f"{REPORTER}: not an address apprise can use"
            report([job.incident.id], job.kind, text, failed=True)
    return chosen


def wants(channel: Channel, job: Job) -> bool:
    if job.kind in RECOVERY_KINDS and not channel.send_resolved:
        return False
    return channel.accepts(job.incident.severity)


def without_desktop(job: Job, *, only: str | None) -> Job:
    """The job for one receiver of a grouped flush (a channel, or None for the reporter); the
    desktop is summarised separately."""
    if only is None:
        return Job(job.incident, job.kind, (), False, job.due, job.at, job.reporter)
    return Job(job.incident, job.kind, (only,), False, job.due, job.at)
