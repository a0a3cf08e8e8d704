"""Pick a journaled run to resume: a ModalScreen that returns the run id (or None)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from aksiso_tui.commands.wizard_backend import RunChoice, journaled_runs

STATUS_STYLE = {
    "succeeded": "green",
    "failed": "red",
    "cancelled": "yellow",
    "interrupted": "yellow",
}


def describe(run: RunChoice) -> Text:
    text = Text()
    text.append(run.run_id, style="bold")
    text.append(f"  {run.status}", style=STATUS_STYLE.get(run.status, ""))
    text.append(f"  on {run.target or 'Azure'}", style="dim")
    if not run.has_answers:
        text.append("  (aksiso apply: resume needs its config)", style="dim")
    return text


class RunsScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, runs: list[RunChoice] | None = None) -> None:
        super().__init__()
        self.runs = runs if runs is not None else journaled_runs()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label("Resume a run", classes="dialog-title")
            if self.runs:
                yield Static(
                    "Steps that finished are re-checked with a GET; the rest run again.",
                    classes="dialog-body",
                )
                yield OptionList(
                    *(Option(describe(r), id=r.run_id) for r in self.runs), id="run-list"
                )
            else:
                yield Static("No journaled runs yet.", classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        for runs in self.query("#run-list"):
            runs.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
