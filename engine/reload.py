"""A new config applied to a running engine (SIGHUP, the console's reload key).

What the engine knows stays: open incidents, their timers (escalation steps, reminders and
acknowledgement timeouts are read from each incident's timeline), the pager's memory of what it
already told, every unchanged check's schedule and state (counter rates, flapping history).
What changed is swapped: checks added, removed or edited start or stop on their own (with their
thresholds, forecasts, anomaly flags and actions); channels, policies, roles, checklists and
runbooks, `[defaults] actions`, flapping and `resolution_required` apply from the next sample,
tick or action. A changed heartbeat starts beating at once (the old one stops); a changed
`[alertmanager]` is talked to from the next tick, and the silences incidents hold are kept and
extended there (a silence made in a different Alertmanager before ends within its hour).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from onwatch.engine import heap
from onwatch.engine.heartbeat import Heartbeat
from onwatch.engine.notifying import build_senders
from onwatch.engine.paging import role_addresses
from onwatch.engine.specs import EngineSettings, Watch
from onwatch.notify.redact import Redactor

if TYPE_CHECKING:
    from onwatch.engine.core import Engine

log = logging.getLogger("onwatch.engine")


@dataclass(frozen=True)
class ReloadReport:
    """What a reload changed, by check name; `notify` when channels, policies or roles did."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    notify: bool = False
    other: tuple[str, ...] = field(default=())
    """Other settings that changed: "flapping", "resolution_required", "checklists",
    "heartbeat", "alertmanager"..."""

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.notify or self.other)

    def summary(self) -> str:
        """One line for the log and the console: "config reloaded: 1 check added (api)"."""
        if self.empty:
            return "config reloaded: nothing changed"
        parts = []
        for verb, names in (("added", self.added), ("removed", self.removed)):
            if names:
                parts.append(f"{_checks(len(names))} {verb} ({', '.join(names)})")
        if self.changed:
            parts.append(f"{_checks(len(self.changed))} changed ({', '.join(self.changed)})")
        if self.notify:
            parts.append("notifications changed")
        parts.extend(f"{name} changed" for name in self.other)
        return "config reloaded: " + "; ".join(parts)


def _checks(count: int) -> str:
    return "1 check" if count == 1 else f"{count} checks"


ReloadHook = Callable[[ReloadReport], None]
"""Told of every reload that changed something: where a change log (the review's record of
config changes) plugs in. The engine holds a list of them: `Engine.reload_hooks`."""


def _key(watch: Watch) -> tuple[str, str, str]:
    return (watch.kind, watch.source, watch.name)


def diff_watches(
    old: tuple[Watch, ...], new: tuple[Watch, ...]
) -> tuple[list[Watch], list[Watch], list[tuple[Watch, Watch]]]:
    """(added, removed, changed as (old, new)) between two configs, matched by kind, source
    and name; a check whose probe, interval or rules differ in any way counts as changed."""
    before = {_key(w): w for w in old}
    after = {_key(w): w for w in new}
    added = [w for k, w in after.items() if k not in before]
    removed = [w for k, w in before.items() if k not in after]
    changed = [(before[k], w) for k, w in after.items() if k in before and before[k] != w]
    return added, removed, changed


async def apply_settings(engine: Engine, settings: EngineSettings) -> ReloadReport:
    """Swap `engine`'s settings for `settings` without losing what it knows (see the module)."""
    old = engine.settings
    added, removed, changed = diff_watches(old.watches, settings.watches)
    retired = removed + [before for before, _ in changed]
    starting = added + [after for _, after in changed]
    retired_ids = {id(w) for w in retired}

    await engine._scheduler.retire(retired)
    # Building collectors imports and makes TLS contexts: a thread's work, not the loop's.
    built = await asyncio.to_thread(engine._probes.build, starting) if starting else []
    engine._collectors = [(w, c) for w, c in engine._collectors if id(w) not in retired_ids] + built
    now = engine.clock()
    for watch in removed:
        engine.evaluator.unwatch(watch.source, watch.name)
    for watch in starting:
        engine.evaluator.watch(watch.source, watch.name, watch.interval, now)
    if engine.scheduling and built:
        engine._scheduler.start(built)

    other = []
    if settings.flap != old.flap:
        engine.evaluator.flap = settings.flap
        other.append("flapping")
    if settings.resolution_required != old.resolution_required:
        engine.operations.resolution_required = settings.resolution_required
        other.append("resolution_required")
    if settings.guides != old.guides:
        engine.operations.guides = dict(settings.guides)
        other.append("checklists")
    if settings.default_actions != old.default_actions:
        other.append("default actions")  # read from engine.settings at each drill
    # Each check's actions are part of its Watch: an edit counts as a changed check.
    engine._watch_actions = {(w.source, w.name): w.actions for w in settings.watches}
    engine._processes.rewatch(settings.watches)
    if settings.heartbeat != old.heartbeat:
        await _apply_heartbeat(engine, settings)
        other.append("heartbeat")
    if settings.alertmanager != old.alertmanager:
        if engine.alertmanager is not None:
            await engine.alertmanager.aclose()
        engine.alertmanager = engine.silence_sync(settings.alertmanager)
        other.append("alertmanager")
    notify = settings.notify != old.notify
    if notify:
        _apply_notify(engine, settings)
    if notify or "heartbeat" in other:
        # An action's output is scrubbed of every secret URL, the new ones included.
        engine.actions.redactor = Redactor.for_urls(secret_urls(settings))
    engine.settings = settings
    if retired and engine.options.freeze_at_start and engine.scheduling:
        # Once the retired loops' last references (their cancellation, its traceback) are gone.
        asyncio.get_running_loop().call_later(heap.REFREEZE_AFTER, _refreeze, engine)
    report = ReloadReport(
        added=tuple(w.name for w in added),
        removed=tuple(w.name for w in removed),
        changed=tuple(after.name for _, after in changed),
        notify=notify,
        other=tuple(other),
    )
    if not report.empty:
        for hook in engine.reload_hooks:
            try:
                hook(report)
            except Exception:  # a change log that fails must not undo the reload
                log.exception("a reload hook failed")
    return report


def _refreeze(engine: Engine) -> None:
    if engine.scheduling:  # stopped meanwhile: stop has thawed, and it stays so
        heap.refreeze()


async def _apply_heartbeat(engine: Engine, settings: EngineSettings) -> None:
    beating = [task for task in engine._tasks if task.get_name() == "heartbeat"]
    for task in beating:
        task.cancel()
        engine._tasks.remove(task)
    await asyncio.gather(*beating, return_exceptions=True)
    spec = settings.heartbeat
    engine.heartbeat = Heartbeat(spec, engine.unhealthy) if spec is not None else None
    engine._own_health.heartbeat = engine.heartbeat
    if engine.heartbeat is not None and engine.scheduling:
        engine._tasks.append(asyncio.create_task(engine.heartbeat.run(), name="heartbeat"))


def secret_urls(settings: EngineSettings) -> list[str]:
    """Every URL of `settings` that may carry a secret: channels, role addresses, heartbeat."""
    secrets = [c.url for c in settings.notify.channels]
    secrets += [c.url for c in role_addresses(settings.notify.roles).values()]
    if settings.heartbeat is not None:
        secrets.append(settings.heartbeat.url)
    return secrets


def _apply_notify(engine: Engine, settings: EngineSettings) -> None:
    old, new = engine.settings.notify, settings.notify
    engine.pager.reconfigure(new)
    engine.operations.roles = frozenset(role.name for role in new.roles)
    if (old.channels, old.roles) != (new.channels, new.roles):
        senders, problems = build_senders(new)
        engine.notifications.dispatcher.replace_senders(senders)
        engine.set_status("channels", "; ".join(problems) or None)
