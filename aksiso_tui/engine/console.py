"""The headless console view of a run (Rich): a live step table on a terminal, lines otherwise.

On a terminal it draws a live table (status icon or spinner, step, elapsed time, the ARM operation
or latest progress) with an overall progress bar and ETA, redrawn a few times a second. When stdout
is not a terminal (CI logs, pipes) it prints one plain line per event instead. Either way the run
ends with a summary panel: created, unchanged, failed (code, message, fix), skipped because of what,
operations still running in Azure, and what to do next. Every event is redacted before it is shown.

This is the only engine module that imports Rich.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from aksiso_tui.engine.events import (
    Event,
    RunFinished,
    RunStarted,
    RunStatus,
    StepFinished,
    StepLog,
    StepOperation,
    StepProgress,
    StepStarted,
    StepStatus,
    redacted,
)
from aksiso_tui.engine.tracker import RunTracker, StepRow

ICONS: dict[StepStatus | None, tuple[str, str]] = {
    StepStatus.SUCCEEDED: ("✓", "green"),
    StepStatus.UNCHANGED: ("=", "cyan"),
    StepStatus.FAILED: ("✗", "bold red"),
    StepStatus.SKIPPED: ("-", "yellow"),
    StepStatus.CANCELLED: ("⊘", "magenta"),
    None: ("·", "dim"),
}
RUN_STYLE = {RunStatus.SUCCEEDED: "green", RunStatus.FAILED: "red", RunStatus.CANCELLED: "magenta"}


def fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def short_operation(operation: str) -> str:
    """`PUT /subscriptions/.../virtualNetworks/vnet-spoke` -> `PUT …/virtualNetworks/vnet-spoke`."""
    verb, _, rest = operation.partition(" ")
    parts = rest.split("/")
    if rest.startswith("/subscriptions/") and len(parts) > 4:
        rest = "…/" + "/".join(parts[-2:])
    return f"{verb} {rest}".strip()


class ConsoleView:
    """Subscriber drawing the run on a Rich console."""

    def __init__(
        self,
        console: Console | None = None,
        *,
        live: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        refresh_per_second: float = 8,
    ) -> None:
        self.console = console or Console()
        self.live = self.console.is_terminal if live is None else live
        self.tracker = RunTracker(clock)
        self.refresh_per_second = refresh_per_second
        self._live: Live | None = None
        self._last_progress: dict[str, str] = {}

    def __call__(self, event: Event) -> None:
        event = redacted(event)
        self.tracker.apply(event)
        if isinstance(event, RunStarted):
            self._print_start(event)
            if self.live:
                self._live = Live(
                    self,
                    console=self.console,
                    refresh_per_second=self.refresh_per_second,
                    transient=False,
                )
                self._live.start()
        elif isinstance(event, RunFinished):
            if self._live is not None:
                self._live.refresh()
                self._live.stop()
                self._live = None
            self.console.print(self.summary_panel(event))
        elif not self.live:
            self._print_line(event)

    def __rich__(self) -> RenderableType:
        return self.render()

    # -- plain lines --------------------------------------------------------------------
    def _print_start(self, event: RunStarted) -> None:
        verb = "Resuming" if event.resumed else "Starting"
        where = f" on {event.target}" if event.target else ""
        text = Text(f"{verb} run {event.run_id}{where}: {len(event.plan_steps)} steps")
        text.append(f" (concurrency {event.concurrency})", style="dim")
        self.console.print(text)

    def _stamp(self) -> Text:
        return Text(f"[{fmt_duration(self.tracker.elapsed_s()):>7}] ", style="dim")

    def _print_line(self, event: Event) -> None:
        line = self._stamp()
        sid = getattr(event, "step_id", "")
        if isinstance(event, StepStarted):
            again = f" (attempt {event.attempt})" if event.attempt > 1 else ""
            line.append(f"▶ {sid}{again}: ", style="bold")
            line.append(event.operation)
        elif isinstance(event, StepOperation):
            line.append(f"→ {sid}: {event.operation}")
        elif isinstance(event, StepProgress):
            pct = f" ({event.fraction:.0%})" if event.fraction is not None else ""
            text = f"{event.message}{pct}"
            if self._last_progress.get(sid) == text:
                return
            self._last_progress[sid] = text
            line.append(f"… {sid}: {text}", style="dim")
        elif isinstance(event, StepLog):
            style = (
                "yellow" if event.level == "warning" else "red" if event.level == "error" else ""
            )
            line.append(f"! {sid}: {event.message}", style=style)
        elif isinstance(event, StepFinished):
            icon, style = ICONS[event.status]
            line.append(f"{icon} {sid} {event.status.value}", style=style)
            if event.status.ok or event.status is StepStatus.FAILED:
                line.append(f" in {fmt_duration(event.duration_s)}")
            if event.error is not None:
                line.append(f": ({event.error.code}) {event.error.message}")
            elif event.reason:
                line.append(f": {event.reason}")
        else:
            return
        self.console.print(line)

    # -- live view ----------------------------------------------------------------------
    def _status_cell(self, row: StepRow) -> RenderableType:
        if row.running:
            return Spinner("dots", style="blue")
        icon, style = ICONS[row.status]
        return Text(icon, style=style)

    def _detail(self, row: StepRow) -> Text:
        if row.error is not None:
            return Text(f"({row.error.code}) {row.error.message}", style="red")
        if row.reason:
            return Text(row.reason, style="yellow")
        text = Text(short_operation(row.operation), style="dim" if row.status else "")
        if row.running and row.message:
            pct = f" {row.fraction:.0%}" if row.fraction is not None else ""
            text.append(f"  {row.message}{pct}", style="italic")
        if row.attempt > 1:
            text.append(f"  (attempt {row.attempt})", style="yellow")
        return text

    def render(self) -> RenderableType:
        """The live table plus the overall progress line."""
        tracker = self.tracker
        now = tracker.clock()
        table = Table(expand=True, show_edge=False, pad_edge=False, box=None)
        table.add_column("", width=2, no_wrap=True)
        table.add_column("step", ratio=2, no_wrap=True, overflow="ellipsis")
        table.add_column("time", justify="right", width=8, no_wrap=True)
        table.add_column("operation", ratio=3, no_wrap=True, overflow="ellipsis")
        for row in tracker.rows.values():
            step = Text(row.step.title)
            step.append(f"  {row.step.id}", style="dim")
            elapsed = fmt_duration(row.elapsed(now)) if row.attempt else ""
            table.add_row(self._status_cell(row), step, elapsed, self._detail(row))
        done, total = tracker.done_count(), len(tracker.rows)
        fraction = tracker.fraction()
        footer = Table.grid(expand=True, padding=(0, 1))
        footer.add_column(ratio=1)
        footer.add_column(no_wrap=True)
        eta = "" if tracker.finished else f" · ETA ~{fmt_duration(tracker.eta_s())}"
        footer.add_row(
            ProgressBar(total=1.0, completed=fraction),
            Text(
                f"{done}/{total} steps · {fraction:.0%} · "
                f"elapsed {fmt_duration(tracker.elapsed_s())}{eta}"
            ),
        )
        return Group(table, footer)

    # -- summary ------------------------------------------------------------------------
    def _title(self, step_id: str) -> str:
        row = self.tracker.rows.get(step_id)
        return row.step.title if row else step_id

    def summary_panel(self, event: RunFinished) -> Panel:
        s = event.summary
        body = Text()

        def section(title: str, style: str, lines: list[tuple[str, Any]]) -> None:
            if not lines:
                return
            body.append(f"{title} ({len(lines)})\n", style=f"bold {style}")
            for head, tail in lines:
                body.append(f"  {head}\n")
                for extra in tail:
                    body.append(f"      {extra}\n", style="dim")

        section("Created or changed", "green", [(f"{i}  {self._title(i)}", ()) for i in s.created])
        section("Unchanged", "cyan", [(f"{i}  {self._title(i)}", ()) for i in s.unchanged])
        section(
            "Failed",
            "red",
            [
                (
                    f"{f.step_id}  {f.title}",
                    [f"({f.code}) {f.message}"] + [f"fix: {f.fix}"] * bool(f.fix),
                )
                for f in s.failed
            ],
        )
        section("Skipped", "yellow", [(f"{k.step_id}  because {k.reason}", ()) for k in s.skipped])
        section("Cancelled", "magenta", [(i, ()) for i in s.cancelled])
        section(
            "Still running in Azure",
            "magenta",
            [(f"{f.step_id}  {f.operation}", ()) for f in s.in_flight],
        )
        if s.next_steps:
            body.append("Next\n", style="bold")
            for line in s.next_steps:
                body.append(f"  • {line}\n")
        body.rstrip()
        title = f"Run {event.run_id} {event.status.value} in {fmt_duration(event.duration_s)}"
        if event.reason:
            title += f" ({event.reason})"
        return Panel(body, title=title, title_align="left", border_style=RUN_STYLE[event.status])
