"""Audit: pick an existing cluster, then read how isolated it really is.

The same report as `aksiso audit` (`ExistingClusters.audit`: `azure.gather` + `audit.audit`, GETs
only): a verdict banner — isolated, isolated with egress via the operator's firewall, or not
isolated —, the findings grouped by severity with their fixes, and what the egress firewall lets
the nodes reach. Export JSON writes `audit.to_json`, the document `--format json` prints.
Back (or Escape) goes from the report to the list, and from the list to the welcome screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Footer, Static

from aksiso_tui.findings import Severity
from aksiso_tui.ui.widgets.cluster_table import ClusterTable
from aksiso_tui.ui.widgets.findings_view import ICONS, STYLES
from aksiso_tui.ui.widgets.nav_bar import NavBar
from aksiso_tui.ui.widgets.wizard_header import WizardHeader

if TYPE_CHECKING:
    from aksiso_tui.audit import AuditReport
    from aksiso_tui.ui.app import AksisoApp

BANNER_STYLES = {
    "isolated": "bold black on green",
    "isolated_egress_via_firewall": "bold black on yellow",
    "not_isolated": "bold white on red",
}
GROUPS = ((Severity.ERROR, "Errors"), (Severity.WARNING, "Warnings"), (Severity.INFO, "Facts"))


def banner_text(report: AuditReport) -> Text:
    text = Text(f" {report.verdict.label.upper()} ", style=BANNER_STYLES[report.verdict.value])
    text.append(f"  {report.cluster_name}", style="bold")
    text.append(
        f"\noutbound type {report.outbound_type or 'unset'} · artifact source "
        f"{report.artifact_source or 'unset'} · API server "
        f"{report.api_server_mode.replace('_', ' ')}",
        style="dim",
    )
    return text


def egress_text(report: AuditReport) -> Text:
    if not report.firewall_id:
        return Text("")
    text = Text("Egress through firewall ", style="bold")
    text.append(report.firewall_id.rsplit("/", 1)[-1])
    if report.egress_allowed:
        text.append(" — it lets the nodes reach:", style="bold")
        for entry in report.egress_allowed:
            text.append(f"\n  → {entry}")
    else:
        text.append(" — its rules allow nothing.", style="dim")
    return text


def findings_by_severity(report: AuditReport) -> Text:
    text = Text()
    for severity, title in GROUPS:
        found = [f for f in report.findings if f.severity is severity]
        if not found:
            continue
        if text:
            text.append("\n\n")
        text.append(f"{title} ({len(found)})", style=f"bold {STYLES[severity]}")
        for finding in found:
            text.append(f"\n{ICONS[severity]} ", style=STYLES[severity])
            text.append(finding.message)
            if finding.fix:
                text.append("\n   fix: ", style="dim")
                text.append(finding.fix, style="dim")
    return text


class AuditScreen(Screen[None]):
    """Pick a cluster, see its audit report."""

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+e", "export", "Export JSON"),
    ]

    AUTO_FOCUS = "#cluster-filter"

    def __init__(self) -> None:
        super().__init__()
        self.report: AuditReport | None = None
        self.subscription = ""

    @property
    def wizard(self) -> AksisoApp:
        return cast("AksisoApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.wizard
        yield WizardHeader("Audit: is the cluster isolated?", app.catalog.label, app.demo)
        with ContentSwitcher(initial="audit-pick", id="audit-switcher"):
            with Vertical(id="audit-pick"):
                yield Static("", id="audit-subscription", classes="intro")
                yield ClusterTable(id="audit-table")
            with VerticalScroll(id="audit-report"):
                yield Static("", id="audit-banner")
                yield Static("", id="audit-egress")
                yield Static("", id="audit-findings")
        yield NavBar(next_label=None, extra=(("export-json", "Export JSON"),))
        yield Footer()

    def on_mount(self) -> None:
        self.wizard.settle_cursor(self)
        self._export_button().display = False
        self.query_one("#cluster-filter").focus()
        self.load()

    def _export_button(self) -> Button:
        return self.query_one("#export-json", Button)

    @work(exclusive=True, group="audit-clusters")
    async def load(self) -> None:
        table = self.query_one(ClusterTable)
        existing = self.wizard.existing
        if existing is None:
            table.failed("no Azure connection here; run `aksiso --demo`, or sign in to Azure")
            return
        table.show_loading(self.wizard.catalog.label)
        try:
            self.subscription = await self.wizard.subscription_or_first()
            if not self.subscription:
                table.failed("no subscription found")
                return
            sub = self.subscription
            clusters = await self.wizard.cached(
                f"clusters/{sub}", lambda: existing.list_clusters(sub)
            )
        except Exception as exc:  # shown inline
            table.failed(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return
        name = self.wizard.subscription_name(sub)
        self.query_one("#audit-subscription", Static).update(
            f"Subscription {name + ' (' + sub + ')' if name else sub}. Pick a cluster to audit "
            "(only reads, nothing is changed)."
        )
        table.show(clusters, sub)

    @on(ClusterTable.Picked)
    def _picked(self, event: ClusterTable.Picked) -> None:
        event.stop()
        self.audit(event.cluster)

    @work(exclusive=True, group="audit")
    async def audit(self, cluster: Any) -> None:
        self.query_one(ContentSwitcher).current = "audit-report"
        banner = self.query_one("#audit-banner", Static)
        banner.update(Text(f"auditing {cluster.name}… (GETs only)", style="dim"))
        self.query_one("#audit-egress", Static).update("")
        self.query_one("#audit-findings", Static).update("")
        try:
            report = await self.wizard.existing.audit(self.subscription, cluster.id)
        except Exception as exc:  # shown inline
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            banner.update(Text(f"✖ the audit could not read {cluster.name}: {first}", style="red"))
            return
        self.show_report(report)

    def show_report(self, report: AuditReport) -> None:
        self.report = report
        self.query_one("#audit-banner", Static).update(banner_text(report))
        self.query_one("#audit-egress", Static).update(egress_text(report))
        self.query_one("#audit-findings", Static).update(findings_by_severity(report))
        self._export_button().display = True
        self.query_one("#audit-report").focus()

    # --- navigation and export --------------------------------------------------------------
    @on(Button.Pressed, "#nav-back")
    def _back(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_back()

    def action_back(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        if switcher.current == "audit-report":
            switcher.current = "audit-pick"
            self.report = None
            self._export_button().display = False
            self.query_one("#cluster-filter").focus()
            return
        self.dismiss()

    @on(Button.Pressed, "#export-json")
    def _export(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        report = self.report
        if report is None:
            return
        from aksiso_tui.ui.screens.save_path import SavePathScreen

        default = self.wizard.export_dir / f"{report.cluster_name}.audit.json"

        def write(path: str | None) -> None:
            if path:
                self.write_json(report, Path(path).expanduser())

        self.app.push_screen(SavePathScreen("Export the audit (JSON)", str(default)), write)

    def write_json(self, report: AuditReport, target: Path) -> Path | None:
        from aksiso_tui.audit import to_json

        try:
            target.write_text(to_json(report), encoding="utf-8")
        except OSError as exc:
            self.notify(f"Could not write {target}: {exc.strerror or exc}", severity="error")
            return None
        self.wizard.exported["audit"] = target
        self.notify(f"Audit written to {target}", title="Saved")
        return target
