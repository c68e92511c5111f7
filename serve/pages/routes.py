"""The pages' routes, for `serve.app`."""

from __future__ import annotations

from starlette.routing import Route

from onwatch.serve.pages import paths
from onwatch.serve.pages.login import login, login_form, logout
from onwatch.serve.pages.report import report, report_form
from onwatch.serve.pages.static import static_file
from onwatch.serve.pages.wall import wall, wall_json

ROUTES = [
    Route(paths.LOGIN, login_form, methods=["GET"]),
    Route(paths.LOGIN, login, methods=["POST"]),
    Route(paths.LOGOUT, logout, methods=["POST"]),
    Route(paths.WALL, wall, methods=["GET"]),
    Route(paths.WALL_STATE, wall_json, methods=["GET"]),
    Route(paths.REPORT, report_form, methods=["GET"]),
    Route(paths.REPORT, report, methods=["POST"]),
    Route(paths.STATIC_PREFIX + "{name}", static_file, methods=["GET"]),
]
