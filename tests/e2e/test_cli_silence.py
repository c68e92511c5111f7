"""The silence CLI, run as a real subprocess against a real silences file."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from onwatch.incidents.timefmt import from_iso
from tests.e2e.conftest import Run

FIELDS = {"id", "matchers", "starts_at", "ends_at", "reason", "created_by", "expired_at"}


@pytest.fixture
def silences_file(tmp_path: Path) -> Path:
    # The conftest points ONWATCH_DB at db/incidents.json; silences live beside it.
    return tmp_path / "db" / "silences.json"


def add(onwatch: Run, *args: str) -> dict:
    result = onwatch("silence", "add", *args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_add_prints_the_silence_and_list_shows_it(onwatch: Run, silences_file: Path) -> None:
    result = onwatch(
        "silence",
        "add",
        "--match",
        "source=web-01",
        "--match",
        "check=api",
        "--for",
        "2h",
        "--reason",
        "rebooting web-01",
    )
    assert result.code == 0, result.err
    assert result.out.startswith("added silence #1 (check=api source=web-01) until ")
    assert "by dana: rebooting web-01" in result.out
    assert result.err == ""
    assert silences_file.exists()
    assert stat.S_IMODE(silences_file.stat().st_mode) == 0o600

    listed = onwatch("silence", "list")
    assert listed.code == 0, listed.err
    header, row = listed.out.splitlines()
    assert header.split() == ["ID", "STATE", "UNTIL", "BY", "MATCH", "REASON"]
    ident, state, until = row.split()[:3]
    assert (ident, state) == ("1", "active")
    assert until.endswith("Z")
    assert "check=api source=web-01" in row
    assert row.endswith("rebooting web-01")


def test_add_json_has_the_documented_shape(onwatch: Run) -> None:
    silence = add(
        onwatch,
        "--match",
        "source=web-*",
        "--match",
        "severity=CRIT*",
        "--for",
        "1h30m",
        "--reason",
        "  maintenance  ",
        "--by",
        "lee",
    )
    assert set(silence) == FIELDS
    assert silence["id"] == 1
    assert silence["matchers"] == {"source": "web-*", "severity": "CRIT*"}
    assert silence["reason"] == "maintenance"
    assert silence["created_by"] == "lee"
    assert silence["expired_at"] is None
    assert silence["starts_at"].endswith("Z")
    assert silence["ends_at"].endswith("Z")
    lasts = from_iso(silence["ends_at"]) - from_iso(silence["starts_at"])
    assert lasts == timedelta(hours=1, minutes=30)


def test_ids_count_up_across_runs(onwatch: Run) -> None:
    ids = [
        add(onwatch, "--match", f"source=h{n}", "--for", "1h", "--reason", "r")["id"]
        for n in range(3)
    ]
    assert ids == [1, 2, 3]


def test_list_json_is_an_array_of_silences(onwatch: Run) -> None:
    assert json.loads(onwatch("silence", "list", "--json").out) == []
    first = add(onwatch, "--match", "source=a", "--for", "1h", "--reason", "r")
    second = add(onwatch, "--match", "check=b", "--for", "2h", "--reason", "r")
    listed = onwatch("silence", "list", "--json")
    assert listed.code == 0, listed.err
    assert json.loads(listed.out) == [first, second]


def test_list_without_silences_says_so(onwatch: Run) -> None:
    result = onwatch("silence", "list")
    assert (result.code, result.out.strip()) == (0, "no active silences")
    assert onwatch("silence", "list", "--all").out.strip() == "no silences"


def test_expire_ends_it_and_list_all_still_shows_it(onwatch: Run) -> None:
    kept = add(onwatch, "--match", "source=a", "--for", "1h", "--reason", "r")
    gone = add(onwatch, "--match", "source=b", "--for", "1h", "--reason", "r")

    result = onwatch("silence", "expire", str(gone["id"]))
    assert result.code == 0, result.err
    assert result.out.strip() == "expired silence #2 (source=b)"

    active = json.loads(onwatch("silence", "list", "--json").out)
    assert [s["id"] for s in active] == [kept["id"]]
    everything = json.loads(onwatch("silence", "list", "--all", "--json").out)
    assert [s["id"] for s in everything] == [1, 2]
    assert everything[1]["expired_at"] is not None
    assert from_iso(everything[1]["expired_at"]) < from_iso(everything[1]["ends_at"])

    table = onwatch("silence", "list", "--all").out.splitlines()
    assert [line.split()[1] for line in table[1:]] == ["active", "expired"]


def test_expire_json_prints_the_expired_silence(onwatch: Run) -> None:
    made = add(onwatch, "--match", "source=a", "--for", "1h", "--reason", "r")
    result = onwatch("silence", "expire", "1", "--json")
    assert result.code == 0, result.err
    expired = json.loads(result.out)
    assert set(expired) == FIELDS
    assert expired == {**made, "expired_at": expired["expired_at"]}
    assert expired["expired_at"].endswith("Z")


def test_expire_unknown_exits_3(onwatch: Run) -> None:
    add(onwatch, "--match", "source=a", "--for", "1h", "--reason", "r")
    result = onwatch("silence", "expire", "7")
    assert result.code == 3
    assert result.err == "onwatch: no silence 7\n"
    assert result.out == ""


def test_expire_twice_exits_4(onwatch: Run) -> None:
    add(onwatch, "--match", "source=a", "--for", "1h", "--reason", "r")
    assert onwatch("silence", "expire", "1").code == 0
    result = onwatch("silence", "expire", "1")
    assert result.code == 4
    assert result.err == "onwatch: silence 1 has already ended\n"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--for", "2h", "--reason", "r"], "required: --match"),
        (["--match", "host=a", "--for", "2h", "--reason", "r"], "cannot match on 'host'"),
        (["--match", "source", "--for", "2h", "--reason", "r"], "expected KEY=GLOB"),
        (["--match", "source=", "--for", "2h", "--reason", "r"], "non-empty"),
        (["--match", "severity=crit", "--for", "2h", "--reason", "r"], "matches none of"),
        (["--match", "source=a", "--match", "source=b", "--for", "1h", "--reason", "r"], "twice"),
        (["--match", "source=a", "--reason", "r"], "required: --for"),
        (["--match", "source=a", "--for", "2 hours", "--reason", "r"], "not a duration"),
        (["--match", "source=a", "--for", "0s", "--reason", "r"], "positive"),
        (["--match", "source=a", "--for", "91d", "--reason", "r"], "at most 90d"),
        (["--match", "source=a", "--for", "2h"], "required: --reason"),
        (["--match", "source=a", "--for", "2h", "--reason", ""], "needs a reason"),
        (["--match", "source=a", "--for", "2h", "--reason", "   "], "needs a reason"),
        (["--match", "source=a", "--for", "2h", "--reason", "r", "--by", " "], "name of who"),
    ],
)
def test_add_usage_errors_are_one_line_exit_2_and_write_nothing(
    onwatch: Run, silences_file: Path, args: list[str], says: str
) -> None:
    result = onwatch("silence", "add", *args)
    assert result.code == 2, result.err
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert says in result.err
    assert not silences_file.exists()


def test_ninety_days_is_the_longest_accepted(onwatch: Run) -> None:
    silence = add(onwatch, "--match", "source=a", "--for", "90d", "--reason", "r")
    assert from_iso(silence["ends_at"]) - from_iso(silence["starts_at"]) == timedelta(days=90)


@pytest.mark.parametrize("bad", ["abc", "0", "-1"])
def test_expire_with_a_bad_id_is_a_usage_error(onwatch: Run, bad: str) -> None:
    result = onwatch("silence", "expire", "--", bad)
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "silence ids are positive integers" in result.err


def test_a_damaged_silences_file_fails_with_its_name_and_is_left_alone(
    onwatch: Run, silences_file: Path
) -> None:
    silences_file.parent.mkdir(parents=True)
    silences_file.write_bytes(b"{broken")
    for args in (
        ("list",),
        ("add", "--match", "source=a", "--for", "1h", "--reason", "r"),
        ("expire", "1"),
    ):
        result = onwatch("silence", *args)
        assert result.code == 1, args
        assert result.err.count("\n") == 1
        assert str(silences_file) in result.err
    assert silences_file.read_bytes() == b"{broken"


def test_global_db_option_puts_silences_beside_that_db(onwatch: Run, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "incidents.json"
    result = onwatch(
        "silence", "add", "--match", "source=a", "--for", "1h", "--reason", "r", "--db", str(other)
    )
    assert result.code == 0, result.err
    assert other.with_name("silences.json").exists()
    assert json.loads(onwatch("silence", "list", "--json").out) == []
    listed = onwatch("--db", str(other), "silence", "list", "--json")
    assert [s["id"] for s in json.loads(listed.out)] == [1]
