"""Wrong tokens from one address shut it out for a while: the login form and bearer headers,
over a real server on a moved clock, and the bounded record of addresses behind it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from onwatch.serve.throttle import Throttle, client_key
from tests.serve.conftest import OPERATOR_TOKEN, VIEWER_TOKEN, Live, start_live
from tests.serve.pages import PageClient


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttled(tmp_path: Path, clock: Clock) -> Iterator[Live]:
    server, finish = start_live(tmp_path, throttle=Throttle(clock=clock))
    yield server
    finish()


def from_address(live: Live, address: str, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=live.url, headers=headers, transport=transport, timeout=5.0)


def test_five_wrong_logins_shut_the_address_out_even_for_the_right_token(
    throttled: Live, clock: Clock
) -> None:
    with PageClient(throttled.url) as browser:
        for _ in range(4):
            assert browser.login("not-a-token").status_code == 401
        fifth = browser.login("not-a-token")
        assert fifth.status_code == 429
        assert fifth.headers["retry-after"] == "60"
        assert "Too many wrong tokens" in fifth.text
        # A right token now would tell a guesser it was right: it waits like the others.
        blocked = browser.login(VIEWER_TOKEN)
        assert blocked.status_code == 429
        clock.now += 30
        assert browser.login(VIEWER_TOKEN).headers["retry-after"] == "30"
        clock.now += 30
        answer = browser.login(VIEWER_TOKEN, "/wall")
        assert answer.status_code == 303 and answer.headers["location"] == "/wall"


def test_each_further_block_lasts_twice_as_long(throttled: Live, clock: Clock) -> None:
    with PageClient(throttled.url) as browser:
        waits = []
        for _ in range(3):
            answers = [browser.login("not-a-token") for _ in range(5)]
            waits.append(int(answers[-1].headers["retry-after"]))
            clock.now += waits[-1]
        assert waits == [60, 120, 240]


def test_wrong_bearer_tokens_count_against_the_same_address(throttled: Live) -> None:
    with from_address(throttled, "127.0.0.1", "wrong-token") as guesser:
        answers = [guesser.get("/v1/incidents") for _ in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert answers[-1].headers["retry-after"] == "60"
    assert answers[-1].json() == {
        "error": "too many wrong tokens from this address: try again in 60 s"
    }
    with from_address(throttled, "127.0.0.1", OPERATOR_TOKEN) as same_place:
        refused = same_place.get("/v1/incidents")
        assert refused.status_code == 429 and "retry-after" in refused.headers
        # Public routes stay open: a load balancer's probe is no guess.
        assert same_place.get("/v1/health").status_code == 200
    # One limiter for the API and the form.
    with PageClient(throttled.url) as browser:
        assert browser.login(VIEWER_TOKEN).status_code == 429
    # Another address is not held to this one's mistakes.
    with from_address(throttled, "127.0.0.2", OPERATOR_TOKEN) as elsewhere:
        assert elsewhere.get("/v1/incidents").status_code == 200


def test_a_wall_logged_in_before_keeps_its_stream_while_the_address_is_shut_out(
    throttled: Live,
) -> None:
    with PageClient(throttled.url) as wall:
        assert wall.login(VIEWER_TOKEN).status_code == 303
        with from_address(throttled, "127.0.0.1", "wrong-token") as guesser:
            assert guesser.get("/v1/incidents").status_code == 401
            for _ in range(4):
                guesser.get("/v1/incidents")
            assert guesser.get("/v1/events").status_code == 429
        # The session's id is random, not a guess: the wall's stream goes on.
        with wall.http.stream("GET", "/v1/events") as stream:
            assert stream.status_code == 200
            assert next(stream.iter_lines()) == "event: hello"
        # A session opens the event stream only: the rest of the API still waits.
        assert wall.get("/v1/incidents").status_code == 429


def test_requests_without_a_token_are_not_counted_as_guesses(throttled: Live) -> None:
    with from_address(throttled, "127.0.0.1", None) as anonymous:
        assert {anonymous.get("/v1/incidents").status_code for _ in range(8)} == {401}
    with throttled.client() as operator:
        assert operator.get("/v1/incidents").status_code == 200


def test_a_right_token_forgives_the_mistakes_before_it(throttled: Live) -> None:
    with from_address(throttled, "127.0.0.1", "wrong-token") as guesser:
        statuses = [guesser.get("/v1/incidents").status_code for _ in range(4)]
    with throttled.client() as operator:
        assert operator.get("/v1/incidents").status_code == 200
    with from_address(throttled, "127.0.0.1", "wrong-token") as guesser:
        statuses += [guesser.get("/v1/incidents").status_code for _ in range(4)]
    assert statuses == [401] * 8


def test_addresses_rotating_cannot_grow_the_record_without_bound() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock, max_tracked=100)
    for n in range(10_000):
        throttle.failed(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
    assert len(throttle) == 100


def test_old_records_are_forgotten_and_blocks_start_short_again() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock, forget=3600)
    for _ in range(5):
        throttle.failed("192.0.2.7")
    assert throttle.retry_after("192.0.2.7") == 60
    clock.now += 3600
    assert throttle.retry_after("192.0.2.7") is None
    assert len(throttle) == 0
    assert [throttle.failed("192.0.2.7") for _ in range(5)] == [None] * 4 + [60]


def test_failures_older_than_the_window_do_not_add_up() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    for _ in range(20):
        assert throttle.failed("192.0.2.9") is None
        clock.now += 15  # four a minute: under the limit of five
    assert throttle.retry_after("192.0.2.9") is None


def test_an_ipv6_host_counts_by_its_64_block() -> None:
    assert client_key("2001:db8::1") == client_key("2001:db8::ffff:1") == "2001:db8::/64"
    assert client_key("2001:db8:0:1::1") != client_key("2001:db8::1")
    assert client_key("::ffff:192.0.2.1") == "192.0.2.1"
    clock = Clock()
    throttle = Throttle(clock=clock)
    for n in range(5):
        throttle.failed(f"2001:db8::{n + 1}")
    assert throttle.retry_after("2001:db8::abcd") == 60
