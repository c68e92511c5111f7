"""The serialised incident: timeline kinds are an enum in memory and the same strings on disk."""

from __future__ import annotations

import json
from datetime import timedelta

from onwatch.incidents import EntryKind, Mark, lifecycle
from onwatch.incidents.codec import incident_from_dict, incident_to_dict
from tests.incidents.conftest import T0
from tests.incidents.test_lifecycle import new_incident


def test_timeline_kinds_are_written_as_the_strings_stores_already_hold() -> None:
    incident = lifecycle.acknowledge(new_incident(), by="dana", at=T0 + timedelta(minutes=1))
    incident = lifecycle.mark(incident, Mark.SILENCED, at=T0 + timedelta(minutes=2), note="deploy")
    written = json.loads(json.dumps(incident_to_dict(incident)))
    assert [e["kind"] for e in written["timeline"]] == ["opened", "acknowledged", "silenced"]
    assert all(type(e["kind"]) is str for e in written["timeline"])


def test_a_stored_timeline_loads_into_entry_kinds() -> None:
    incident = lifecycle.add_note(new_incident(), by="dana", at=T0, note="looking")
    loaded = incident_from_dict(json.loads(json.dumps(incident_to_dict(incident))))
    assert [e.kind for e in loaded.timeline] == [EntryKind.OPENED, EntryKind.NOTE]
    assert all(isinstance(e.kind, EntryKind) for e in loaded.timeline)
    assert loaded == incident


def test_a_kind_from_a_newer_version_is_kept_as_text() -> None:
    record = incident_to_dict(new_incident())
    record["timeline"].append({"at": "2026-11-27T03:05:00Z", "kind": "handed_over", "by": "x"})
    loaded = incident_from_dict(record)
    assert loaded.timeline[-1].kind == "handed_over"
    assert incident_to_dict(loaded)["timeline"][-1]["kind"] == "handed_over"


def test_every_mark_has_the_entry_kind_that_records_it() -> None:
    assert {EntryKind.of_mark(m).value for m in Mark} == {m.value for m in Mark}


def test_a_sample_survives_its_json_form() -> None:
    from datetime import UTC, datetime

    from onwatch.incidents import Sample
    from onwatch.incidents.codec import sample_from_dict, sample_to_dict

    at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    for sample in (
        Sample("web-01", "local", "disk:/", 91.5, at, labels={"mount": "/"}),
        Sample.failed("api", "api", "up", "connection refused", at),
    ):
        assert sample_from_dict(sample_to_dict(sample)) == sample
