"""The help for whatever field has focus: its docstring from the Spec."""

from __future__ import annotations

import sys

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

HELP_MODULE = "aksiso_tui.ui.help"


class HelpPanel(Static):
    """Shows `field_help(path)` for the focused field (STYLE habit 8: docstrings are the help).

    The help is read from the Spec's docstrings, which the first screen does not wait for: until
    the app has loaded them in the background, the panel stays empty and `show()` fills it later.
    """

    path: reactive[str] = reactive("")

    def watch_path(self, path: str) -> None:
        self.show()

    def show(self) -> None:
        path = self.path
        if HELP_MODULE not in sys.modules and not getattr(self.app, "core_ready", True):
            self.display = False
            return
        from aksiso_tui.ui.help import choice_help, field_help

        choice = choice_help(path) if path else None
        text = choice.intro if choice and choice.values else field_help(path) if path else ""
        self.display = bool(text)
        self.update(Text(" ".join(text.replace("`", "").split()), style="italic"))
