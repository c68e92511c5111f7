"""What loading a config returns (`Config`) and what its sections build it in (`Draft`)."""

from __future__ import annotations

import dataclasses
import os
import pwd
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from onwatch.collectors.specs import DEFAULT_TIMEOUT, LocalCheck, Probe
from onwatch.config.locate import KeyPath
from onwatch.config.problems import ConfigError, Context, Problem, Unresolved, format_key
from onwatch.config.schema import Kind
from onwatch.engine.specs import DEFAULT_INTERVAL, Action, HeartbeatSpec, NotifySettings, Watch
from onwatch.incidents.escalation import EscalationPolicy
from onwatch.incidents.people import Role
from onwatch.incidents.silences import Maintenance
from onwatch.notify.alertmanager_target import AlertmanagerTarget
from onwatch.notify.channels import Channel

BUILT_IN = "<built-in>"
LOCAL_NAME = LocalCheck().name


@dataclass(frozen=True)
class ApiToken:
    """`[[serve.tokens]]`: who holds a token for `onwatch serve` and what it may do."""

    name: str
    """Who the timeline names for actions taken with this token."""
    role: str
    """operator (read and act), viewer (read only) or alertmanager (post its webhook only)."""
    token: str = field(repr=False)


@dataclass(frozen=True)
class ServeSettings:
    """`[serve]`: where `onwatch serve` listens and who may use it."""

    listen: str | None = None
    """HOST:PORT; None leaves it to `--listen` or the built-in default."""
    tokens: tuple[ApiToken, ...] = ()


@dataclass(frozen=True)
class Config:
    """Everything onwatch needs to start, already validated."""

    file: Path | None
    """The file this came from; None for the built-in default."""
    operator: str
    """Who the timeline names for actions typed here: `operator`, else $USER, else "operator"."""
    db: Path | None
    """The incident store; None lets the store pick its default location."""
    interval: timedelta
    """`[defaults] interval`: how often checks run unless they say otherwise."""
    timeout: timedelta
    """`[defaults] timeout` for network checks."""
    watches: tuple[Watch, ...]
    """Every check with its schedule and rules; this host's check first when enabled."""
    channels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Channel name -> apprise URL; "" for channels named in the seed JSON without an address."""
    escalation: tuple[str, ...] = ()
    """Channel names escalated to, in order (seed JSON `notification.escalation`)."""
    warnings: tuple[Problem, ...] = ()
    """Things that work but deserve a look; the CLI prints them at start."""
    runbooks: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Check name -> runbook URL, for checks that have one."""
    checklists: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Check name -> its `checklist = [...]` items, for checks that list some."""
    bell: bool = False
    """`[notify] bell`: ring the terminal bell on new incidents."""
    notify: NotifySettings = field(default_factory=NotifySettings)
    """Channels that can be sent to, escalation policies, maintenance windows and timers.

    Seed channels without an address are in `channels` only; the seed policy still names them.
    """
    serve: ServeSettings = field(default_factory=ServeSettings)
    """`[serve]`: the HTTP API's listen address and tokens."""
    resolution_required: bool = False
    """`[lifecycle] resolution_required`: closing needs a resolution text."""
    alertmanager: AlertmanagerTarget | None = None
    """`[alertmanager]`: where acknowledged external incidents are silenced; None for nowhere."""
    unresolved: tuple[Unresolved, ...] = ()
    """`${VAR}`s this environment does not set; what they belong to is left out above."""
    # Watching onwatch itself
    heartbeat: HeartbeatSpec | None = None
    """`[heartbeat]`: the URL called while onwatch is healthy."""
    default_actions: tuple[Action, ...] = ()
    """`[defaults] actions`: for checks without their own, and for drills of no check."""

    def resolved(self, *sections: str) -> Config:
        """This config, if no variable under `sections` (every section when none are named) is
        unset; else ConfigError naming each one with its file, line and key."""
        unset = [
            problem
            for problem in self.unresolved
            if not sections or any(problem.under(section) for section in sections)
        ]
        if unset:
            raise ConfigError(unset, self.warnings)
        return self


@dataclass
class NotifyDraft:
    """The notification part of a config as it is being built."""

    # Scalar settings start from NotifySettings' own defaults, so they live in one place.
    settings: NotifySettings = field(default_factory=NotifySettings)
    channels: dict[str, Channel] = field(default_factory=dict)
    policies: list[EscalationPolicy] = field(default_factory=list)
    maintenance: list[Maintenance] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)
    policy_names: dict[str, KeyPath] = field(default_factory=dict)
    channels_known: bool = False
    """Whether the channels could be read; if not ([notify] or its channels table had the wrong
    type), no step can be said to name an unknown one."""

    def freeze(self) -> NotifySettings:
        return dataclasses.replace(
            self.settings,
            channels=tuple(self.channels.values()),
            policies=tuple(self.policies),
            maintenance=tuple(self.maintenance),
            roles=tuple(self.roles.values()),
        )


@dataclass
class Draft:
    """The config as it is being built, section by section."""

    file: str
    env: Mapping[str, str]
    operator: str = field(init=False)
    db: Path | None = None
    # Where a file says nothing, what the engine and the collectors do by themselves.
    interval: timedelta = DEFAULT_INTERVAL
    timeout: timedelta = DEFAULT_TIMEOUT
    watches: list[Watch] = field(default_factory=list)
    channels: dict[str, str] = field(default_factory=dict)
    escalation: list[str] = field(default_factory=list)
    runbooks: dict[str, str] = field(default_factory=dict)
    checklists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bell: bool = False
    notify: NotifyDraft = field(default_factory=NotifyDraft)
    names: dict[str, KeyPath] = field(default_factory=dict)
    serve: ServeSettings = field(default_factory=ServeSettings)
    resolution_required: bool = False
    alertmanager: AlertmanagerTarget | None = None
    forecast: dict[str, Any] | bool | None = None
    """`[defaults] forecast`: a table, false, or None when not given."""
    # Watching onwatch itself
    heartbeat: HeartbeatSpec | None = None
    actions: tuple[Action, ...] = ()

    def __post_init__(self) -> None:
        # The `operator` key, when present, overrides this.
        self.operator = self.env.get("USER") or self.env.get("LOGNAME") or _login_name()

    def claim_name(self, name: str, path: KeyPath, ctx: Context) -> None:
        """Check names identify incidents and CLI targets, so they must be unique."""
        first = self.names.get(name)
        if first is None:
            self.names[name] = path
            return
        if first == (LOCAL_NAME,):
            ctx.error(path, f'name "{name}" is taken by this host\'s check')
            return
        line = ctx.locator.line(first)
        where = format_key(first) + (f", line {line}" if line else "")
        ctx.error(path, f'duplicate check name "{name}" (first used at {where})')

    def freeze(self, file: Path | None, ctx: Context) -> Config:
        return Config(
            file=file,
            operator=self.operator,
            db=self.db,
            interval=self.interval,
            timeout=self.timeout,
            watches=tuple(self.watches),
            channels=MappingProxyType(dict(self.channels)),
            escalation=tuple(self.escalation),
            warnings=tuple(ctx.warnings),
            runbooks=MappingProxyType(dict(self.runbooks)),
            checklists=MappingProxyType(dict(self.checklists)),
            bell=self.bell,
            notify=self.notify.freeze(),
            serve=self.serve,
            resolution_required=self.resolution_required,
            alertmanager=self.alertmanager,
            unresolved=tuple(ctx.unset),
            heartbeat=self.heartbeat,
            default_actions=self.actions,
        )


def _login_name() -> str:
    """The account name when the environment does not say (cron, some containers)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except (KeyError, OSError):
        return "operator"


Builder = Callable[[Any, KeyPath, Draft, Context], None]
"""Adds what a section's checked value describes to the draft."""

Describer = Callable[[Watch, Config], str]
"""One summary line for a check of the section's kind."""


@dataclass(frozen=True)
class Section:
    """One top-level key: what its value must be and what it adds to the config.

    `absent` is the value the builder gets when the file leaves the key out (None: the builder
    is not called), so built-in behaviour such as watching this host needs no special case.
    A section of checks names the `probe` type it builds and how `check-config` shows one.
    """

    key: str
    kind: Kind
    build: Builder
    absent: Any = None
    probe: type[Probe] | None = None
    describe: Describer | None = None
