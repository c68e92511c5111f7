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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from onwatch.incidents import Incident, State
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.precedents import LIMIT, MIN_SIMILARITY, Precedent, Search, similarity
from onwatch.incidents.summary import Summary, summary_from_dict, summary_row
from onwatch.store.errors import NotFound, StoreError
from onwatch.store.storage import Revision, read_json
from onwatch.store.summaries import Summaries
from onwatch.store.tinydb_file import TinyDBFile, records_in
from onwatch.store.transaction import INCIDENTS, Known, Transaction, decode_incident

__all__ = ["IncidentStore", "Transaction"]

SIMILAR_MONTHS = 24
"""How far back "what fixed it last time" looks: two years of archive months at most."""


def _incidents_in(path: Path) -> dict[int, Incident]:
    return records_in(
        path,
        read_json(path),
        INCIDENTS,
        decode_incident,
        what="an onwatch store",
        record="incident",
    )


class IncidentStore(TinyDBFile):
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
        return _incidents_in(self.path)

    def unclosed(self) -> list[Incident]:
        live = sorted(self._live().values(), key=lambda i: i.id)
        if live:
            self.highest_id = max(self.highest_id, live[-1].id)
        return live

    def archived(self) -> Iterator[Incident]:
        """Closed incidents, newest month first; stale copies left by a crash are skipped."""
        seen = set(self._live())
        for path in self.archive_paths():
            for incident_id, incident in _incidents_in(path).items():
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

    def similar(
        self, incident: Incident, limit: int = LIMIT, *, months: int = SIMILAR_MONTHS
    ) -> list[Precedent]:
        """What fixed it last time: up to `limit` earlier closed incidents with its fingerprint,
        filled up with the most similar titles on its source. Only the archive summaries of its
        source are read, byte-filtered before parsing, newest archive first, stopping after the
        archive that brought `limit` of its fingerprint (or after `months`); only the incidents
        chosen are decoded whole. An unreadable archive is passed over: this is a hint on a
        screen, and must not stop the incident from showing."""
        floor = (incident.created_at - timedelta(days=31 * months)).strftime("%Y-%m")
        live = set(self._live())
        opened = incident.created_at.timestamp()
        same: list[tuple[datetime, int, str]] = []
        alike: list[tuple[float, int, str]] = []
        for key in self.archive_months():
            if key[:7] < floor or len(same) >= limit:
                break
            try:
                if not self.summaries.header(key).opened_by(opened):
                    continue  # archived later, and opened later too: nothing came before
                rows = self.summaries.rows(key, source=incident.source)
            except StoreError:
                continue
            for summary in map(summary_from_dict, reversed(rows)):
                if summary.id in live or summary.id == incident.id:
                    continue
                if summary.created_at > incident.created_at:
                    continue  # "last time" is before this one
                if summary.fingerprint == incident.fingerprint:
                    same.append((summary.created_at, summary.id, key))
                elif (score := similarity(summary.title, incident.title)) >= MIN_SIMILARITY:
                    alike.append((score, summary.id, key))
        # Newest first; for titles best first, and on a tie the newer (met earlier) stays ahead.
        chosen = [(key, i) for _, i, key in sorted(same, reverse=True)[:limit]]
        alike.sort(key=lambda found: -found[0])
        chosen += [(key, i) for _, i, key in alike[: limit - len(chosen)]]
        search = Search(incident, limit)
        for found in self._decode_archived(chosen):
            search.offer(found)
        return search.result()

    def _decode_archived(self, wanted: Iterable[tuple[str, int]]) -> Iterator[Incident]:
        """The incidents named by (archive key, id), each archive read once; an unreadable
        archive or a record gone meanwhile gives nothing."""
        by_key: dict[str, list[int]] = {}
        for key, incident_id in wanted:
            by_key.setdefault(key, []).append(incident_id)
        for key, ids in by_key.items():
            path = self.archive_path(key)
            try:
                records = (read_json(path) or {}).get(INCIDENTS, {})
                for incident_id in ids:
                    record = records.get(str(incident_id))
                    if record is not None:
                        yield decode_incident(path, str(incident_id), record)
            except StoreError:
                continue

    def archived_in(self, month: str) -> list[Incident]:
        """The incidents of one archive month by id, stale copies (reopened since) left out."""
        live = self._live()
        found = _incidents_in(self.archive_path(month))
        return [found[i] for i in sorted(found) if i not in live]

    def archived_rows(
        self,
        since: datetime | None = None,
        *,
        fingerprint: str | None = None,
        source: str | None = None,
        before: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Summary rows (`incidents.summary.summary_row`) of closed incidents, newest first (by
        archive, then id), one archive read at a time. With `since`, only those opened then or
        later (months closed before it are not read at all); with `fingerprint`, only that
        series' (archives without it are skipped unparsed), and likewise with `source`; with `before`, only ids below it
        (archives holding none are skipped by their header: "earlier incidents like this one"
        reads the archives around it, not all of them). Stale copies left by a crash are
        skipped."""
        seen = set(self._live())
        floor = since.strftime("%Y-%m") if since is not None else ""
        limit = since.timestamp() if since is not None else None
        for month in self.archive_months():
            if month[:7] < floor:
                break
            if before is not None:
                runs = self.summaries.header(month).ids
                if not runs or runs[0][0] >= before:
                    continue
            rows = self.summaries.rows(month, fingerprint=fingerprint, source=source)
            for row in reversed(rows):
                incident_id = row["id"]
                if incident_id in seen or (limit is not None and row["epochs"][0] < limit):
                    continue
                if before is not None and incident_id >= before:
                    continue
                seen.add(incident_id)
                yield row

    def archived_summaries(
        self,
        since: datetime | None = None,
        *,
        fingerprint: str | None = None,
        source: str | None = None,
        before: int | None = None,
    ) -> Iterator[Summary]:
        """As `archived_rows`, as `Summary` records: what "earlier incidents like this one" and
        the postmortem read, with `get(id)` for the whole of one."""
        rows = self.archived_rows(since, fingerprint=fingerprint, source=source, before=before)
        for row in rows:
            yield summary_from_dict(row)

    def history_rows(self, since: datetime | None = None) -> Iterator[dict[str, Any]]:
        """Every incident as a summary row: unclosed ones first, then closed newest first."""
        for incident in reversed(self.unclosed()):
            if since is None or incident.created_at >= since:
                yield summary_row(incident_to_dict(incident))
        yield from self.archived_rows(since)

    def list(self, states: Iterable[State] | None = None) -> list[Incident]:
        wanted = set(states) if states is not None else set(State)
        result = [i for i in self.unclosed() if i.state in wanted]
        if State.CLOSED in wanted:
            result.extend(self.archived())
        return sorted(result, key=lambda i: i.id)

    def history(self, since: datetime | None = None) -> Iterator[Summary]:
        """As `history_rows`, as `Summary` records."""
        for row in self.history_rows(since):
            yield summary_from_dict(row)

    def page(
        self,
        states: Iterable[State] | None = None,
        *,
        limit: int | None = None,
        since: datetime | None = None,
        before: int | None = None,
    ) -> list[Incident]:
        """The newest `limit` incidents in `states` (opened at or after `since`, ids below
        `before`), by id. Closed ones are picked from the summaries of the months that can
        hold them (a month whose highest id is below the page is not read) and only the
        archive months holding the page are read whole."""
        wanted = set(states) if states is not None else set(State)
        live = self._live()
        picked = [
            (i.id, None)
            for i in live.values()
            if i.state in wanted
            and (since is None or i.created_at >= since)
            and (before is None or i.id < before)
        ]
        if State.CLOSED in wanted:
            picked.extend(self._closed_page(limit, since, before, {p[0] for p in picked}, live))
        picked.sort(reverse=True)
        if limit is not None:
            picked = picked[:limit]
        result = [live[i] for i, month in picked if month is None]
        by_month: dict[str, list[int]] = {}
        for incident_id, month in picked:
            if month is not None:
                by_month.setdefault(month, []).append(incident_id)
        for month, ids in by_month.items():
            path = self.archive_path(month)
            records = (read_json(path) or {}).get(INCIDENTS, {})
            for i in ids:
                if str(i) in records:
                    result.append(decode_incident(path, str(i), records[str(i)]))
        return sorted(result, key=lambda i: i.id)

    def _closed_page(
        self,
        limit: int | None,
        since: datetime | None,
        before: int | None,
        taken: set[int],
        live: dict[int, Incident],
    ) -> list[tuple[int, str]]:
        floor = since.strftime("%Y-%m") if since is not None else ""
        found: list[tuple[int, str]] = []
        seen = set(live) | taken
        for header in sorted(self.summaries.headers(), key=lambda h: h.max_id, reverse=True):
            if header.month[:7] < floor:
                continue
            if limit is not None and len(found) >= limit:
                found.sort(reverse=True)
                del found[limit:]
                if header.max_id < found[-1][0]:
                    break  # every later month's ids are lower still: none can make the page
            limit_at = since.timestamp() if since is not None else None
            for row in self.summaries.rows(header.month):
                incident_id = row["id"]
                if incident_id in seen or (before is not None and incident_id >= before):
                    continue
                if limit_at is not None and row["epochs"][0] < limit_at:
                    continue
                seen.add(incident_id)
                found.append((incident_id, header.month))
        return found

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
