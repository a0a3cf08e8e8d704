"""Step 7: an optional hub VNet with an Azure Firewall — the operator's own, deliberate egress
path — and the extra FQDNs it allows."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from aksiso_tui.spec import OutboundType
from aksiso_tui.ui.help import choice_help, field_help
from aksiso_tui.ui.screens.base import StepScreen
from aksiso_tui.ui.state import DEFAULT_HUB, DOCKER_HUB_FQDNS
from aksiso_tui.ui.widgets.choice_list import Choice, ChoiceList

OFF, ON = "off", "on"


class HubScreen(StepScreen):
    STEP = "hub"
    TITLE = "Hub firewall: optional, deliberate egress"
    PREFIXES = ("hub",)

    def compose_body(self) -> ComposeResult:
        yield ChoiceList("hub", self.choices(), self.mode(), id="choices")
        with Vertical(id="hub-fields"):
            yield Label("Hub", classes="section-title")
            yield self.field("hub.vnet.name", "Hub VNet")
            yield self.field("hub.vnet.address_space", "Address space")
            yield self.field("hub.firewall_subnet_prefix", "Firewall subnet")
            yield self.field("hub.firewall_name", "Firewall name")
            yield self.field("hub.resource_group", "Resource group", placeholder="the cluster's")
            yield Label("Allowed FQDNs", classes="section-title")
            yield self.field("hub.allow_fqdns", "FQDNs", placeholder="comma separated")
            with Horizontal(classes="inline-buttons"):
                yield Button("+ Docker Hub", id="add-docker-hub", compact=True)

    def mode(self) -> str:
        return ON if self.draft.spec.hub is not None else OFF

    def choices(self) -> list[Choice]:
        spec = self.draft.spec
        why = ""
        if spec.outbound is OutboundType.BLOCK:
            why = "outbound block drops all egress; choose outbound none to use a firewall"
        elif spec.network is None:
            why = "needs your own VNet to peer with (choose it on the Network step)"
        return [
            Choice(OFF, "No hub", choice_help("outbound").values.get("none", "")),
            Choice(ON, "Hub VNet with Azure Firewall", field_help("hub"), unavailable=why),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ChoiceList).focus()
        self.show_details()

    def show_details(self) -> None:
        self.query_one("#hub-fields").display = self.draft.spec.hub is not None
        self.sync_fields()

    def handle_edit(self, path: str, value: Any) -> None:
        if path == "hub":
            if value == ON:
                self.draft.switch_on("hub", DEFAULT_HUB)
            else:
                self.draft.switch_off("hub")
            self.query_one(ChoiceList).update_choices(self.choices(), self.mode())
            self.show_details()
            self.refresh_findings()
            return
        super().handle_edit(path, value)

    def coerce(self, path: str, value: Any) -> Any:
        text = str(value).strip()
        if path == "hub.allow_fqdns":
            return [part.strip() for part in text.split(",") if part.strip()]
        if path in ("hub.resource_group", "hub.firewall_name"):
            return text or None
        return text

    @on(Button.Pressed, "#add-docker-hub")
    def _docker_hub(self, event: Button.Pressed) -> None:
        event.stop()
        current = list(self.draft.spec.hub.allow_fqdns) if self.draft.spec.hub else []
        wanted = current + [f for f in DOCKER_HUB_FQDNS if f not in current]
        self.draft.set("hub.allow_fqdns", wanted)
        self.sync_fields()
        self.refresh_findings()
