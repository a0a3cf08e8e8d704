"""A field whose value can be typed or picked from a live, type-to-filter list.

The list comes from a loader the screen supplies (which asks the app's `ArmCatalog`); it runs in
a worker, shows "loading…" meanwhile, and an inline error if it fails — the field stays a plain
input, so the wizard works offline. The list shows while the field has focus; Down moves into it,
Enter picks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from aksiso_tui.findings import Finding
from aksiso_tui.ui.messages import FieldEdited
from aksiso_tui.ui.widgets.findings_view import findings_text


@dataclass(frozen=True)
class PickItem:
    value: str
    """What goes into the field."""
    label: str = ""
    """Shown next to the value (a display name, a size)."""
    disabled: str = ""
    """Why it cannot be picked (e.g. a Kubernetes version below 1.30)."""
    payload: Any = None
    """Anything the screen wants back when the item is picked (a VnetInfo)."""


Loader = Callable[[], Awaitable[list[PickItem]]]


class PickerInput(Input):
    BINDINGS = [Binding("down", "into_list", "Pick from the list", show=False)]

    def action_into_list(self) -> None:
        picker = next(a for a in self.ancestors if isinstance(a, LivePicker))
        picker.focus_list()


class LivePicker(Vertical):
    """`label  [value____]  status`, a filtered list of live values, and the field's findings."""

    class Picked(Message):
        """An item was picked from the list (the value is also posted as `FieldEdited`)."""

        def __init__(self, picker: LivePicker, item: PickItem) -> None:
            super().__init__()
            self.picker = picker
            self.item = item

        @property
        def control(self) -> LivePicker:
            return self.picker

    findings: reactive[tuple[Finding, ...]] = reactive(())
    status: reactive[Text | str] = reactive("")

    def __init__(
        self,
        path: str,
        label: str,
        value: str | None,
        *,
        loader: Loader | None = None,
        placeholder: str = "",
        empty_note: str = "none found",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.empty_note = empty_note
        self.path = path
        self.label = label
        self._value = value or ""
        self._placeholder = placeholder
        self.loader = loader
        self.items: list[PickItem] = []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self.label, classes="field-label")
            yield PickerInput(
                self._value,
                placeholder=self._placeholder,
                compact=True,
                select_on_focus=False,
                id=f"input-{self.path.replace('.', '-')}",
            )
            yield Label("", classes="field-note")
        yield OptionList(compact=True, classes="picker-list")
        yield Static("", classes="field-findings")

    def on_mount(self) -> None:
        if self.loader is not None:
            self.reload()

    @property
    def input(self) -> Input:
        return self.query_one(PickerInput)

    @property
    def option_list(self) -> OptionList:
        return self.query_one(".picker-list", OptionList)

    def reload(self, loader: Loader | None = None) -> None:
        """(Re)load the list, e.g. resource groups after the subscription changed."""
        if loader is not None:
            self.loader = loader
        if self.loader is not None:
            self._load(self.loader)

    @work(exclusive=True, group="picker-load")
    async def _load(self, loader: Loader) -> None:
        self.status = Text("loading…", style="dim")
        try:
            items = await loader()
        except Exception as exc:  # any failure: say so, keep the field typeable
            self.items = []
            self.status = Text(f"⚠ {_short(exc)}", style="yellow")
            self._filter()
            return
        self.items = items
        self.status = Text(f"{len(items)} found" if items else self.empty_note, style="dim")
        self._filter()

    def _filter(self) -> None:
        needle = self.input.value.strip().lower()
        shown = [
            item
            for item in self.items
            if not needle or needle in item.value.lower() or needle in item.label.lower()
        ]
        if len(shown) == 1 and shown[0].value.lower() == needle:
            shown = list(self.items)  # a picked value: offer the others too
        options = []
        for item in shown:
            prompt = Text(item.value)
            if item.label:
                prompt.append(f"  {item.label}", style="dim")
            if item.disabled:
                prompt.append(f"  ({item.disabled})", style="italic")
            options.append(
                Option(prompt, id=str(self.items.index(item)), disabled=bool(item.disabled))
            )
        self.option_list.set_options(options)
        self.set_class(bool(options), "-has-items")

    def focus_list(self) -> None:
        if self.option_list.option_count:
            self.option_list.focus()
            if self.option_list.highlighted is None:
                self.option_list.action_first()

    def set_value(self, value: str | None) -> None:
        text = value or ""
        if self.input.value != text:
            self.input.value = text

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        event.stop()
        self._filter()
        self.post_message(FieldEdited(self.path, event.value))

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is None:
            return
        item = self.items[int(event.option_id)]
        self.set_value(item.value)
        self.post_message(self.Picked(self, item))
        self.input.focus()
        self.screen.focus_next()

    def watch_findings(self, findings: tuple[Finding, ...]) -> None:
        box = self.query_one(".field-findings", Static)
        box.display = bool(findings)
        box.update(findings_text(findings))
        self.set_class(any(f.severity == "error" for f in findings), "-invalid")

    def watch_status(self, status: Text | str) -> None:
        self.query_one(".field-note", Label).update(status)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 60 else text[:57] + "…"
