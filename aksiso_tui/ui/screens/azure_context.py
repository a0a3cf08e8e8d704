"""Step 2: where the cluster goes — credential, subscription, resource group, location — and the
cluster itself (name, Kubernetes version, nodes). Lists come live from the app's ArmCatalog."""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import Label, Static

from aksiso_tui.regions import KNOWN_REGIONS
from aksiso_tui.ui.catalog import sort_versions
from aksiso_tui.ui.screens.base import StepScreen
from aksiso_tui.ui.widgets.live_picker import LivePicker, PickItem

MIN_VERSION = (1, 30)
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def _below_minimum(version: str) -> bool:
    try:
        major, minor = (int(p) for p in version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) < MIN_VERSION


class AzureContextScreen(StepScreen):
    STEP = "azure"
    TITLE = "Azure: where the cluster goes"
    PREFIXES = (
        "subscription",
        "resource_group",
        "location",
        "cluster.name",
        "cluster.kubernetes_version",
        "cluster.node_count",
        "cluster.vm_size",
    )

    def compose_body(self) -> ComposeResult:
        spec = self.draft.spec
        yield Static(Text("checking sign-in…", style="dim"), id="credential")
        yield Label("Azure", classes="section-title")
        yield LivePicker(
            "subscription",
            "Subscription",
            spec.subscription,
            loader=self._subscriptions,
            placeholder="subscription id (GUID)",
        )
        yield LivePicker(
            "resource_group",
            "Resource group",
            spec.resource_group,
            loader=self._groups,
            placeholder="existing or new",
        )
        yield LivePicker(
            "location",
            "Location",
            spec.location,
            loader=self._locations,
            placeholder="e.g. swedencentral",
        )
        yield Label("Cluster", classes="section-title")
        yield self.field("cluster.name", "Cluster name")
        yield LivePicker(
            "cluster.kubernetes_version",
            "Kubernetes",
            spec.cluster.kubernetes_version,
            loader=self._versions,
            placeholder="newest supported",
        )
        yield self.field("cluster.node_count", "Nodes", restrict=r"[0-9]*")
        yield self.field("cluster.vm_size", "VM size")

    def on_mount(self) -> None:
        super().on_mount()
        self._credential()
        self.query_one("#input-subscription").focus()

    @work(group="credential")
    async def _credential(self) -> None:
        box = self.query_one("#credential", Static)
        try:
            status = await self.wizard.catalog.credential_status()
        except Exception as exc:  # the wizard stays usable: values can be typed
            box.update(Text(f"⚠ sign-in unknown: {exc}", style="yellow"))
            return
        style = "green" if status.ok else "yellow"
        box.update(Text(f"{'✓' if status.ok else '⚠'} {status.detail}", style=style))

    # --- loaders (the app caches successful answers) ----------------------------------------
    async def _subscriptions(self) -> list[PickItem]:
        catalog = self.wizard.catalog
        subs = await self.wizard.cached("subscriptions", catalog.list_subscriptions)
        return [PickItem(s.id, s.name) for s in subs]

    async def _groups(self) -> list[PickItem]:
        sub = self.draft.spec.subscription
        catalog = self.wizard.catalog
        groups = await self.wizard.cached(
            f"groups/{sub}", lambda: catalog.list_resource_groups(sub)
        )
        return [PickItem(g) for g in groups]

    async def _locations(self) -> list[PickItem]:
        sub = self.draft.spec.subscription
        catalog = self.wizard.catalog
        locations = await self.wizard.cached(
            f"locations/{sub}", lambda: catalog.list_locations(sub)
        )
        return [PickItem(loc.name, loc.display_name) for loc in locations]

    async def _versions(self) -> list[PickItem]:
        spec = self.draft.spec
        if not spec.location:
            return []
        catalog = self.wizard.catalog
        versions = await self.wizard.cached(
            f"versions/{spec.subscription}/{spec.location}",
            lambda: catalog.list_kubernetes_versions(spec.subscription, spec.location),
        )
        return [
            PickItem(v, "", "needs 1.30 or later" if _below_minimum(v) else "")
            for v in sort_versions(versions)
        ]

    # --- edits ------------------------------------------------------------------------------
    def coerce(self, path: str, value: Any) -> Any:
        if path == "cluster.node_count":
            text = str(value).strip()
            return int(text) if text.isdigit() else text
        if path == "cluster.kubernetes_version":
            return str(value).strip() or None
        if isinstance(value, str):
            return value.strip()
        return value

    def after_edit(self, path: str) -> None:
        spec = self.draft.spec
        if path == "subscription" and _GUID.fullmatch(spec.subscription):
            self._reload("resource_group")
            self._reload("location")
            self._reload("cluster.kubernetes_version")
        elif path == "location" and spec.location in KNOWN_REGIONS:
            self._reload("cluster.kubernetes_version")

    def _reload(self, path: str) -> None:
        for picker in self.query(LivePicker):
            if picker.path == path:
                picker.reload()
