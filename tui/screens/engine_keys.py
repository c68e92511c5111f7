"""The main screen's keys that act on the engine itself rather than on an incident: read
its config file again, send a test message to every channel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen

from onwatch.engine.api import Unavailable

if TYPE_CHECKING:
    from onwatch.tui.app import OnwatchApp


class EngineKeys(Screen[None]):
    """`ctrl+r` and `t`; their bindings (and palette entries) are the main screen's."""

    @property
    def console(self) -> OnwatchApp:
        return self.app  # type: ignore[return-value]

    def action_reload_config(self) -> None:
        self.reload_the_config()

    @work(exclusive=True, group="reload-config", exit_on_error=False)
    async def reload_the_config(self) -> None:
        try:
            outcome = await self.console.backend.reload_config()
        except Unavailable as exc:
            self.notify(str(exc), title="config not reloaded", severity="error")
            return
        if outcome.applied:
            self.notify(outcome.summary, title="config reloaded", timeout=6)
        else:
            self.notify(
                "\n".join(outcome.problems),
                title=outcome.summary,
                severity="error",
                timeout=15,
            )

    def action_notify_test(self) -> None:
        self.notify("sending a TEST message to every channel...", title="notify test", timeout=3)
        self.send_test_messages()

    @work(exclusive=True, group="notify-test", exit_on_error=False)
    async def send_test_messages(self) -> None:
        try:
            results = await self.console.backend.notify_test()
        except Unavailable as exc:
            self.notify(str(exc), title="notify test not sent", severity="error")
            return
        if not results:
            self.notify(
                "no channel to test here (the process running the engine has them)",
                title="notify test",
                severity="warning",
            )
            return
        lines = [f"{r.target}: {'ok' if r.ok else 'FAILED: ' + r.reason}" for r in results]
        failed = any(not r.ok for r in results)
        self.notify(
            "\n".join(lines),
            title="notify test: some targets failed" if failed else "notify test: all ok",
            severity="error" if failed else "information",
            timeout=15,
            markup=False,  # a reason may hold brackets
        )
