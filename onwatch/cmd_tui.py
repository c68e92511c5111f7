"""Start the console (the default command)."""

from __future__ import annotations

from onwatch.context import Context


def run_console(ctx: Context) -> int:
    from tui.app import OnwatchApp

    app = OnwatchApp(store=ctx.store, operations=ctx.operations, clock=ctx.clock)
    app.run()
    return 0
