"""The Starlette app: the routes, the token check in front of them, errors as JSON."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from importlib.metadata import PackageNotFoundError, version

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from onwatch.engine.api import ReloadOutcome, source_to_dict
from onwatch.engine.core import Engine
from onwatch.engine.local_backend import LocalBackend
from onwatch.serve import (
    events,
    reports,
    routes_alertmanager,
    routes_config,
    routes_history,
    routes_incidents,
    routes_review,
    routes_runbooks,
    routes_silences,
    routes_watch,
)
from onwatch.serve.auth import AuthMiddleware, Token, Tokens
from onwatch.serve.errors import EXCEPTION_HANDLERS
from onwatch.serve.metrics import Metrics
from onwatch.serve.openapi import build_openapi
from onwatch.serve.pages import routes as pages
from onwatch.serve.pages.security import PageHeaders
from onwatch.serve.pages.sessions import Sessions
from onwatch.serve.state import ServeState, state_of
from onwatch.serve.throttle import Throttle


def _version() -> str:
    try:
        return version("onwatch")
    except PackageNotFoundError:
        return "0.0.0"


VERSION = _version()


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "version": VERSION})


async def sources(request: Request) -> Response:
    views = state_of(request).backend.sources()
    return JSONResponse([source_to_dict(view) for view in views])


async def metrics(request: Request) -> Response:
    body, content_type = state_of(request).metrics.render()
    return Response(body, media_type=content_type)


async def openapi(request: Request) -> Response:
    return JSONResponse(request.app.state.openapi)


def create_app(
    engine: Engine,
    *,
    tokens: Iterable[Token] = (),
    operator: str = "operator",
    engine_holder: str = "",
    ping_seconds: float = 15.0,
    max_behind: int = 1000,
    reload: Callable[[Engine], Awaitable[ReloadOutcome]] | None = None,
    throttle: Throttle | None = None,
) -> Starlette:
    """The API over `engine`, which runs in the same event loop (started or not: the routes
    read the store and act through the operations API either way).

    With no `tokens`, every request acts as `operator` with the operator role; the caller
    makes sure that happens on a loopback address only. `reload` reads the config file again
    for `POST /v1/config/reload` (without it, that answers 503). `throttle` counts wrong
    tokens per client address, the login form's and bearer headers' alike.
    """
    checker = Tokens(tokens, open_as=operator)
    throttle = throttle if throttle is not None else Throttle()
    sessions = Sessions()
    registry = Metrics(lambda: list(engine.incidents.values()))
    engine.subscribe(registry.observe)
    state = ServeState(
        engine=engine,
        backend=LocalBackend(engine, operator=operator, run_checks=False, reload=reload),
        tokens=checker,
        metrics=registry,
        engine_holder=engine_holder,
        ping_seconds=ping_seconds,
        max_behind=max_behind,
        sessions=sessions,
        throttle=throttle,
    )
    app = Starlette(
        routes=[
            Route("/v1/health", health, methods=["GET"]),
            *routes_history.ROUTES,
            *routes_incidents.ROUTES,
            *routes_review.ROUTES,
            Route("/v1/sources", sources, methods=["GET"]),
            *routes_runbooks.ROUTES,
            *reports.ROUTES,
            *routes_silences.ROUTES,
            *routes_alertmanager.ROUTES,
            *routes_watch.ROUTES,
            *routes_config.ROUTES,
            *events.ROUTES,
            Route("/metrics", metrics, methods=["GET"]),
            Route("/openapi.json", openapi, methods=["GET"]),
            *pages.ROUTES,
        ],
        # The token is checked before routing and before any byte of the body; the pages'
        # headers go on whatever answers a page's path, the token check's refusals included.
        middleware=[
            Middleware(PageHeaders),
            Middleware(AuthMiddleware, tokens=checker, sessions=sessions, throttle=throttle),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.onwatch = state
    app.state.openapi = build_openapi(VERSION)
    return app
