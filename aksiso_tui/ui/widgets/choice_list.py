"""Option cards for one choice field: each value with what it means and what it costs.

An OptionList whose options are small cards — a title, an optional badge (`preview`), the
explanation taken from the Spec's docstring, and, for a value that cannot apply right now, why.
Arrow keys move, Enter or a click chooses; the chosen card carries a filled marker.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual import on
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from aksiso_tui.ui.messages import FieldEdited


@dataclass(frozen=True)
class Choice:
    value: str
    title: str
    explanation: str = ""
    badge: str = ""
    unavailable: str = ""
    """Why this value cannot be chosen now (empty: it can)."""


class ChoiceList(OptionList):
    """Cards for the values of the Spec field `path`; posts `FieldEdited` when one is chosen."""

    def __init__(
        self,
        path: str,
        choices: list[Choice],
        chosen: str | None,
        *,
        id: str | None = None,
    ) -> None:
        self.path = path
        self.choices = choices
        self.chosen = chosen
        super().__init__(*self._cards(), id=id)

    def _card(self, choice: Choice) -> Group:
        selected = choice.value == self.chosen
        head = Text()
        head.append("◉ " if selected else "○ ", style="bold" if selected else "")
        head.append(choice.title, style="bold")
        if choice.badge:
            head.append(f"  {choice.badge} ", style="reverse yellow")
        parts: list[Text | Padding] = [head]
        if choice.explanation:
            parts.append(Padding(Text(choice.explanation, style="dim"), (0, 0, 0, 2)))
        if choice.unavailable:
            parts.append(
                Padding(Text(f"Not available: {choice.unavailable}", style="red"), (0, 0, 0, 2))
            )
        return Group(*parts)

    def _cards(self) -> list[Option | None]:
        options: list[Option | None] = []
        for index, choice in enumerate(self.choices):
            if index:
                options.append(None)
            options.append(
                Option(self._card(choice), id=choice.value, disabled=bool(choice.unavailable))
            )
        return options

    def on_mount(self) -> None:
        ids = [c.value for c in self.choices]
        if self.chosen in ids:
            self.highlighted = self.get_option_index(str(self.chosen))

    def update_choices(self, choices: list[Choice], chosen: str | None) -> None:
        """Redraw the cards (availability or the chosen value changed elsewhere)."""
        highlighted = self.highlighted
        self.choices = choices
        self.chosen = chosen
        self.set_options(self._cards())
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted

    def choose(self, value: str) -> None:
        choice = next((c for c in self.choices if c.value == value), None)
        if choice is None or choice.unavailable:
            return
        self.update_choices(self.choices, value)
        self.highlighted = self.get_option_index(value)
        self.post_message(FieldEdited(self.path, value))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            self.choose(event.option_id)
