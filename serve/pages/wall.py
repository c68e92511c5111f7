"""`/wall`: the console's wall mode as a page for a browser in kiosk mode; `/wall.json`: what
its script fetches when the event stream says something changed."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from onwatch.incidents.timefmt import from_iso
from onwatch.serve.auth import Principal
from onwatch.serve.errors import error_response
from onwatch.serve.pages import paths
from onwatch.serve.pages.access import allowed, guard, logout_form, visitor
from onwatch.serve.pages.board import wall_state
from onwatch.serve.pages.render import Html, join, page, render
from onwatch.serve.state import state_of

SCRIPT = "/static/wall.js"


def _tiles(tiles: list[dict[str, Any]]) -> Html:
    if not tiles:
        return render("empty.html")
    return join([render("tile.html", **tile) for tile in tiles])


def _clock(iso: str | None) -> str:
    return from_iso(iso).astimezone().strftime("%H:%M") if iso else "-"


async def wall(request: Request) -> Response:
    who, refusal = guard(request, paths.WALL)
    if refusal is not None:
        return refusal
    board = wall_state(state_of(request))
    counts = board["counts"]
    body = render(
        "wall.html",
        critical=counts["critical"],
        warning=counts["warning"],
        info=counts["info"],
        oldest=board["oldest"],
        oldest_seconds="" if board["oldest_seconds"] is None else board["oldest_seconds"],
        clock=_clock(board["now"]),
        size=board["size"],
        tiles=_tiles(board["tiles"]),
        live="connecting",
        last_poll=f"last check {_clock(board['last_poll'])}" if board["last_poll"] else "",
        logout=logout_form(request, who),
    )
    return page("onwatch wall", body, script=SCRIPT, body_class="wall")


def _refused(principal: Principal | None) -> Response | None:
    if principal is None:
        return error_response(401, "log in at /login first")
    if not allowed(principal, paths.WALL):
        return error_response(403, f"role {principal.role} may not see the wall")
    return None


async def wall_json(request: Request) -> Response:
    refusal = _refused(visitor(request).principal)
    if refusal is not None:
        return refusal
    return JSONResponse(wall_state(state_of(request)))
