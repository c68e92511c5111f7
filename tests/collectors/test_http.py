"""HTTP checks against real servers on 127.0.0.1: each failure has its own reason."""

from __future__ import annotations

import asyncio
import gzip
import json
import ssl
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import trustme

from onwatch.collectors import HttpCheck, HttpCollector
from tests.collectors.conftest import by_metric
from tests.collectors.servers import HttpServer, Reply, Silent, closed_port, slow, trickle

SHORT = timedelta(seconds=1)


def check(url: str, **options: object) -> HttpCheck:
    return HttpCheck(name="api", url=url, **options)  # type: ignore[arg-type]


async def run(spec: HttpCheck, client: httpx.AsyncClient) -> dict:
    samples = await HttpCollector(spec, client).collect(datetime.now(UTC))
    assert all(s.source == "api" and s.check == "api" for s in samples)
    return by_metric(samples)


async def test_healthy_endpoint_reports_up_status_and_latency(server, client):
    server.routes["/health"] = Reply(200, b"all ok")
    got = await run(check(server.url("/health"), body_contains="ok"), client)
    assert got["up"].value == 1.0
    assert got["status"].value == 200.0
    assert 0 < got["latency"].value < 1
    assert "cert_days" not in got


async def test_sends_user_agent_and_configured_headers(server, client):
    await run(check(server.url("/"), headers={"X-Probe": "yes"}, status=(404,)), client)
    _, headers, _ = server.seen[-1]
    assert headers["X-Probe"] == "yes"
    assert headers["User-Agent"].startswith("onwatch/")


async def test_server_that_never_answers_times_out(client):
    with Silent() as silent:
        started = time.monotonic()
        got = await run(check(silent.url(), timeout=SHORT), client)
    assert got["up"].error == "timeout after 1s"
    assert time.monotonic() - started < 2


async def test_trickling_server_is_cut_off_by_the_total_timeout(server, client):
    # One byte a second never trips httpx's per-read timeout; the check's own bound does.
    server.routes["/trickle"] = trickle
    started = time.monotonic()
    got = await run(check(server.url("/trickle"), timeout=timedelta(seconds=1.5)), client)
    elapsed = time.monotonic() - started
    assert got["up"].error == "timeout after 1.5s"
    assert 1.4 < elapsed < 2.5


async def test_closed_port_is_connection_refused(client):
    got = await run(check(f"http://127.0.0.1:{closed_port()}/"), client)
    assert got["up"].error == "connection refused"


async def test_unknown_host_is_a_dns_failure(client):
    got = await run(check("http://no-such-host.invalid/", timeout=timedelta(seconds=5)), client)
    assert got["up"].error == "DNS failure: no-such-host.invalid"


async def test_unexpected_status_names_the_code(server, client):
    server.routes["/down"] = Reply(503, b"maintenance")
    got = await run(check(server.url("/down")), client)
    assert got["up"].error == "unexpected status 503"
    assert got["status"].value == 503.0
    assert got["latency"].value > 0


async def test_redirects_are_not_followed(server, client):
    server.routes["/old"] = Reply(301, b"", {"Location": "/new"})
    server.routes["/new"] = Reply(200, b"fine")
    got = await run(check(server.url("/old")), client)
    assert got["up"].error == "unexpected status 301"


async def test_missing_text_in_body(server, client):
    server.routes["/"] = Reply(200, b"degraded")
    got = await run(check(server.url("/"), body_contains="ok"), client)
    assert got["up"].error == "body does not contain 'ok'"


@pytest.mark.parametrize(
    ("body", "expected", "reason"),
    [
        (b'{"a": {"b": 2}}', {"a.b": 1}, "JSON mismatch at a.b: expected 1, got 2"),
        (b'{"a": {}}', {"a.b": 1}, "JSON mismatch at a.b: expected 1, got nothing"),
        (b'{"ok": 1}', {"ok": True}, "JSON mismatch at ok: expected true, got 1"),
        (b'{"s": "down"}', {"s": "up"}, 'JSON mismatch at s: expected "up", got "down"'),
        (b'{"items": [{"s": "up"}]}', {"items.0.s": "up"}, None),
        (b"<html>", {"a": 1}, "JSON mismatch: body is not JSON"),
        (b"[" * 100_000, {"a": 1}, "JSON mismatch: body is not JSON"),
    ],
)
async def test_json_expectations(server, client, body, expected, reason):
    server.routes["/"] = Reply(200, body, {"Content-Type": "application/json"})
    got = await run(check(server.url("/"), json=expected), client)
    assert got["up"].error == reason


async def test_latency_is_the_whole_exchange(server, client):
    server.routes["/slow"] = slow(0.3)
    got = await run(check(server.url("/slow")), client)
    assert got["up"].value == 1.0
    assert 0.3 <= got["latency"].value < 1.0


async def test_huge_body_is_read_only_up_to_the_cap(server, client):
    server.routes["/big"] = Reply(200, b"x" * (3 * 1024 * 1024) + b"needle")
    got = await run(check(server.url("/big"), body_contains="needle"), client)
    assert got["up"].error == "body does not contain 'needle' (first 1 MiB read)"
    got = await run(check(server.url("/big"), json={"a": 1}), client)
    assert got["up"].error == "JSON mismatch: body over 1 MiB"


async def test_gzip_bomb_is_inflated_only_up_to_the_cap(server, client):
    bomb = gzip.compress(bytes(32 * 1024 * 1024), compresslevel=1)
    server.routes["/bomb"] = Reply(200, bomb, {"Content-Encoding": "gzip"})
    got = await run(check(server.url("/bomb"), json={"a": 1}), client)
    assert got["up"].error == "JSON mismatch: body over 1 MiB"


async def test_gzip_body_is_read(server, client):
    body = gzip.compress(json.dumps({"state": "ok"}).encode())
    server.routes["/gz"] = Reply(200, body, {"Content-Encoding": "gzip"})
    got = await run(check(server.url("/gz"), json={"state": "ok"}), client)
    assert got["up"].value == 1.0


async def test_hanging_check_does_not_delay_another(server, client):
    server.routes["/fast"] = Reply(200, b"ok")
    finished: dict[str, float] = {}
    started = time.monotonic()

    async def timed(name: str, spec: HttpCheck) -> dict:
        result = await run(spec, client)
        finished[name] = time.monotonic() - started
        return result

    with Silent() as silent:
        slow_result, fast_result = await asyncio.gather(
            timed("slow", check(silent.url(), timeout=timedelta(seconds=1.5))),
            timed("fast", check(server.url("/fast"))),
        )
    assert fast_result["up"].value == 1.0
    assert slow_result["up"].error == "timeout after 1.5s"
    assert finished["fast"] < 0.5
    assert finished["slow"] >= 1.4


# --- TLS ------------------------------------------------------------------------------------


def _tls_server(configure: Callable[[ssl.SSLContext], None]) -> HttpServer:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    configure(context)
    return HttpServer(tls=context)


@pytest.fixture
def short_lived(ca: trustme.CA) -> Iterator[HttpServer]:
    """HTTPS with a certificate that expires in five days."""
    expires = datetime.now(UTC) + timedelta(days=5)
    cert = ca.issue_cert("127.0.0.1", "localhost", not_after=expires)
    with _tls_server(cert.configure_cert) as running:
        running.routes["/"] = Reply(200, b"secure ok")
        yield running


async def test_cert_days_from_a_verified_connection(short_lived, trusting_client):
    got = await run(check(short_lived.url("/")), trusting_client)
    assert got["up"].value == 1.0
    assert 4.99 < got["cert_days"].value <= 5.0


async def test_cert_days_without_verification(short_lived, client):
    got = await run(check(short_lived.url("/"), verify=False), client)
    assert got["up"].value == 1.0
    assert 4.99 < got["cert_days"].value <= 5.0


async def test_untrusted_certificate_is_a_tls_error(short_lived, client):
    got = await run(check(short_lived.url("/")), client)
    assert got["up"].error.startswith("TLS error: ")
    assert "certificate" in got["up"].error


async def test_self_signed_certificate_is_a_tls_error(ca, client, tmp_path):
    # The CA's own certificate is self-signed: serve it as the server's certificate.
    cert, key = tmp_path / "ca.pem", tmp_path / "ca.key"
    ca.cert_pem.write_to_path(str(cert))
    ca.private_key_pem.write_to_path(str(key))
    with _tls_server(lambda context: context.load_cert_chain(cert, key)) as running:
        running.routes["/"] = Reply(200, b"ok")
        got = await run(check(running.url("/")), client)
    assert got["up"].error == "TLS error: self-signed certificate"


async def test_verify_false_and_true_checks_share_one_client(short_lived, client):
    lenient = await run(check(short_lived.url("/"), verify=False), client)
    strict = await run(check(short_lived.url("/")), client)
    assert lenient["up"].value == 1.0
    assert strict["up"].error.startswith("TLS error: ")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "http://127.0.0.1:99999/", "http:///x"])
async def test_invalid_url_is_a_reason_not_a_crash(client, url):
    got = await run(check(url), client)
    assert got["up"].error == "invalid URL"
