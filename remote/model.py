"""The remote console's read model: what the server last said, updated event by event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from onwatch.engine import api
from onwatch.incidents import Incident, Sample, State
from onwatch.remote import wire
from onwatch.remote.sse import SseEvent

TREND_DEPTH = 120
"""Values kept per sparkline, as many as the engine keeps."""

KNOWN_EVENTS = frozenset({"hello", "incident", "incidents", "samples", "status"})


class ReadModel:
    def __init__(self) -> None:
        self.incidents: dict[int, Incident] = {}
        self.sources: dict[str, api.SourceView] = {}
        self.statuses: dict[str, str] = {}
        self.hello: wire.Hello | None = None
        self.last_poll: datetime | None = None

    def load(
        self, hello: wire.Hello, incidents: Sequence[Incident], sources: Sequence[api.SourceView]
    ) -> None:
        """Everything anew, after a (re)connection."""
        self.hello = hello
        self.last_poll = hello.last_poll
        # The hello's lines carry no keys; a later status event adds or clears keyed ones.
        self.statuses = {f"server-{i}": text for i, text in enumerate(hello.statuses)}
        self.replace(incidents)
        self.sources = {s.name: s for s in sources}

    def replace(self, incidents: Sequence[Incident]) -> None:
        self.incidents = {i.id: i for i in incidents if i.state is not State.CLOSED}

    def put(self, incident: Incident) -> None:
        if incident.state is State.CLOSED:
            self.incidents.pop(incident.id, None)
        else:
            self.incidents[incident.id] = incident

    def apply(self, event: SseEvent) -> api.BackendEvent | None:
        """Take one event of the stream; returns it in the backend's terms (None: nothing for
        the console). Raises ValueError on a malformed one, leaving the model as it was."""
        name = event.event
        if name not in KNOWN_EVENTS:
            return None  # an event of a newer server: not ours to guess at
        data = wire.decode(event.data)
        if name == "incident":
            change, incident = wire.incident_event(data)
            self.put(incident)
            return api.IncidentUpdate(incident, change)
        if name == "incidents":
            self.replace(wire.incidents(data))
            return api.IncidentsReplaced(tuple(self.incidents.values()))
        if name == "samples":
            source, samples = wire.samples_event(data)
            self._add_samples(source, samples)
            return api.SamplesUpdate(source, tuple(samples))
        if name == "status":
            key, text = wire.status_event(data)
            if text is None:
                self.statuses.pop(key, None)
            else:
                self.statuses[key] = text
            return api.StatusUpdate(key, text)
        self.hello = wire.hello(data)
        return None

    def _add_samples(self, source: str, samples: Sequence[Sample]) -> None:
        for sample in samples:
            # A check reporting is the server saying when it last polled.
            if self.last_poll is None or sample.at > self.last_poll:
                self.last_poll = sample.at
        view = self.sources.get(source)
        if view is None:
            return  # not a configured source; the next full read brings it if it is one now
        latest = dict(view.samples)
        trend = list(view.trend)
        headline = api.headline_metric(view.kind)
        for sample in samples:
            latest[sample.metric] = sample
            if sample.metric == headline and sample.value is not None:
                trend.append(sample.value)
        self.sources[source] = replace(view, samples=latest, trend=tuple(trend[-TREND_DEPTH:]))
