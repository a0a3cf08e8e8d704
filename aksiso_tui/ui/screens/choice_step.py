"""A step that is mostly one choice: option cards for a Spec field, explained by its docstring.

Registry, API server and outbound are such steps; they differ in their titles, which values are
unavailable right now, and what else a choice switches (a byo registry needs a custom VNet).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult

from aksiso_tui.ui.help import choice_help
from aksiso_tui.ui.screens.base import StepScreen
from aksiso_tui.ui.state import fit_network
from aksiso_tui.ui.widgets.choice_list import Choice, ChoiceList


class ChoiceStepScreen(StepScreen):
    FIELD: ClassVar[str] = ""
    """The Spec field the cards choose (`registry.mode`)."""
    TITLES: ClassVar[dict[str, str]] = {}
    """Card title per value, in display order."""

    def compose_body(self) -> ComposeResult:
        yield ChoiceList(self.FIELD, self.choices(), self.chosen(), id="choices")
        yield from self.compose_details()

    def compose_details(self) -> ComposeResult:
        yield from ()

    def chosen(self) -> str:
        value = self.draft.get(self.FIELD)
        return str(getattr(value, "value", value))

    def unavailable(self, value: str) -> str:
        """Why `value` cannot be chosen now ("" if it can)."""
        return ""

    def choices(self) -> list[Choice]:
        help_ = choice_help(self.FIELD)
        return [
            Choice(
                value,
                title,
                help_.values.get(value, ""),
                badge=help_.aside.get(value, "") if help_.aside.get(value) == "preview" else "",
                unavailable=self.unavailable(value),
            )
            for value, title in self.TITLES.items()
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ChoiceList).focus()
        self.show_details()

    def handle_edit(self, path: str, value: Any) -> None:
        super().handle_edit(path, value)
        if path == self.FIELD:
            changes = fit_network(self.draft)
            if changes:
                self.notify("\n".join(changes), title="Also changed")
            self.query_one(ChoiceList).update_choices(self.choices(), self.chosen())
            self.show_details()
            self.refresh_findings()

    def show_details(self) -> None:
        """Show or hide the fields that belong to the chosen value."""
