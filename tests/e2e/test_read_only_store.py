"""A store on a read-only disk (a real read-only tmpfs when root, a read-only folder otherwise):
every command that only reads works; every write fails with one line and exit 1, the files
untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import Result, Run
from tests.support.disk import small_disk


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "disk" / "incidents.json"


def at(onwatch: Run, db: Path):
    def run(*args: str) -> Result:
        return onwatch(*args, extra_env={"ONWATCH_DB": str(db)})

    return run


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_reads_work_on_a_read_only_store_and_writes_fail_in_one_line(
    onwatch: Run, db: Path
) -> None:
    with small_disk(db.parent) as disk:
        run = at(onwatch, db)
        for title in ("disk full", "queue stuck"):
            assert run("incidents", "open", title, "--severity", "critical").code == 0
        assert run("incidents", "close", "2", "--note", "drained").code == 0
        # A summary gone missing must be rebuilt in memory, as the disk cannot take it.
        for summary in db.parent.glob("incidents-summary-*.jsonl"):
            summary.unlink()
        disk.read_only()
        try:
            before = files_of(db.parent)

            listed = run("incidents", "list")
            assert listed.code == 0, listed.err
            assert "disk full" in listed.out and listed.err == ""
            closed = run("incidents", "list", "--state", "closed")
            assert closed.code == 0 and "queue stuck" in closed.out, closed.err
            shown = run("incidents", "show", "2")
            assert shown.code == 0 and "queue stuck" in shown.out, shown.err
            exported = run("incidents", "export", "--format", "json")
            assert exported.code == 0, exported.err
            rows = [json.loads(line) for line in exported.out.splitlines()]
            assert sorted(r["id"] for r in rows) == [1, 2]
            stats = run("stats")
            assert stats.code == 0 and "2 incidents" in stats.out, stats.err
            postmortem = run("postmortem", "2")
            assert postmortem.code == 0 and "# Postmortem: incident #2" in postmortem.out

            for write in (("incidents", "ack", "1"), ("incidents", "open", "more")):
                refused = run(*write)
                assert refused.code == 1, refused
                assert refused.err.count("\n") == 1 and "Traceback" not in refused.err
                assert refused.err.startswith(f"{db}: cannot write: "), refused.err
            assert files_of(db.parent) == before
        finally:
            disk.writable()
        assert run("incidents", "ack", "1").code == 0  # writable again: writes work
