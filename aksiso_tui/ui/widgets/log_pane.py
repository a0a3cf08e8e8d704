"""The run's log: every step's events, or only the selected step's, newest at the bottom.

Memory is bounded twice: the pane keeps the last `KEEP` lines of the whole run (to re-filter when
the selection changes) and shows at most `max_lines`.
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import RichLog

KEEP = 4000
STYLES = {"debug": "dim", "info": "", "warning": "yellow", "error": "bold red"}


class LogPane(RichLog):
    step_filter: reactive[str] = reactive("")
    """Show only this step's lines ("" = every step)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, max_lines=400, wrap=True, markup=False, highlight=False)
        self.kept: deque[tuple[str, str, str]] = deque(maxlen=KEEP)
        self.pending: list[tuple[str, str, str]] = []

    def add(self, step_id: str, level: str, message: str) -> None:
        """Queue a line; `flush` writes the queued lines (once per frame, not per event)."""
        self.pending.append((step_id, level, message))

    def flush(self) -> None:
        if not self.pending:
            return
        lines, self.pending = self.pending, []
        self.kept.extend(lines)
        for line in lines[-self.max_lines :] if self.max_lines else lines:
            if not self.step_filter or line[0] == self.step_filter:
                self.write(self._format(line))

    def _format(self, line: tuple[str, str, str]) -> Text:
        step_id, level, message = line
        text = Text()
        if not self.step_filter:
            text.append(f"{step_id} ", style="dim")
        text.append(message, style=STYLES.get(level, ""))
        return text

    def watch_step_filter(self, _: str) -> None:
        self.clear()
        wanted = [line for line in self.kept if not self.step_filter or line[0] == self.step_filter]
        for line in wanted[-(self.max_lines or len(wanted)) :]:
            self.write(self._format(line))
        self.border_title = f"Log: {self.step_filter}" if self.step_filter else "Log: all steps"
