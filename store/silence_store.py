"""Operators' silences on disk, in their own small TinyDB file beside the incidents database.

Layout of the file (e.g. `silences.json`, its lock `silences.json.lock` beside it):
    {"silences": {"<id>": <silence_to_dict record>, ...}, "meta": {"1": {"next_id": N, ...}}}

Silences live apart from incidents so that muting never rewrites the incidents file and the
engine can poll the two for changes independently. The file is written the same way as the
incidents file (temporary file, fsync, os.replace; mode 0600) under the same kind of
cross-process lock, so the CLI can add or expire a silence while an engine is running. Reads take
no lock: the file is only ever replaced whole.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from onwatch.incidents.silences import Silence, new_silence, silence_from_dict, silence_to_dict
from onwatch.store.errors import StoreError, unreadable
from onwatch.store.record_file import RecordFile, RecordSession
from onwatch.store.storage import read_json
from onwatch.store.tinydb_file import (
    records_in,
)

SILENCES = "silences"


class SilenceNotFound(StoreError, LookupError):
    def __init__(self, silence_id: int) -> None:
        self.silence_id = silence_id
        super().__init__(f"no silence {silence_id}")


def _decode(path: Path, doc_id: str, record: Any) -> Silence:
    try:
        return silence_from_dict(record)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # InvalidInput is a ValueError: a record the domain refuses is a damaged file, not
        # a usage error of whoever happens to read it.
        raise unreadable(path, "silence", doc_id, exc) from None


def _silences_in(path: Path, data: Mapping[str, Any] | None) -> dict[int, Silence]:
    return records_in(
        path,
        data,
        SILENCES,
        _decode,
        what="an onwatch silences file",
        record="silence",
        required=True,
    )


class _Session(RecordSession[Silence]):
    TABLE = SILENCES

    def records(self) -> dict[int, Silence]:
        return _silences_in(self.path, self.storage.read())

    def put(self, silence: Silence) -> None:
        self.put_record(silence.id, silence_to_dict(silence))


class SilenceStore(RecordFile):
    """The silences file at `path` (e.g. `<db dir>/silences.json`)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        self.remove_orphans()
        self.list()  # refuse a file that is not ours now, before anything tries to write

    # --- reads ---------------------------------------------------------------------------------

    def _read(self) -> dict[int, Silence]:
        return _silences_in(self.path, read_json(self.path))

    def list(self) -> list[Silence]:
        """Every silence kept, ended or not, by id."""
        return sorted(self._read().values(), key=lambda s: s.id)

    def active(self, now: datetime) -> list[Silence]:
        """The silences muting at `now`, by id."""
        return [s for s in self.list() if s.is_active(now)]

    def get(self, silence_id: int) -> Silence:
        found = self._read().get(silence_id)
        if found is None:
            raise SilenceNotFound(silence_id)
        return found

    # --- writes --------------------------------------------------------------------------------

    def _session(self) -> contextlib.AbstractContextManager[_Session]:
        return self.session(_Session)

    def add(
        self,
        matchers: Mapping[str, str],
        *,
        at: datetime,
        duration: timedelta,
        reason: str,
        created_by: str,
    ) -> Silence:
        """A new silence from `at` for `duration`; InvalidInput when the domain refuses it."""
        with self._session() as session:
            silence = new_silence(
                session.next_id(),
                matchers,
                at=at,
                duration=duration,
                reason=reason,
                created_by=created_by,
            )
            session.put(silence)
        return silence

    def expire(self, silence_id: int, *, at: datetime) -> Silence:
        """End a silence at `at`; InvalidInput when it has already ended."""
        with self._session() as session:
            current = session.records().get(silence_id)
            if current is None:
                raise SilenceNotFound(silence_id)
            expired = current.expire(at)
            session.put(expired)
        return expired

    def prune(self, before: datetime) -> int:
        """Forget silences that stopped muting before `before`; how many were removed."""
        with self._session() as session:
            gone = [s.id for s in session.records().values() if s.effective_end < before]
            if gone:
                session.table.remove(doc_ids=gone)
        return len(gone)
