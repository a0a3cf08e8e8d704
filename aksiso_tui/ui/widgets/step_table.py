"""Every step of a run as one row: status icon, step, elapsed time, ARM operation, outcome.

The panel tells it which rows changed (`show`); it rewrites only those cells, so a run of 40 steps
with 8 running costs a handful of cell updates per frame however many events arrive.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import DataTable

from aksiso_tui.engine import StepRow
from aksiso_tui.ui import run_view

COLUMNS = (("", "icon", 1), ("Step", "step", 28), ("Time", "time", 5), ("Operation", "op", 30))
OUTCOME_WIDTH = 20


class StepTable(DataTable[Text | str]):
    """A DataTable keyed by step id; its cursor picks the step the log and detail show."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)

    def set_steps(self, rows: Iterable[StepRow], now: float) -> None:
        self.clear(columns=True)
        for label, key, width in COLUMNS:
            self.add_column(label, key=key, width=width)
        self.add_column("Outcome", key="outcome", width=OUTCOME_WIDTH)
        for row in rows:
            self.add_row(*self._cells(row, now), key=row.step.id)

    def _cells(self, row: StepRow, now: float) -> tuple[Text | str, ...]:
        return (
            run_view.icon(row),
            Text(row.step.id, overflow="ellipsis", no_wrap=True),
            run_view.clock(row.elapsed(now)),
            Text(run_view.short_operation(row.operation, 30), style="dim", no_wrap=True),
            run_view.outcome(row),
        )

    def show(self, rows: Iterable[StepRow], now: float) -> None:
        """Rewrite the cells of `rows`."""
        for row in rows:
            key = row.step.id
            if key not in self.rows:
                continue
            for (_, column, _), value in zip(COLUMNS, self._cells(row, now)[:4], strict=True):
                self.update_cell(key, column, value)
            self.update_cell(key, "outcome", run_view.outcome(row))

    def select(self, step_id: str) -> None:
        if step_id in self.rows:
            self.move_cursor(row=self.get_row_index(step_id))

    def on_resize(self) -> None:
        # A cursor moved before the table had a size (a run that ended before the first layout,
        # e.g. a resumed run with nothing left to do) did not scroll; neither does a cursor
        # pushed out of view by a smaller terminal. Bring it back into view.
        if self.row_count:
            self.move_cursor(row=self.cursor_row, animate=False)
