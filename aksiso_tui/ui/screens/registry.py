"""Step 3: where the nodes pull their bootstrap images — an AKS-managed registry, or your own
Premium ACR (whose name is checked for availability as you type)."""

from __future__ import annotations

import asyncio
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Label

from aksiso_tui.findings import Severity
from aksiso_tui.spec import RegistryMode
from aksiso_tui.ui.messages import FieldEdited
from aksiso_tui.ui.screens.choice_step import ChoiceStepScreen
from aksiso_tui.ui.widgets.field_input import FieldInput


class RegistryScreen(ChoiceStepScreen):
    STEP = "registry"
    TITLE = "Registry: where nodes get their images"
    PREFIXES = ("registry",)
    FIELD = "registry.mode"
    TITLES = {
        RegistryMode.MANAGED.value: "AKS-managed registry",
        RegistryMode.BYO.value: "Bring your own registry (Premium ACR)",
    }

    def compose_details(self) -> ComposeResult:
        with Vertical(id="byo"):
            yield Label("Your registry", classes="section-title")
            yield self.field(
                "registry.name", "Registry name", placeholder="derived from the cluster"
            )
            yield self.field("registry.private_endpoint_name", "Private endpoint")
            yield Checkbox(
                "Anonymous pull", bool(self.draft.spec.registry.anonymous_pull), id="anonymous"
            )

    def show_details(self) -> None:
        byo = self.draft.spec.registry.mode is RegistryMode.BYO
        self.query_one("#byo").display = byo
        if byo:
            self.sync_fields()
            self.check_name()

    def handle_edit(self, path: str, value: Any) -> None:
        if path == self.FIELD and value == RegistryMode.MANAGED.value:
            # A name typed for byo is kept aside (validate warns about a name with `managed`).
            self.draft.switch_off("registry.name")
            self.draft.switch_off("registry.private_endpoint_name")
        if path == self.FIELD and value == RegistryMode.BYO.value:
            super().handle_edit(path, value)
            self.draft.switch_on("registry.name")
            self.draft.switch_on("registry.private_endpoint_name")
            self.sync_fields()
            self.refresh_findings()
            return
        super().handle_edit(path, value)
        if path == "registry.name":
            self.check_name()

    def coerce(self, path: str, value: Any) -> Any:
        if path in ("registry.name", "registry.private_endpoint_name"):
            return str(value).strip() or None
        return value

    @on(Checkbox.Changed, "#anonymous")
    def _anonymous(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.post_message(FieldEdited("registry.anonymous_pull", event.value))

    def _name_field(self) -> FieldInput:
        return next(f for f in self.query(FieldInput) if f.path == "registry.name")

    @work(exclusive=True, group="registry-name")
    async def check_name(self) -> None:
        """Ask the catalog whether the registry name is free (after typing pauses)."""
        field = self._name_field()
        name = self.draft.spec.registry.name or ""
        errors = [
            f for f in self.draft.findings_under(("registry.name",)) if f.severity is Severity.ERROR
        ]
        if not name or errors:
            field.note = ""
            return
        field.note = Text("checking…", style="dim")
        await asyncio.sleep(self.wizard.check_delay_s)
        try:
            available, reason = await self.wizard.catalog.check_registry_name(
                self.draft.spec.subscription, name
            )
        except Exception as exc:  # offline or not signed in: the name is checked again at apply
            field.note = Text(f"⚠ not checked: {exc}", style="yellow")
            return
        if self.draft.spec.registry.name != name:
            return
        if available:
            field.note = Text("✓ available", style="green")
        else:
            field.note = Text(f"✖ {reason or 'taken'}", style="red")
