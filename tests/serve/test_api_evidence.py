"""The evidence an incident opened with, over the API and its schema."""

from __future__ import annotations

import dataclasses
import time

from onwatch.engine.recorder import record
from onwatch.incidents import Category, Severity
from onwatch.incidents.codec import incident_to_dict
from tests.serve.conftest import VIEWER_TOKEN, Live, breach


def test_incident_json_carries_its_evidence(live: Live) -> None:
    failing = dataclasses.replace(
        breach("shop", "up", Severity.CRITICAL, "shop: unexpected status 502", 1),
        category=Category.AVAILABILITY,
        value=None,
        threshold=None,
        evidence={"status": 502, "headers": {"set-cookie": "***"}, "address": "10.1.2.3:443"},
    )
    (change,) = record(live.store, [failing])
    incident_id = change.incident.id
    with live.client(VIEWER_TOKEN) as client:
        deadline = time.monotonic() + 10
        while True:  # the server's engine reads what was written elsewhere on its next poll
            response = client.get(f"/v1/incidents/{incident_id}")
            if response.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        schema = client.get("/openapi.json").json()["components"]["schemas"]["Incident"]
    assert response.status_code == 200
    body = response.json()
    assert body == incident_to_dict(live.store.get(incident_id))
    assert body["evidence"] == {
        "status": 502,
        "headers": {"set-cookie": "***"},
        "address": "10.1.2.3:443",
    }
    assert schema["properties"]["evidence"]["type"] == "object"
