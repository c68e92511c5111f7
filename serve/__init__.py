"""The engine over HTTP: the v1 API (`/work/spec/api.md`), its event stream, tokens and metrics.

`create_app` builds the Starlette app around a running engine; `serve_forever` runs it with
uvicorn in the engine's own event loop. The console's server side, beside `tui`, never of it.
"""

from onwatch.serve.app import create_app
from onwatch.serve.auth import Principal, Token
from onwatch.serve.server import serve_forever

__all__ = ["Principal", "Token", "create_app", "serve_forever"]
