"""The selected step in full: its ARM operation and resource, and for a failure Azure's error code,
message and the suggested fix (for a skip or cancel: why, and what may still run in Azure)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from aksiso_tui.engine import StepRow
from aksiso_tui.ui import run_view


def describe(row: StepRow) -> Group:
    state = run_view.state_of(row)
    head = Text()
    head.append_text(run_view.icon(row))
    head.append(f" {row.step.title}", style="bold")
    head.append(f"  {row.step.id} · {state}", style="dim")
    if row.attempt > 1:
        head.append(f" · attempt {row.attempt}", style="dim")
    parts: list[Text | Table] = [head]
    if row.error is not None:
        error = Text()
        error.append(row.error.code, style="bold red")
        error.append(f": {row.error.message}")
        parts.append(error)
        if row.error.fix:
            fix = Text("Fix: ", style="bold green")
            fix.append(row.error.fix)
            parts.append(fix)
    elif row.reason:
        parts.append(Text(row.reason, style="yellow"))
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column(overflow="fold")
    if row.operation:
        label = "may still run" if state == "cancelled" else "operation"
        facts.add_row(label, row.operation)
    else:
        facts.add_row("resource", row.step.resource_id)
    parts.append(facts)
    return Group(*parts)


class FailureDetail(Static):
    """Shows `describe(row)` for the step under the table's cursor."""

    def show_row(self, row: StepRow | None) -> None:
        self.set_class(row is not None and row.error is not None, "-failed")
        self.update(describe(row) if row is not None else "")
