"""Start the console (the default command)."""

from __future__ import annotations

from onwatch.cli.context import Context


def run_console(ctx: Context) -> int:
    if getattr(ctx.args, "connect", None) is not None:
        return _run_remote_console(ctx)
    from onwatch.cli.reloading import reloader
    from onwatch.engine.engine_thread import ThreadedBackend
    from onwatch.engine.local_backend import LocalBackend
    from onwatch.store.lease import EngineLease
    from onwatch.tui.app import OnwatchApp
    from onwatch.tui.settings import default_settings_path

    demo_server = None
    extra = ()
    if getattr(ctx.args, "demo", False):
        from onwatch.cli.demo import start_demo

        demo_server, extra = start_demo()
    # Opened now: a file that is not ours stops onwatch with its name, before the console.
    ctx.store  # noqa: B018
    ctx.silences  # noqa: B018
    lease = EngineLease(ctx.store.path)
    # The first console on a store runs the engine: every variable of the config must be set,
    # and a refusal comes before the terminal is taken over. A console beside another engine
    # reads and acts only, and needs none of the checks' or channels' secrets.
    config = ctx.needs() if lease.acquire(ctx.clock()) else ctx.needs("operator", "escalation")
    engine = LocalBackend(
        lambda: ctx.engine(extra),
        operator=config.operator,
        runbooks=config.runbooks,
        lease=lease,
        standby=ctx.standby_engine,
        clock=ctx.clock,
        reload=reloader(ctx, extra),
    )
    # The engine on a thread and loop of its own: its checks never hold up the operator's keys.
    backend = ThreadedBackend(engine)
    app = OnwatchApp(
        backend,
        clock=ctx.clock,
        settings_path=default_settings_path(),
        wall=bool(getattr(ctx.args, "wall", False)),
        bell=config.bell,
    )
    try:
        app.run()
    finally:
        if demo_server is not None:
            demo_server.shutdown()
    return app.return_code or 0


def _run_remote_console(ctx: Context) -> int:
    """The console on `onwatch serve`'s API: no config file and no local store."""
    from onwatch.cli.remote import check_url, token_from
    from onwatch.remote import RemoteBackend
    from onwatch.tui.app import OnwatchApp
    from onwatch.tui.settings import default_settings_path

    url = check_url(ctx.args.connect)
    backend = RemoteBackend(url, token_from(ctx), clock=ctx.clock)
    app = OnwatchApp(
        backend,
        clock=ctx.clock,
        settings_path=default_settings_path(),
        wall=bool(getattr(ctx.args, "wall", False)),
    )
    app.run()
    return app.return_code or 0
