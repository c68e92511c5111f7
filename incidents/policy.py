"""Escalation policies: which incidents go through which chain of steps, and the steps fired.

A policy's `match` names incidents by globs (`incidents.matching`); its steps say whom to notify
how long into an episode. `incidents.escalation` decides when each step falls due.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from onwatch.incidents.errors import InvalidInput
from onwatch.incidents.matching import MATCH_KEYS, check_matchers, glob_match
from onwatch.incidents.model import Incident


@dataclass(frozen=True, slots=True)
class Step:
    """Notify `notify` (channel names) once `after` has passed in the episode."""

    after: timedelta
    notify: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.after < timedelta(0):
            raise InvalidInput("a step's `after` cannot be negative")
        names = (self.notify,) if isinstance(self.notify, str) else tuple(self.notify)
        if any(not isinstance(n, str) or not n.strip() for n in names):
            raise InvalidInput("a step notifies channels by their names")
        # A channel named twice in a step would be paged twice for one event.
        object.__setattr__(self, "notify", tuple(dict.fromkeys(n.strip() for n in names)))


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """Which incidents (`match`, globs; empty matches all) escalate through which `steps`."""

    name: str
    match: Mapping[str, str]
    steps: tuple[Step, ...]
    repeat: int = 0

    def __post_init__(self) -> None:
        what = f"escalation policy {self.name!r}"
        object.__setattr__(self, "match", check_matchers(self.match, MATCH_KEYS, what=what))
        steps = tuple(self.steps)
        object.__setattr__(self, "steps", steps)
        if not steps:
            raise InvalidInput(f"{what} needs at least one step")
        for earlier, later in pairwise(steps):
            if later.after <= earlier.after:
                raise InvalidInput(
                    f"{what}: steps must be in order of `after`, each later than the one before"
                )
        if self.repeat < 0:
            raise InvalidInput(f"{what}: repeat cannot be negative")
        if self.repeat and self.period <= timedelta(0):
            raise InvalidInput(
                f"{what}: a single step at 0 has nothing to repeat after; "
                "give it an `after`, or use renotify"
            )

    @property
    def period(self) -> timedelta:
        """How long one pass of the chain lasts before a repeat starts (see the module doc)."""
        last = self.steps[-1].after
        if len(self.steps) == 1:
            return last
        return last + (self.steps[1].after - self.steps[0].after)

    @property
    def levels(self) -> int:
        """How many steps the timers fire in one episode, repeats included."""
        return len(self.steps) * (self.repeat + 1)

    def offset(self, level: int) -> timedelta:
        """How far into the (unpaused) episode the step for `level` is due.

        Beyond the timed chain the same arithmetic goes on, as if it repeated forever; only a
        manual escalate reaches those levels.
        """
        cycle, index = divmod(level, len(self.steps))
        return self.period * cycle + self.steps[index].after

    def matches(self, incident: Incident) -> bool:
        return glob_match(self.match, incident)


@dataclass(frozen=True, slots=True)
class DueStep:
    """One step to fire: notify `step.notify`, and move the incident to `level`.

    `at` is when it became due (for a manual step: when its timer would have fired); `index`
    is the step's place in the chain (0-based), `cycle` the pass through it (0 is the first,
    1 the first repeat) and `of` the number of steps in the chain.
    """

    level: int
    step: Step
    at: datetime
    index: int = 0
    cycle: int = 0
    of: int = 1

    @property
    def label(self) -> str:
        """`step 2/3`, or `step 1/3, repeat 1`: how a timeline or a message names it."""
        text = f"step {self.index + 1}/{self.of}"
        return f"{text}, repeat {self.cycle}" if self.cycle else text


def default_policy(channels: Iterable[str]) -> EscalationPolicy:
    """When no configured policy matches: every channel, at once, no escalation."""
    return EscalationPolicy("default", {}, (Step(timedelta(0), tuple(channels)),))


def policy_for(incident: Incident, policies: Iterable[EscalationPolicy]) -> EscalationPolicy | None:
    """The first policy that matches (config order), or None."""
    for policy in policies:
        if policy.matches(incident):
            return policy
    return None
