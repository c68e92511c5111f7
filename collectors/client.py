"""The one HTTP client every network collector shares, and how its connections are pooled.

An httpx client has a single `verify` setting, yet `verify` is per check. Rather than a pool of
clients (several objects to pass around and close), the shared client has a small transport
that keeps a connection pool per (trust mode, origin) and sends each request to the pool its
check and URL ask for. The engine still passes around and closes one client, and keep-alive
connections are never shared between the two trust modes.

Why one pool per origin: httpcore looks through every connection of a pool, asking each idle
one whether its socket is readable (a system call), on every request. With one pool for a
thousand checks against as many hosts, each request paid for a thousand idle connections
(encode/httpx#3215); per origin it pays for the few connections of its own host.
"""

from __future__ import annotations

import ssl
from importlib import metadata

import httpx

VERIFY = "onwatch.verify"
"""Request extension: False sends the request through the pool that skips certificate checks."""

LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=8, keepalive_expiry=30.0)
"""Per origin. Checks repeat every few seconds, so connections live long enough to be reused."""


def user_agent() -> str:
    try:
        version = metadata.version("onwatch")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"onwatch/{version}"


class OriginPools(httpx.AsyncBaseTransport):
    """Routes each request to the pool of its trust mode and origin (see the module doc)."""

    def __init__(self, trusted: ssl.SSLContext | None = None) -> None:
        # trust_env lets SSL_CERT_FILE / SSL_CERT_DIR point at a private CA. One context per
        # trust mode, shared by every pool: loading the CA bundle is the costly part.
        self._contexts = {
            True: trusted or httpx.create_ssl_context(verify=True, trust_env=True),
            False: httpx.create_ssl_context(verify=False),
        }
        self._pools: dict[tuple[bool, bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}

    def _pool(self, request: httpx.Request) -> httpx.AsyncHTTPTransport:
        verify = bool(request.extensions.get(VERIFY, True))
        url = request.url
        key = (verify, url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = httpx.AsyncHTTPTransport(verify=self._contexts[verify], limits=LIMITS)
            self._pools[key] = pool
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool(request).handle_async_request(request)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()


def make_client(*, trusted: ssl.SSLContext | None = None) -> httpx.AsyncClient:
    """The shared client: keep-alive, no redirects, no proxies or .netrc from the environment.

    `trusted` replaces the default certificate authorities (certifi, or SSL_CERT_FILE) for
    checks with `verify = true`; tests pass a context trusting their own CA.
    """
    return httpx.AsyncClient(
        transport=OriginPools(trusted),
        follow_redirects=False,
        # A monitor should see the service itself, not a proxy in front of it, and must not
        # send credentials from ~/.netrc to whatever URL a check names.
        trust_env=False,
        # Only what collectors.bodies can inflate within its size cap.
        headers={"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(10.0),
    )
