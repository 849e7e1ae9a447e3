"""What every report is made of: tables of figures, each with the chart drawn from it, the date
it counts by, and its CSV. The page and the CSV write the same cells (`Table.cells`), so the
download is the table."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

# How a column's figures are written.
TEXT, COUNT, SHARE, HOURS, DAYS = "text", "count", "share", "hours", "days"
NO_FIGURE = "—"  # a share of nothing, an average of no values

Value = str | int | float | None


@dataclass(frozen=True)
class Column:
    label: str
    format: str = COUNT
    charted: bool = False  # drawn on the table's chart

    def write(self, value: Value) -> str:
        if value is None:
            return NO_FIGURE
        if self.format == TEXT:
            return str(value)
        if self.format == SHARE:
            return f"{value * 100:.1f}%"
        if self.format in (HOURS, DAYS):
            return f"{value:.1f}"
        return str(int(value))

    def plotted(self, value: Value) -> float | None:
        """The number the chart draws: shares in per cent."""
        if value is None or isinstance(value, str):
            return None
        return round(value * 100, 1) if self.format == SHARE else round(float(value), 2)


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar", "line", or "heat" (the table itself, shaded)
    stacked: bool = False
    horizontal: bool = False
    y_label: str = ""


@dataclass
class Table:
    """One figure of a report. The first column heads each row."""

    slug: str
    title: str
    counts_by: str  # the sentence saying which date a row counts by
    columns: list[Column]
    rows: list[list[Value]]
    chart: Chart | None = None
    note: str = ""

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.slug}"

    def header(self) -> list[str]:
        return [column.label for column in self.columns]

    def cells(self) -> list[list[str]]:
        return [
            [column.write(value) for column, value in zip(self.columns, row, strict=True)]
            for row in self.rows
        ]

    def body(self) -> list[tuple[str, list[tuple[str, int, bool]]]]:
        """Rows for the page: the row's heading, then each cell with its shade (0-5) on a heat
        map (0 elsewhere) and whether it is a number (set to the right)."""
        cells = self.cells()
        shades = self._shades()
        numeric = [column.format != TEXT for column in self.columns[1:]]
        return [
            (row[0], list(zip(row[1:], shade, numeric, strict=True)))
            for row, shade in zip(cells, shades, strict=True)
        ]

    def head(self) -> list[tuple[str, bool]]:
        """Each column's label, and whether its figures are numbers."""
        return [(column.label, column.format != TEXT) for column in self.columns]

    def _shades(self) -> list[list[int]]:
        width = len(self.columns) - 1
        if self.chart is None or self.chart.kind != "heat":
            return [[0] * width for _ in self.rows]
        numbers = [v for row in self.rows for v in row[1:] if isinstance(v, int | float)]
        top = max(numbers, default=0) or 1
        return [
            [-(-5 * int(v) // int(top)) if isinstance(v, int | float) and v else 0 for v in row[1:]]
            for row in self.rows
        ]

    def chart_data(self) -> dict[str, Any] | None:
        """What static/js/reports.js draws: labels, one series per charted column."""
        if self.chart is None or self.chart.kind == "heat" or not self.rows:
            return None
        return {
            "type": self.chart.kind,
            "stacked": self.chart.stacked,
            "horizontal": self.chart.horizontal,
            "share": all(c.format == SHARE for c in self.columns if c.charted),
            "yLabel": self.chart.y_label,
            "labels": [self.columns[0].write(row[0]) for row in self.rows],
            "series": [
                {"label": column.label, "data": [column.plotted(row[i]) for row in self.rows]}
                for i, column in enumerate(self.columns)
                if column.charted
            ],
        }

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([spreadsheet_safe(cell) for cell in self.header()])
        for row in self.cells():
            writer.writerow([spreadsheet_safe(cell) for cell in row])
        return out.getvalue()


def spreadsheet_safe(value: str) -> str:
    """A spreadsheet runs a cell that starts like a formula; a resource's name must not (as the
    audit log's CSV)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def share(part: float | None, whole: float | None) -> float | None:
    """part / whole, or None (no figure) when there is nothing to divide by."""
    if part is None or not whole:
        return None
    return part / whole


@dataclass
class Report:
    slug: str
    title: str
    intro: str
    tables: list[Table]
    summary: list[tuple[str, str]] = field(default_factory=list)  # (figure, value) up top

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.slug == slug), None)
