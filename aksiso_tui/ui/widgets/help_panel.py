"""The help for whatever field has focus: its docstring from the Spec."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from aksiso_tui.ui.help import choice_help, field_help


class HelpPanel(Static):
    """Shows `field_help(path)` for the focused field (STYLE habit 8: docstrings are the help)."""

    path: reactive[str] = reactive("")

    def watch_path(self, path: str) -> None:
        choice = choice_help(path) if path else None
        text = choice.intro if choice and choice.values else field_help(path) if path else ""
        self.display = bool(text)
        self.update(Text(" ".join(text.replace("`", "").split()), style="italic"))
