"""Bodies of any shape to every action of `onwatch serve`: a 2xx or a 4xx with a JSON error,
never a 500, and the server answers a good client afterwards. (schemathesis in
tests/serve/test_events.py covers bodies that follow the OpenAPI document; these do not.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onwatch.serve.routes_incidents import ACTIONS
from tests.fuzz.budget import fuzz
from tests.fuzz.test_parsers import JSON
from tests.serve.conftest import Live, start_live

PATHS = [
    "/v1/incidents",
    "/v1/silences",
    *(f"/v1/incidents/1/{verb}" for verb in ACTIONS),
    *(f"/v1/incidents/999999999999999999999/{verb}" for verb in ACTIONS),
]
FIELDS = ["note", "by", "to", "priority", "title", "severity", "matchers", "duration", "reason",
          "resolution", "rating", "comment", "source", "description", "category", "reporter"]  # fmt: skip
BODY = (
    st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=5).map(json.dumps)
    | JSON.map(lambda v: json.dumps(v, allow_nan=True))
    | st.binary(max_size=200)
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    live, finish = start_live(Path(tmp_path_factory.mktemp("serve-fuzz")))
    yield live
    finish()


@fuzz(50)
@given(path=st.sampled_from(PATHS), body=BODY)
def test_any_body_to_any_action_is_answered_without_a_server_error(
    server: Live, path: str, body: str | bytes
) -> None:
    with server.client() as client:
        content = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
        response = client.post(path, content=content, headers={"Content-Type": "application/json"})
        assert response.status_code < 500, (path, body, response.text)
        if response.status_code >= 400:
            assert "error" in response.json()
        assert client.get("/v1/health").status_code == 200
