"""Start the console (the default command)."""

from __future__ import annotations

from onwatch.context import Context


def run_console(ctx: Context) -> int:
    from tui.app import OnwatchApp
    from tui.settings import default_settings_path

    config = ctx.config
    engine = ctx.engine()
    app = OnwatchApp(
        engine,
        operator=config.operator,
        clock=ctx.clock,
        runbooks=config.runbooks,
        settings_path=default_settings_path(),
        wall=bool(getattr(ctx.args, "wall", False)),
        bell=config.bell,
    )
    app.run()
    return 0
