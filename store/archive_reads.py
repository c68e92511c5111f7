"""Reading closed incidents through the archive summaries, never loading an archive whole.

A mixin of `IncidentStore`: history and its pages, "what fixed it last time", summary rows for
stats and export. Each reads a month's summary (one line per incident) and decodes only the
incidents it picks from their archive part.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from onwatch.incidents import Incident, State
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.precedents import LIMIT, MIN_SIMILARITY, Precedent, Search, similarity
from onwatch.incidents.summary import Summary, summary_from_dict, summary_row
from onwatch.store.errors import StoreError
from onwatch.store.open_file import INCIDENTS, decode_incident
from onwatch.store.storage import read_json
from onwatch.store.summaries import Summaries
from onwatch.store.tinydb_file import records_in

SIMILAR_MONTHS = 24
"""How far back "what fixed it last time" looks: two years of archive months at most."""


def incidents_in(path: Path) -> dict[int, Incident]:
    return records_in(
        path,
        read_json(path),
        INCIDENTS,
        decode_incident,
        what="an onwatch store",
        record="incident",
    )


class ArchiveReads:
    """What `IncidentStore` provides to these reads."""

    summaries: Summaries

    def _live(self) -> dict[int, Incident]:
        raise NotImplementedError

    def unclosed(self) -> list[Incident]:
        raise NotImplementedError

    def archive_months(self) -> list[str]:
        raise NotImplementedError

    def archive_path(self, key: str) -> Path:
        raise NotImplementedError

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
                header = self.summaries.header(key)
                if not header.opened_by(opened):
                    continue  # archived later, and opened later too: nothing came before
                rows = self.summaries.rows(key, source=incident.source, header=header)
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
            header = None
            if before is not None:
                header = self.summaries.header(month)
                if not header.ids or header.ids[0][0] >= before:
                    continue
            rows = self.summaries.rows(month, fingerprint=fingerprint, source=source, header=header)
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
            for row in self.summaries.rows(header.month, header=header):
                incident_id = row["id"]
                if incident_id in seen or (before is not None and incident_id >= before):
                    continue
                if limit_at is not None and row["epochs"][0] < limit_at:
                    continue
                seen.add(incident_id)
                found.append((incident_id, header.month))
        return found
