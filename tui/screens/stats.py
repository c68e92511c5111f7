"""The stats screen: what the history says, counted, with incidents per day as a chart."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Sparkline, Static

from onwatch.engine.api import Unavailable
from onwatch.incidents.timefmt import format_duration

if TYPE_CHECKING:
    from onwatch.tui.app import OnwatchApp

RANGES: tuple[tuple[str, timedelta | None], ...] = (
    ("30 days", timedelta(days=30)),
    ("7 days", timedelta(days=7)),
    ("90 days", timedelta(days=90)),
    ("365 days", timedelta(days=365)),
    ("all time", None),
)
TABLE_ROWS = 10


class StatsScreen(Screen[None]):
    BINDINGS: ClassVar = [
        Binding("escape,S", "app.pop_screen", "Back", tooltip="Back to the incidents", id="stats-back"),
        Binding("f", "cycle_range", "Range", tooltip="Stats over 30, 7, 90 or 365 days, or all time", id="stats-range"),
        Binding("d", "toggle_drills", "Drills", tooltip="Count drills too, or leave them out", id="stats-drills"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.range_index = 0
        self.include_drills = False
        self.figures: dict[str, Any] | None = None

    @property
    def console(self) -> OnwatchApp:
        return cast("OnwatchApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("Stats: loading", id="stats-title", classes="section-title")
        with VerticalScroll(id="stats"):
            yield Static("Incidents per day", classes="section-title")
            yield Sparkline([], id="stats-per-day")
            yield Static("", id="stats-days")
            with Horizontal(classes="stats-row"):
                yield _table("stats-severity", "severity", "incidents")
                yield _table("stats-category", "category", "incidents")
                yield _table("stats-source", "source", "incidents")
            with Horizontal(classes="stats-row"):
                yield _table("stats-times", "", "count", "median", "p90")
                yield _table("stats-noisy", "noisiest check", "incidents")
                yield _table("stats-flapping", "flapping check", "flapping", "reopens")
            yield Static("", id="stats-feedback")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def action_cycle_range(self) -> None:
        self.range_index = (self.range_index + 1) % len(RANGES)
        self.load()

    def action_toggle_drills(self) -> None:
        self.include_drills = not self.include_drills
        self.load()

    @property
    def range_label(self) -> str:
        return RANGES[self.range_index][0]

    @work(exclusive=True, group="stats", exit_on_error=False)
    async def load(self) -> None:
        label, since = RANGES[self.range_index]
        self.query_one("#stats-title", Static).update(f"Stats over {label}: loading")
        try:
            figures = await self.console.backend.stats(since, include_drills=self.include_drills)
        except Unavailable as exc:
            self.query_one("#stats-title", Static).update(f"Stats over {label}: not loaded")
            self.notify(str(exc), title="stats not loaded", severity="error")
            return
        self.show(figures)

    def show(self, figures: dict[str, Any]) -> None:
        self.figures = figures
        drills = ", drills included" if figures.get("drills_included") else ""
        self.query_one("#stats-title", Static).update(
            f"Stats over {self.range_label}: {figures['total']} incidents{drills}"
        )
        days = figures["per_day"]
        self.query_one("#stats-per-day", Sparkline).data = [d["incidents"] for d in days]
        span = f"{days[0]['day']} to {days[-1]['day']}" if days else "no incidents"
        peak = max((d["incidents"] for d in days), default=0)
        self.query_one("#stats-days", Static).update(f"{span}, busiest day {peak}")
        for key, table in (
            ("by_severity", "#stats-severity"),
            ("by_category", "#stats-category"),
            ("by_source", "#stats-source"),
        ):
            rows = list(figures[key].items())[:TABLE_ROWS]
            _fill(self.query_one(table, DataTable), [(k, str(v)) for k, v in rows])
        times = []
        for label, key in (
            ("to acknowledge", "time_to_acknowledge"),
            ("to resolve", "time_to_resolve"),
        ):
            d = figures[key]
            times.append((label, str(d["count"]), _duration(d["median_s"]), _duration(d["p90_s"])))
        _fill(self.query_one("#stats-times", DataTable), times)
        noisy = [
            (f"{n['source']} {n['check']}", str(n["incidents"])) for n in figures["noisiest_checks"]
        ]
        _fill(self.query_one("#stats-noisy", DataTable), noisy[:TABLE_ROWS])
        flapping = [
            (f"{f['source']} {f['check']}", str(f["flapping"]), str(f["reopens"]))
            for f in figures["flapping_checks"]
        ]
        _fill(self.query_one("#stats-flapping", DataTable), flapping[:TABLE_ROWS])
        feedback = figures["feedback"]
        average = (
            "no ratings"
            if feedback["average"] is None
            else f"average {feedback['average']:.2f} / 5"
        )
        self.query_one("#stats-feedback", Static).update(
            f"Feedback: {feedback['count']} ratings, {average}"
        )


def _table(table_id: str, *columns: str) -> DataTable[str]:
    table: DataTable[str] = DataTable(id=table_id, cursor_type="none", zebra_stripes=True)
    table.add_columns(*columns)
    return table


def _fill(table: DataTable[str], rows: list[tuple[str, ...]]) -> None:
    # Whole tables replaced: a new range or the drills toggle changes every row at once.
    table.clear()
    for row in rows:
        table.add_row(*row)


def _duration(seconds: float | None) -> str:
    return "-" if seconds is None else format_duration(timedelta(seconds=seconds))
