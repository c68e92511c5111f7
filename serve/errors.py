"""Every error as `{"error": "one line"}`, and the domain's exceptions in HTTP terms."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import TypeVar

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Send

from onwatch.incidents import IncidentError, InvalidInput, TransitionError
from onwatch.store import NotFound, SilenceNotFound, StoreError

log = logging.getLogger("onwatch.serve")
T = TypeVar("T")
MAX_MESSAGE = 300


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line[:MAX_MESSAGE] or "error"


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return JSONResponse({"error": one_line(message)}, status_code=status, headers=headers)


async def send_error(
    send: Send, status: int, message: str, headers: Mapping[str, str] | None = None
) -> None:
    """An error straight on the ASGI channel, for middleware that answers before routing."""
    body = orjson.dumps({"error": one_line(message)})
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def domain_error(exc: BaseException) -> ApiError | None:
    """The store's and the lifecycle's exceptions as the spec maps them."""
    if isinstance(exc, NotFound | SilenceNotFound):
        return ApiError(404, str(exc))
    if isinstance(exc, TransitionError):
        return ApiError(409, str(exc))
    if isinstance(exc, InvalidInput | IncidentError):
        return ApiError(400, str(exc))
    if isinstance(exc, StoreError | OSError):
        return ApiError(503, f"could not save: {exc}")
    return None


async def blocking(work: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Store I/O in a thread (never on the loop the engine shares), errors in HTTP terms."""
    try:
        return await asyncio.to_thread(work, *args, **kwargs)
    except Exception as exc:
        mapped = domain_error(exc)
        if mapped is None:
            raise
        raise mapped from exc


async def on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, str(exc))


async def on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        return error_response(404, f"no route {request.method} {request.url.path}")
    if exc.status_code == 405:
        return error_response(405, f"{request.method} is not allowed here", headers)
    return error_response(exc.status_code, str(exc.detail), headers)


async def on_unexpected(request: Request, exc: Exception) -> Response:
    # The path only: headers carry the token.
    log.error("%s %s failed", request.method, request.url.path[:200], exc_info=exc)
    return error_response(500, "internal error")


EXCEPTION_HANDLERS = {
    ApiError: on_api_error,
    HTTPException: on_http_exception,
    Exception: on_unexpected,
}
