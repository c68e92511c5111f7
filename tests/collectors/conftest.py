from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest
import trustme

from onwatch.collectors import make_client
from onwatch.incidents.sample import Sample
from tests.collectors.servers import HttpServer


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as shared:
        yield shared


@pytest.fixture
def server() -> Iterator[HttpServer]:
    with HttpServer() as running:
        yield running


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def trusting_client(ca: trustme.CA) -> AsyncIterator[httpx.AsyncClient]:
    """A shared client whose verifying pool trusts the test CA."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    async with make_client(trusted=context) as shared:
        yield shared


def by_metric(samples: list[Sample]) -> dict[str, Sample]:
    metrics = [sample.metric for sample in samples]
    assert len(metrics) == len(set(metrics)), f"repeated metrics in {metrics}"
    return {sample.metric: sample for sample in samples}
