"""Incidents on disk: a small live file of unclosed incidents, closed ones archived by month.

Layout, next to the live file `incidents.json`:
    incidents.json                 unclosed incidents + the id counter (TinyDB tables)
    incidents-archive-2026-11.json incidents closed in November 2026
    incidents.json.lock            the cross-process write lock

Reads take no lock (files are only ever replaced whole). Writes run in a transaction under the
lock: the files are read fresh, changed in memory and written back once each. When a change
moves an incident between files, the file gaining it is written before the file losing it, so a
crash in between leaves two copies (the live one wins) rather than none.
"""

from __future__ import annotations

import contextlib
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from onwatch.incidents import Incident, State
from onwatch.store.archive_reads import ArchiveReads, incidents_in
from onwatch.store.errors import NotFound
from onwatch.store.open_file import INCIDENTS, Known, decode_incident
from onwatch.store.storage import Revision, read_json
from onwatch.store.summaries import Summaries
from onwatch.store.tinydb_file import TinyDBFile
from onwatch.store.transaction import Transaction

__all__ = ["IncidentStore", "Transaction"]


class IncidentStore(ArchiveReads, TinyDBFile):
    """The incidents database at `path` (the live file)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        self._archive_re = re.compile(
            re.escape(self.path.stem)
            + r"-archive-(\d{4})-(\d{2})(?:-p(\d+))?"
            + re.escape(self.path.suffix)
            + "$"
        )
        # (revision before, revision after) of each write made through this object, in order,
        # so a poller can tell its own writes from another process's.
        self.own_writes: deque[tuple[Revision, Revision]] = deque(maxlen=10_000)
        # The live file as this process last read or wrote it, with its revision: while the
        # file is unchanged, transactions and reads skip re-reading and re-parsing it.
        self._known: Known | None = None
        self.summaries = Summaries(self.path, self.lock, self.archive_path, self.archive_months)
        self.highest_id = 0
        """The highest id this process has read or written: a live file deleted or replaced
        underneath it (with its meta) must not make the next incident reuse an id it knows."""
        self.remove_orphans(self._archives_being_written())
        self.summaries.remove_orphans()
        self.unclosed()  # refuse to start on a file that is not ours, before anything writes

    # --- files ---------------------------------------------------------------------------------

    def archive_path(self, key: str) -> Path:
        """The archive named by `key`: a month ("2026-11") or a later part of it ("2026-11-p2")."""
        return self.path.with_name(f"{self.path.stem}-archive-{key}{self.path.suffix}")

    def archive_paths(self) -> list[Path]:
        """Archive files, newest month first, a month's later parts before its earlier ones."""
        found = [p for p in self.path.parent.iterdir() if self._archive_re.match(p.name)]
        return sorted(found, key=self._order, reverse=True)

    def _order(self, path: Path) -> tuple[str, int]:
        found = self._archive_re.match(path.name)
        assert found is not None
        return f"{found.group(1)}-{found.group(2)}", int(found.group(3) or 1)

    def archive_months(self) -> list[str]:
        """The keys of the archives ("2026-11", "2026-11-p2"), newest first as `archive_paths`.
        A key's first seven characters are its month."""
        return [self.month_of_archive(p) for p in self.archive_paths()]

    def month_of_archive(self, path: Path) -> str:
        """The archive's key (see `archive_path`)."""
        found = self._archive_re.match(path.name)
        if found is None:
            raise ValueError(f"{path} is not an archive of {self.path}")
        part = found.group(3)
        return f"{found.group(1)}-{found.group(2)}" + (f"-p{part}" if part else "")

    def _archives_being_written(self) -> list[Path]:
        """Every archive, and those a killed writer was creating: a kill during the first write
        of a month leaves a temporary file beside an archive that does not exist yet."""
        named = {p.name for p in self.archive_paths()}
        for temp in self.path.parent.glob(f".{self.path.stem}-archive-*.tmp-*"):
            named.add(temp.name[1:].split(".tmp-", 1)[0])
        return [self.path.with_name(name) for name in sorted(named) if self._archive_re.match(name)]

    # --- reads ---------------------------------------------------------------------------------

    def _live(self) -> dict[int, Incident]:
        known = self._known
        if known is not None and known.revision == self.revision():
            return known.incidents
        return incidents_in(self.path)

    def unclosed(self) -> list[Incident]:
        live = sorted(self._live().values(), key=lambda i: i.id)
        if live:
            self.highest_id = max(self.highest_id, live[-1].id)
        return live

    def archived(self) -> Iterator[Incident]:
        """Closed incidents, newest month first; stale copies left by a crash are skipped."""
        seen = set(self._live())
        for path in self.archive_paths():
            for incident_id, incident in incidents_in(path).items():
                if incident_id not in seen:
                    seen.add(incident_id)
                    yield incident

    def get(self, incident_id: int) -> Incident:
        live = self._live()
        if incident_id in live:
            return live[incident_id]
        month = self.summaries.month_of(incident_id)
        if month is not None:
            path = self.archive_path(month)
            record = (read_json(path) or {}).get(INCIDENTS, {}).get(str(incident_id))
            if record is not None:
                return decode_incident(path, str(incident_id), record)
        raise NotFound(incident_id)

    def archived_in(self, month: str) -> list[Incident]:
        """The incidents of one archive month by id, stale copies (reopened since) left out."""
        live = self._live()
        found = incidents_in(self.archive_path(month))
        return [found[i] for i in sorted(found) if i not in live]

    def list(self, states: Iterable[State] | None = None) -> list[Incident]:
        wanted = set(states) if states is not None else set(State)
        result = [i for i in self.unclosed() if i.state in wanted]
        if State.CLOSED in wanted:
            result.extend(self.archived())
        return sorted(result, key=lambda i: i.id)

    # --- writes --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Read-modify-write under the cross-process lock; written only if the block succeeds."""
        with self.lock:
            before = self.revision()
            known = (
                self._known if self._known is not None and self._known.revision == before else None
            )
            # Forget it while the transaction runs: TinyDB changes the data in place, and a
            # transaction that fails must not leave a half-changed copy behind.
            self._known = None
            txn = Transaction(self, known)
            yield txn  # an exception here skips the commit: nothing is written
            wrote = txn.commit()
            after = self.revision()
            if wrote:
                self.own_writes.append((before, after))
            self._known = txn.known(after)

    def update(self, incident_id: int, change: Callable[[Incident], Incident]) -> Incident:
        """Apply `change` to the current version of one incident and store the result."""
        with self.transaction() as txn:
            updated = change(txn.get(incident_id))
            txn.put(updated)
        return updated
