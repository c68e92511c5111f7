"""What every command needs, loaded on first use: the config, the store, the operations API."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onwatch.cli.errors import CliError, Exit
from onwatch.cli.paths import resolve_db_path
from onwatch.config import Config, ConfigError, load_config
from onwatch.engine.clock import Clock, utc_now
from onwatch.engine.specs import EngineSettings, NotifySettings, Watch
from onwatch.incidents.checklist import Guide, guides
from onwatch.store import ChangeStore, IncidentStore, SilenceStore, StoreError
from onwatch.store.lease import EngineLease

if TYPE_CHECKING:
    from onwatch.engine.core import Engine
    from onwatch.engine.operations import Operations


class Context:
    def __init__(
        self, args: argparse.Namespace, env: Mapping[str, str], clock: Clock = utc_now
    ) -> None:
        self.args = args
        self.env = env
        self.clock = clock

    def engine_lease(self) -> EngineLease:
        """Hold this store's engine lease for the life of the process, or exit 1 naming the
        process that holds it: two engines on one store would page everybody twice."""
        lease = EngineLease(self.store.path)  # the store first: it makes its private folder
        if not lease.acquire(self.clock()):
            holder = lease.holder()
            who = holder.describe() if holder is not None else "another process"
            raise CliError(f"another onwatch runs the engine on {self.db_path}: {who}")
        return lease

    @cached_property
    def config(self) -> Config:
        """The config as loaded: what an unset `${VAR}` belongs to is left out of it."""
        try:
            return load_config(getattr(self.args, "config", None), self.env)
        except ConfigError as exc:
            raise _usage(exc) from None

    def needs(self, *sections: str) -> Config:
        """The config, or exit 2 naming each unset variable under `sections` (under any section
        when none are named): a command resolves only what it uses."""
        try:
            return self.config.resolved(*sections)
        except ConfigError as exc:
            raise _usage(exc) from None

    @cached_property
    def db_path(self) -> Path:
        explicit = getattr(self.args, "db", None)
        config = self.config  # read even when unused: a broken file is reported all the same
        if not explicit and not self.env.get("ONWATCH_DB"):
            config = self.needs("db")
        return resolve_db_path(explicit, self.env, config.db)

    @cached_property
    def store(self) -> IncidentStore:
        try:
            return IncidentStore(self.db_path)
        except StoreError as exc:
            raise CliError(str(exc)) from None

    @property
    def notify_settings(self) -> NotifySettings:
        return getattr(self.config, "notify", None) or NotifySettings()

    @cached_property
    def operations(self) -> Operations:
        # The same escalation policies as the running engine, so `incidents escalate` fires
        # (and names on the timeline) the step the console's `e` would.
        from onwatch.engine.operations import Operations
        from onwatch.engine.paging import Pager

        config = self.needs("operator", "escalation")
        return Operations(
            self.store,
            clock=self.clock,
            operator=config.operator,
            policy_for=Pager(self.notify_settings).policy,
            silences=self.silences,
            roles=[role.name for role in self.notify_settings.roles],
            resolution_required=config.resolution_required,
            guides=self.guides,
            changes=self.changes,
        )

    @property
    def guides(self) -> dict[str, Guide]:
        """What each check's config adds to its incidents' checklists."""
        return guides(self.config.checklists, self.config.runbooks)

    @cached_property
    def changes(self) -> ChangeStore:
        try:
            return ChangeStore(self.db_path.with_name("changes.json"))
        except StoreError as exc:
            raise CliError(str(exc)) from None

    @cached_property
    def silences(self) -> SilenceStore:
        try:
            return SilenceStore(self.db_path.with_name("silences.json"))
        except StoreError as exc:
            raise CliError(str(exc)) from None

    def engine(self, extra_watches: tuple[Watch, ...] = (), **options: Any) -> Engine:
        # Imported here: the engine pulls in httpx and apprise, which listing incidents never needs.
        from onwatch.engine.core import Engine
        from onwatch.engine.options import EngineOptions

        # Checks and channels whose variables are unset were left out: never run without them.
        config = self.needs()
        settings = engine_settings(config, extra_watches)
        return Engine(
            settings,
            self.store,
            operator=config.operator,
            clock=self.clock,
            options=EngineOptions(**options),
            silences=self.silences,
            changes=self.changes,
        )

    def standby_engine(self) -> Engine:
        """An engine for a console while another process holds the engine: it follows the store
        and records this operator's actions, with the escalation policies so that `e` names the
        right step, but no check and no channel, so it needs none of their secrets."""
        from onwatch.engine.core import Engine

        config = self.needs("operator", "escalation")
        # Roles too, so a hand-over typed here is checked against the same names.
        notify = NotifySettings(
            policies=self.notify_settings.policies, desktop=False, roles=self.notify_settings.roles
        )
        return Engine(
            EngineSettings(
                notify=notify,
                resolution_required=config.resolution_required,
                guides=self.guides,
            ),
            self.store,
            operator=config.operator,
            clock=self.clock,
            silences=self.silences,
            changes=self.changes,
        )


def engine_settings(config: Config, extra_watches: tuple[Watch, ...] = ()) -> EngineSettings:
    """What an engine runs from a config: at start, and again at each reload."""
    return EngineSettings(
        watches=(*config.watches, *extra_watches),
        notify=getattr(config, "notify", None) or NotifySettings(),
        resolution_required=config.resolution_required,
        alertmanager=config.alertmanager,
        heartbeat=config.heartbeat,
        default_actions=config.default_actions,
        guides=guides(config.checklists, config.runbooks),
    )


def _usage(exc: ConfigError) -> CliError:
    return CliError("\n".join(str(problem) for problem in exc.problems), Exit.USAGE)
