"""The one-line header: the app's name, the current step, where live data comes from, and the
DEMO badge when running on the emulator."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label


class WizardHeader(Horizontal):
    def __init__(self, step_title: str, source: str, demo: bool) -> None:
        super().__init__()
        self.step_title = step_title
        self.source = source
        self.demo = demo

    def compose(self) -> ComposeResult:
        yield Label("◆ aksiso", id="header-title")
        yield Label(self.step_title, id="header-step")
        yield Label(f"data: {self.source}", id="header-source")
        if self.demo:
            yield Label(" DEMO ", id="header-demo")
