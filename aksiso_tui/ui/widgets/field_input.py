"""One Spec field as a labelled one-line input, with its findings right under it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Input, Label, Static

from aksiso_tui.findings import Finding
from aksiso_tui.ui.messages import FieldEdited
from aksiso_tui.ui.widgets.findings_view import findings_text


class FieldInput(Vertical):
    """`label  [value____________]  note`, then the field's findings.

    Posts `FieldEdited(path, value)` on every keystroke; the screen puts the value into the Spec
    and sets `findings` back. `note` is a short status after the input (e.g. "✓ available").
    """

    findings: reactive[tuple[Finding, ...]] = reactive(())
    note: reactive[Text | str] = reactive("")

    def __init__(
        self,
        path: str,
        label: str,
        value: str | None,
        *,
        placeholder: str = "",
        restrict: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.path = path
        self.label = label
        self._value = "" if value is None else str(value)
        self._placeholder = placeholder
        self._restrict = restrict

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self.label, classes="field-label")
            yield Input(
                self._value,
                placeholder=self._placeholder,
                restrict=self._restrict,
                compact=True,
                select_on_focus=False,
                id=f"input-{self.path.replace('.', '-')}",
            )
            yield Label("", classes="field-note")
        yield Static("", classes="field-findings")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    def set_value(self, value: str | None) -> None:
        """Show a value that changed elsewhere (picked from a list, restored from the Spec)."""
        text = "" if value is None else str(value)
        if self.input.value != text:
            self.input.value = text

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(FieldEdited(self.path, event.value))

    def watch_findings(self, findings: tuple[Finding, ...]) -> None:
        box = self.query_one(".field-findings", Static)
        box.display = bool(findings)
        box.update(findings_text(findings))
        self.set_class(any(f.severity == "error" for f in findings), "-invalid")

    def watch_note(self, note: Text | str) -> None:
        self.query_one(".field-note", Label).update(note)
