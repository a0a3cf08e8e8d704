"""Migrate / disable, step 2: the picked cluster's pre-flight, and the choices it depends on.

Pre-flight reads the cluster and what surrounds it (GETs only, `ExistingClusters.check`, the same
`check_existing` as `aksiso apply`) and lists every finding with its fix: an error blocks Next,
a warning is worth reading first. Below it, what the run will do to *this* cluster (where it
starts: a half-migrated cluster is reimaged, an isolated one only changes its registry).

For a migration the step also holds the migration's choices — the registry (AKS-managed, or your
own Premium ACR by name) and the outbound type (none, or block) — and runs pre-flight again when
they change, since the registry path and `block` are judged against the cluster. The network is
the cluster's own VNet and node subnet as discovered (`ClusterFacts`); a registry of your own gets
a private endpoint subnet in it. For disabling, the choice is the outbound type to return to.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Label, Static

from aksiso_tui.findings import Finding, Severity
from aksiso_tui.spec import DisableOutboundType, OutboundType, RegistryMode
from aksiso_tui.ui.help import choice_help
from aksiso_tui.ui.screens.base import StepScreen
from aksiso_tui.ui.widgets.choice_list import Choice, ChoiceList
from aksiso_tui.ui.widgets.cluster_table import API_LABELS, pools_text
from aksiso_tui.ui.widgets.findings_view import ICONS, STYLES
from aksiso_tui.ui.widgets.nav_bar import NavBar

if TYPE_CHECKING:
    from aksiso_tui.ui.app import AksisoApp

REGISTRY_TITLES = {
    RegistryMode.MANAGED.value: "AKS-managed registry",
    RegistryMode.BYO.value: "Bring your own registry (Premium ACR)",
}
OUTBOUND_TITLES = {
    OutboundType.NONE.value: "None: no outbound path",
    OutboundType.BLOCK.value: "Block: AKS blocks all egress",
}
DISABLE_TITLES = {
    DisableOutboundType.LOAD_BALANCER.value: (
        "Load balancer",
        "AKS's default egress through a public load balancer.",
    ),
    DisableOutboundType.USER_DEFINED_ROUTING.value: (
        "User-defined routing",
        "Your route table sends 0.0.0.0/0 to a firewall or appliance; the node subnet needs it.",
    ),
    DisableOutboundType.MANAGED_NAT_GATEWAY.value: (
        "Managed NAT gateway",
        "AKS creates a NAT gateway; only for clusters on an AKS-managed VNet.",
    ),
}


def check_text(findings: list[Finding]) -> Text:
    """Every finding, errors first, with its fix on the line below."""
    text = Text()
    for index, finding in enumerate(findings):
        if index:
            text.append("\n")
        text.append(f"{ICONS[finding.severity]} ", style=STYLES[finding.severity])
        text.append(finding.message)
        if finding.fix:
            text.append("\n   fix: ", style="dim")
            text.append(finding.fix, style="dim")
    return text


class PreflightScreen(StepScreen):
    STEP = "preflight"
    TITLE = "Pre-flight: can this cluster be changed?"
    PREFIXES = ("registry", "outbound", "outbound_after_disable", "network", "api_server")
    AUTO_FOCUS = "ChoiceList"

    @classmethod
    def extra_errors(cls, app: AksisoApp) -> list[str]:
        check = app.current_check()
        if check is None:
            return ["pre-flight (not run for these answers yet)"]
        if not check.found:
            return [check.cluster_id]
        return [f.where for f in check.findings if f.severity is Severity.ERROR]

    @property
    def migrate(self) -> bool:
        return self.wizard.scenario() == "migrate"

    # --- layout -----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static(self.cluster_line(), id="pf-cluster")
        yield Static(Text("reading the cluster…", style="dim"), id="pf-status")
        yield Static("", id="pf-findings")
        yield Static("", id="pf-start", classes="intro")
        if self.migrate:
            yield Label("Registry", classes="section-title")
            yield ChoiceList(
                "registry.mode", self.registry_choices(), self._chosen("registry.mode")
            )
            with Vertical(id="byo"):
                yield self.field(
                    "registry.name", "Registry name", placeholder="derived from the cluster"
                )
            yield Label("Outbound", classes="section-title")
            yield ChoiceList("outbound", self.outbound_choices(), self._chosen("outbound"))
        else:
            yield Label("After disabling, egress goes through", classes="section-title")
            yield ChoiceList(
                "outbound_after_disable",
                self.disable_choices(),
                self._chosen("outbound_after_disable"),
            )

    def make_nav(self) -> NavBar:
        return NavBar(extra=(("recheck", "Re-check"),))

    def cluster_line(self) -> Text:
        picked = self.wizard.picked
        spec = self.draft.spec
        text = Text()
        text.append(spec.cluster.name, style="bold")
        text.append(f"  {spec.resource_group} · {spec.location}", style="dim")
        if picked is not None:
            text.append(
                f"\nKubernetes {picked.kubernetes_version} · outbound {picked.outbound_type} · "
                f"artifacts {picked.artifact_source} · API server "
                f"{API_LABELS.get(picked.api_server_mode, picked.api_server_mode)} · "
                f"pools {pools_text(picked)}",
                style="dim",
            )
        return text

    def _chosen(self, path: str) -> str:
        value = self.draft.get(path)
        return str(getattr(value, "value", value))

    # --- choices ----------------------------------------------------------------------------
    def _custom_vnet(self) -> bool | None:
        facts = self.wizard.facts
        if facts is None:
            return None
        return facts.network is not None or bool(facts.other_group)

    def registry_choices(self) -> list[Choice]:
        help_ = choice_help("registry.mode")
        custom = self._custom_vnet()
        why = ""
        if custom is False:
            why = "your own registry needs a custom VNet, and this cluster's is AKS-managed"
        elif self.wizard.facts is not None and self.wizard.facts.other_group:
            why = (
                f"the cluster's VNet is in resource group {self.wizard.facts.other_group}; "
                "use a config file (`aksiso apply`) for that"
            )
        return [
            Choice(v, t, help_.values.get(v, ""), unavailable=why if v == "byo" else "")
            for v, t in REGISTRY_TITLES.items()
        ]

    def outbound_choices(self) -> list[Choice]:
        help_ = choice_help("outbound")
        why = ""
        if self._custom_vnet():
            why = "block works only with an AKS-managed VNet; this cluster's nodes are in your own"
        return [
            Choice(
                v,
                t,
                help_.values.get(v, ""),
                badge="preview" if v == "block" else "",
                unavailable=why if v == "block" else "",
            )
            for v, t in OUTBOUND_TITLES.items()
        ]

    def disable_choices(self) -> list[Choice]:
        custom = self._custom_vnet()
        choices = []
        for value, (title, explanation) in DISABLE_TITLES.items():
            why = ""
            if value == DisableOutboundType.MANAGED_NAT_GATEWAY.value and custom:
                why = "this cluster's nodes are in your own VNet"
            if value == DisableOutboundType.USER_DEFINED_ROUTING.value and custom is False:
                why = "needs the cluster's own VNet with a route table"
            choices.append(Choice(value, title, explanation, unavailable=why))
        return choices

    def update_choices(self) -> None:
        for cards in self.query(ChoiceList):
            make = {
                "registry.mode": self.registry_choices,
                "outbound": self.outbound_choices,
                "outbound_after_disable": self.disable_choices,
            }[cards.path]
            cards.update_choices(make(), self._chosen(cards.path))
        for box in self.query("#byo"):
            box.display = self.draft.spec.registry.mode is RegistryMode.BYO

    # --- the check --------------------------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        self.update_choices()
        cards = list(self.query(ChoiceList))
        if cards:
            cards[0].focus()
        check = self.wizard.current_check()
        if check is not None:
            self.show_check(check)
        else:
            self.run_check()

    def blocked_reason(self, findings: Any = None) -> str:
        reason = super().blocked_reason(findings)
        if reason:
            return reason
        check = self.wizard.current_check()
        if check is None:
            return "pre-flight is reading the cluster…"
        if not check.found:
            return "the cluster was not found"
        errors = [f for f in check.findings if f.severity is Severity.ERROR]
        if errors:
            return f"{len(errors)} pre-flight blocker{'s' if len(errors) > 1 else ''} to fix"
        return ""

    def _prefill(self) -> None:
        """The cluster's own VNet and node subnet (and a registry subnet for `byo`)."""
        facts = self.wizard.facts
        if not self.migrate or facts is None or facts.network is None:
            return
        network = dict(facts.network)
        if self.draft.spec.registry.mode is RegistryMode.BYO and facts.acr_subnet is not None:
            network["acr_subnet"] = facts.acr_subnet
        self.draft.set("network", network)

    @work(exclusive=True, group="preflight")
    async def run_check(self, delay: float = 0.0) -> None:
        app = self.wizard
        status = self.query_one("#pf-status", Static)
        existing = app.existing
        if existing is None:
            status.update(Text("✖ no Azure connection: run `aksiso --demo`", style="red"))
            return
        if delay:
            await asyncio.sleep(delay)
        status.update(Text("reading the cluster… (GETs only, nothing is changed)", style="dim"))
        self.query_one(NavBar).blocked = "pre-flight is reading the cluster…"
        spec = self.draft.spec
        from aksiso_tui.commands.existing import cluster_id_of

        cluster_id = app.picked.id if app.picked is not None else cluster_id_of(spec)
        try:
            if app.facts is None or app.facts.cluster_id != cluster_id:
                app.facts = await existing.facts(spec.subscription, cluster_id, spec.resource_group)
                if self.draft.spec.network is None:
                    self._prefill()
                self.update_choices()
            answers = self.draft.spec.model_dump_json()
            check = await existing.check(self.draft.spec)
        except Exception as exc:  # shown inline; Re-check tries again
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            status.update(Text(f"✖ pre-flight could not read the cluster: {first}", style="red"))
            return
        if self.draft.spec.model_dump_json() != answers:
            return  # the answers changed meanwhile; their own check follows
        app.existing_check = (answers, check)
        self.show_check(check)

    def show_check(self, check: Any) -> None:
        status = self.query_one("#pf-status", Static)
        errors = [f for f in check.findings if f.severity is Severity.ERROR]
        warnings = [f for f in check.findings if f.severity is Severity.WARNING]
        if not check.found:
            status.update(Text(f"✖ {check.not_found_message(self.draft.spec)}", style="bold red"))
        elif errors:
            n = len(errors)
            status.update(
                Text(
                    f"✖ {n} blocker{'s' if n > 1 else ''}: fix {'them' if n > 1 else 'it'} on the "
                    "cluster, then Re-check. Nothing was sent (only reads).",
                    style="bold red",
                )
            )
        else:
            more = (
                f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
            )
            status.update(Text(f"✓ no blockers{more}", style="bold green"))
        self.query_one("#pf-findings", Static).update(check_text(list(check.findings)))
        start = check.start
        lines = (
            Text("\n".join(start.lines), style="dim") if start is not None and not errors else ""
        )
        self.query_one("#pf-start", Static).update(lines)
        self.refresh_findings()

    # --- edits ------------------------------------------------------------------------------
    def coerce(self, path: str, value: Any) -> Any:
        if path == "registry.name":
            return str(value).strip() or None
        return value

    def after_edit(self, path: str) -> None:
        if path == "registry.mode":
            network = self.draft.spec.network
            facts = self.wizard.facts
            byo = self.draft.spec.registry.mode is RegistryMode.BYO
            if network is not None and byo and network.acr_subnet is None and facts is not None:
                self.draft.set("network.acr_subnet", facts.acr_subnet)
            if network is not None and not byo and network.acr_subnet is not None:
                self.draft.set("network.acr_subnet", None)
            if not byo:
                self.draft.set("registry.name", None)
            self.sync_fields()
        self.update_choices()
        delay = self.wizard.check_delay_s if path == "registry.name" else 0.0
        self.run_check(delay)

    @on(Button.Pressed, "#recheck")
    def _recheck(self, event: Button.Pressed) -> None:
        event.stop()
        self.wizard.existing_check = None
        self.run_check()

    def go_next(self) -> None:
        if self.wizard.current_check() is None:
            self.notify("Pre-flight is still reading the cluster.", title="Next is blocked")
            return
        self.wizard.advance()
