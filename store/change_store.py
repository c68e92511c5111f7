"""Recent changes on disk (a deploy, a config edit, a reboot), in their own small TinyDB file
beside the incidents database (`changes.json`), written like every onwatch file: whole and
atomically, under a cross-process lock, so `onwatch change add` can run beside an engine.

Layout: {"changes": {"<id>": <change_to_dict record>, ...},
         "meta": {"1": {"next_id": N, "boot_times": {"<source>": <epoch seconds>}, ...}}}

The meta keeps the last boot time seen of each host, so a reboot is recorded once, by whichever
engine first sees the boot time move.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from onwatch.incidents.changes import (
    REBOOT_TEXT,
    RecordedChange,
    change_from_dict,
    change_to_dict,
    new_change,
    rebooted,
)
from onwatch.store.errors import unreadable
from onwatch.store.record_file import RecordFile, RecordSession
from onwatch.store.storage import read_json
from onwatch.store.tinydb_file import (
    records_in,
)

CHANGES = "changes"


def _decode(path: Path, doc_id: str, record: Any) -> RecordedChange:
    try:
        return change_from_dict(record)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise unreadable(path, "change", doc_id, exc) from None


def _changes_in(path: Path, data: Mapping[str, Any] | None) -> dict[int, RecordedChange]:
    return records_in(
        path,
        data,
        CHANGES,
        _decode,
        what="an onwatch changes file",
        record="change",
    )


class _Session(RecordSession[RecordedChange]):
    TABLE = CHANGES

    def records(self) -> dict[int, RecordedChange]:
        return _changes_in(self.path, self.storage.read())

    def put(self, change: RecordedChange) -> None:
        self.put_record(change.id, change_to_dict(change))


class ChangeStore(RecordFile):
    """The changes file at `path` (e.g. `<db dir>/changes.json`)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        self.remove_orphans()
        self.list()  # refuse a file that is not ours now, before anything tries to write

    def list(self, since: datetime | None = None) -> list[RecordedChange]:
        """Every change kept (from `since` on, when given), oldest first."""
        found = _changes_in(self.path, read_json(self.path)).values()
        kept = [c for c in found if since is None or c.at >= since]
        return sorted(kept, key=lambda c: (c.at, c.id))

    def _session(self) -> contextlib.AbstractContextManager[_Session]:
        return self.session(_Session)

    def add(self, text: str, *, at: datetime, source: str = "", by: str) -> RecordedChange:
        """Record a change; InvalidInput when the domain refuses it (nothing is written)."""
        with self._session() as session:
            change = new_change(session.next_id(), text, at=at, source=source, by=by)
            session.put(change)
        return change

    def note_boot(
        self, source: str, boot_time: float, *, at: datetime, by: str
    ) -> RecordedChange | None:
        """Remember `source`'s boot time; when it moved since last seen, record "host
        rebooted" at the boot time and return that change."""
        with self._session() as session:
            meta = session.meta()
            boots = dict(meta.get("boot_times") or {})
            last = boots.get(source)
            last_boot = float(last) if isinstance(last, (int, float)) else None
            if last_boot is not None and abs(boot_time - last_boot) < 1e-6:
                return None
            boots[source] = boot_time
            session.write_meta(boot_times=boots)
            if not rebooted(last_boot, boot_time):
                return None
            booted = datetime.fromtimestamp(boot_time, tz=at.tzinfo)
            change = new_change(
                session.next_id(), REBOOT_TEXT, at=min(booted, at), source=source, by=by
            )
            session.put(change)
        return change

    def last_boot(self, source: str) -> float | None:
        data = read_json(self.path) or {}
        meta = (data.get("meta") or {}).get("1") or {}
        value = (meta.get("boot_times") or {}).get(source)
        return float(value) if isinstance(value, (int, float)) else None
