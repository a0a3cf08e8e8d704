"""Step 6: the cluster's network — an AKS-managed VNet, or your own (new or existing) with its
subnets, checked as you type (ranges inside the VNet, no overlaps, sizes)."""

from __future__ import annotations

import ipaddress
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from aksiso_tui.spec import ApiServerMode, RegistryMode
from aksiso_tui.ui.catalog import SubnetInfo, VnetInfo
from aksiso_tui.ui.help import field_help, first_sentence
from aksiso_tui.ui.screens.base import StepScreen
from aksiso_tui.ui.state import default_network, fit_network
from aksiso_tui.ui.widgets.choice_list import Choice, ChoiceList
from aksiso_tui.ui.widgets.field_input import FieldInput
from aksiso_tui.ui.widgets.live_picker import LivePicker, PickItem

MANAGED, CUSTOM = "managed", "custom"
SUBNETS = (
    ("aks_subnet", "Node subnet"),
    ("acr_subnet", "Registry subnet"),
    ("apiserver_subnet", "API server subnet"),
)


def usable(prefix: str) -> str:
    """ "251 usable" for a /24 (Azure keeps 5 addresses of every subnet)."""
    try:
        net = ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        return ""
    return f"{max(net.num_addresses - 5, 0)} usable"


class NetworkScreen(StepScreen):
    STEP = "network"
    TITLE = "Network: the cluster's VNet"
    PREFIXES = ("network", "cluster.service_cidr", "cluster.dns_service_ip", "identities")

    def compose_body(self) -> ComposeResult:
        yield ChoiceList("network", self.choices(), self.mode(), id="choices")
        with Vertical(id="custom"):
            yield Label("Virtual network", classes="section-title")
            yield LivePicker(
                "network.vnet.name",
                "VNet name",
                self.draft.get("network.vnet.name"),
                loader=self._vnets,
                placeholder="new, or pick an existing one",
            )
            yield self.field("network.vnet.address_space", "Address space")
            yield Label("Subnets", classes="section-title")
            for key, label in SUBNETS:
                with Vertical(id=f"row-{key}"):
                    yield LivePicker(
                        f"network.{key}.name",
                        label,
                        self.draft.get(f"network.{key}.name"),
                        loader=self._subnets,
                        empty_note="",
                    )
                    yield self.field(f"network.{key}.prefix", "  range")
            yield Label("Kubernetes services and identities", classes="section-title")
            yield self.field("cluster.service_cidr", "Service CIDR")
            yield self.field("cluster.dns_service_ip", "DNS service IP")
            yield self.field("identities.control_plane", "Control plane id")
            yield self.field("identities.kubelet", "Kubelet identity")

    def mode(self) -> str:
        return CUSTOM if self.draft.spec.network is not None else MANAGED

    def choices(self) -> list[Choice]:
        spec = self.draft.spec
        why = ""
        if spec.registry.mode is RegistryMode.BYO:
            why = "your own registry needs a VNet for its private endpoint"
        elif spec.api_server is ApiServerMode.VNET_INTEGRATION:
            why = "VNet Integration needs a delegated subnet in your VNet"
        elif spec.hub is not None:
            why = "the hub firewall peers with your VNet"
        custom_help = " ".join(
            first_sentence(field_help(f"network.{p}")) for p in ("vnet", "aks_subnet")
        )
        return [
            Choice(
                MANAGED,
                "AKS-managed VNet",
                field_help("network").partition(". ")[2],
                unavailable=why,
            ),
            Choice(CUSTOM, "Your own VNet (new or existing)", custom_help),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ChoiceList).focus()
        self.show_details()

    def show_details(self) -> None:
        spec = self.draft.spec
        self.query_one("#custom").display = spec.network is not None
        if spec.network is None:
            return
        self.query_one("#row-acr_subnet").display = spec.registry.mode is RegistryMode.BYO or (
            spec.network.acr_subnet is not None
        )
        self.query_one("#row-apiserver_subnet").display = (
            spec.api_server is ApiServerMode.VNET_INTEGRATION
        )
        self.sync_fields()
        self.show_sizes()

    def show_sizes(self) -> None:
        for field in self.query(FieldInput):
            if field.path.endswith(".prefix") or field.path.endswith("address_space"):
                value = self.draft.get(field.path)
                field.note = Text(usable(value), style="dim") if value else ""

    # --- edits ------------------------------------------------------------------------------
    def handle_edit(self, path: str, value: Any) -> None:
        if path == "network":
            if value == CUSTOM:
                self.draft.switch_on("network", default_network(self.draft.spec))
                self.draft.auto_sections.discard("network")
                changes = fit_network(self.draft)
                if changes:
                    self.notify("\n".join(changes), title="Also changed")
            else:
                self.draft.switch_off("network")
            self.query_one(ChoiceList).update_choices(self.choices(), self.mode())
            self.show_details()
            self.refresh_findings()
            return
        super().handle_edit(path, value)
        if path.startswith("network."):
            self.draft.auto_sections.discard("network")
        self.show_sizes()

    def coerce(self, path: str, value: Any) -> Any:
        text = str(value).strip()
        if path in ("cluster.service_cidr", "cluster.dns_service_ip") or path.startswith(
            "identities."
        ):
            return text or None
        return text

    # --- existing VNets and subnets ---------------------------------------------------------
    def _picked_vnet(self) -> VnetInfo | None:
        """The existing VNet named in the form, if the catalog listed one by that name."""
        spec = self.draft.spec
        name = spec.network.vnet.name if spec.network else ""
        listed = self.wizard.cached_value(f"vnets/{spec.subscription}/{spec.resource_group}")
        return next((v for v in listed or [] if v.name.lower() == name.lower()), None)

    async def _vnets(self) -> list[PickItem]:
        spec = self.draft.spec
        catalog = self.wizard.catalog
        vnets = await self.wizard.cached(
            f"vnets/{spec.subscription}/{spec.resource_group}",
            lambda: catalog.list_vnets(spec.subscription, spec.resource_group or None),
        )
        return [
            PickItem(v.name, f"{', '.join(v.address_space)} · {len(v.subnets)} subnets", payload=v)
            for v in vnets
        ]

    async def _subnets(self) -> list[PickItem]:
        vnet = self._picked_vnet()
        if vnet is None:
            return []
        return [
            PickItem(
                s.name,
                s.prefix,
                f"delegated to {s.delegated_to}" if s.delegated_to else "",
                payload=s,
            )
            for s in vnet.subnets
        ]

    @on(LivePicker.Picked)
    def _picked(self, event: LivePicker.Picked) -> None:
        event.stop()
        payload = event.item.payload
        if isinstance(payload, VnetInfo):
            if payload.address_space:
                self.draft.set("network.vnet.address_space", payload.address_space[0])
            network = self.draft.spec.network
            for key, _ in SUBNETS:
                subnet: Any = getattr(network, key, None) if network else None
                match = next((s for s in payload.subnets if subnet and s.name == subnet.name), None)
                if match is not None:
                    self.draft.set(f"network.{key}.prefix", match.prefix)
            for picker in self.query(LivePicker):
                if picker.path != "network.vnet.name":
                    picker.reload()
        elif isinstance(payload, SubnetInfo):
            key = event.picker.path.split(".")[1]
            self.draft.set(f"network.{key}.prefix", payload.prefix)
        self.sync_fields()
        self.show_sizes()
        self.refresh_findings()
