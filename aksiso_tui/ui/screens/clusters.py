"""Migrate / disable, step 1: pick the existing cluster, from the subscription's clusters live.

The list comes from ARM (`ExistingClusters.list_clusters`: name, resource group, location,
version, outbound type, artifact source, API server mode, pools with their OS), filters as you
type, says when it is loading and shows why it failed inline. Picking a cluster starts the answers
over for it (subscription, resource group, location, name) and moves on to its pre-flight.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from aksiso_tui.ui.screens.base import StepScreen
from aksiso_tui.ui.widgets.cluster_table import ClusterTable
from aksiso_tui.ui.widgets.findings_list import FindingsList
from aksiso_tui.ui.widgets.live_picker import LivePicker, PickItem

if TYPE_CHECKING:
    from aksiso_tui.ui.app import AksisoApp

_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
INTRO = {
    "migrate": "Pick the cluster to move into network isolation. Nothing is changed yet: the "
    "next step reads it and says what stands in the way.",
    "disable": "Pick the network isolated cluster to return to ordinary egress. Nothing is "
    "changed yet: the next step reads it first.",
}


class ClustersScreen(StepScreen):
    STEP = "cluster"
    TITLE = "Pick the existing cluster"
    PREFIXES = ("subscription",)
    AUTO_FOCUS = "#cluster-filter"

    @classmethod
    def extra_errors(cls, app: AksisoApp) -> list[str]:
        picked = app.picked
        if picked is None or picked.name != app.spec.cluster.name:
            return ["cluster (pick one from the list)"]
        return []

    def compose_main(self) -> ComposeResult:
        with Vertical(id="clusters-main"):
            yield Static(Text(INTRO.get(self.wizard.scenario(), ""), style="dim"), classes="intro")
            yield LivePicker(
                "subscription",
                "Subscription",
                self.draft.spec.subscription,
                loader=self._subscriptions,
                placeholder="subscription id (GUID)",
            )
            yield ClusterTable(id="cluster-table")
            yield FindingsList(id="step-findings")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#cluster-filter").focus()
        self.load()

    def blocked_reason(self, findings: Any = None) -> str:
        reason = super().blocked_reason(findings)
        if reason:
            return reason
        return "pick a cluster to continue" if self.extra_errors(self.wizard) else ""

    async def _subscriptions(self) -> list[PickItem]:
        catalog = self.wizard.catalog
        subs = await self.wizard.cached("subscriptions", catalog.list_subscriptions)
        return [PickItem(s.id, s.name) for s in subs]

    def after_edit(self, path: str) -> None:
        if path == "subscription" and _GUID.fullmatch(self.draft.spec.subscription):
            self.load()

    @work(exclusive=True, group="clusters")
    async def load(self) -> None:
        table = self.query_one(ClusterTable)
        existing = self.wizard.existing
        if existing is None:
            table.failed("no Azure connection here; run `aksiso --demo`, or sign in to Azure")
            return
        table.show_loading(self.wizard.catalog.label)
        try:
            subscription = await self.wizard.subscription_or_first()
            self.sync_fields()
            if not subscription:
                table.failed("no subscription: type its id above")
                return
            clusters = await self.wizard.cached(
                f"clusters/{subscription}", lambda: existing.list_clusters(subscription)
            )
        except Exception as exc:  # shown inline; the operator can fix the subscription
            table.failed(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return
        table.show(clusters, subscription)
        name = self.draft.spec.cluster.name
        for index, cluster in enumerate(table.shown):
            if cluster.name == name:
                table.table.move_cursor(row=index)

    @on(ClusterTable.Picked)
    def _picked(self, event: ClusterTable.Picked) -> None:
        event.stop()
        self.choose(event.cluster)

    def choose(self, cluster: Any) -> None:
        """Start the answers over for `cluster` and go on to its pre-flight."""
        from aksiso_tui.spec import ClusterSpec, Spec

        app = self.wizard
        old = self.draft.spec
        if app.picked is None or app.picked.id != cluster.id:
            self.draft.replace(
                Spec(
                    scenario=old.scenario,
                    subscription=old.subscription,
                    resource_group=cluster.resource_group,
                    location=cluster.location,
                    cluster=ClusterSpec(name=cluster.name),
                    outbound=old.outbound,
                    outbound_after_disable=old.outbound_after_disable,
                )
            )
            app.picked = cluster
            app.facts = None
            app.existing_check = None
            app.visited &= {"welcome", "cluster"}
        self.refresh_findings()
        app.advance()
