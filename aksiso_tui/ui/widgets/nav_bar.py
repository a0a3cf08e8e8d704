"""The bottom bar of every step: Back, why Next is blocked (if it is), and Next or the screen's
own buttons."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Button, Label


class NavBar(Horizontal):
    """`[Back]  reason Next is blocked  [extra buttons] [Next]`.

    Buttons post the usual `Button.Pressed`; the screen maps their ids to actions.
    """

    blocked: reactive[str] = reactive("")

    def __init__(
        self,
        *,
        back: bool = True,
        next_label: str | None = "Next ›",
        extra: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__()
        self._back = back
        self._next_label = next_label
        self._extra = extra

    def compose(self) -> ComposeResult:
        if self._back:
            yield Button("‹ Back", id="nav-back", compact=True)
        yield Label("", id="nav-status")
        for button_id, label in self._extra:
            yield Button(label, id=button_id, compact=True)
        if self._next_label:
            yield Button(self._next_label, id="nav-next", variant="primary", compact=True)

    def watch_blocked(self, blocked: str) -> None:
        self.query_one("#nav-status", Label).update(f"✖ {blocked}" if blocked else "")
        for button in self.query("#nav-next"):
            button.disabled = bool(blocked)
