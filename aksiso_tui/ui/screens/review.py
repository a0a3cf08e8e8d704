"""Step 8: the plan before anything is sent — steps as a tree by area, each step's `az`
equivalent, the findings (errors block Apply), time estimates, exports, and Apply.

Apply asks for confirmation naming the subscription, then posts `ApplyRequested(spec, plan)`;
the app's `start_apply` hook takes it from there (the execution panel is built on top of this).
A migrate or disable run asks with `DisruptionScreen` instead: each disruptive step (reimage,
removing egress) with what it does to running workloads, the cluster and the subscription.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static, Tree

from aksiso_tui.export.text import duration
from aksiso_tui.findings import Severity
from aksiso_tui.plan.model import Area, Plan, Step
from aksiso_tui.ui.messages import ApplyRequested
from aksiso_tui.ui.screens.base import StepScreen
from aksiso_tui.ui.screens.confirm import ConfirmScreen
from aksiso_tui.ui.state import ALL
from aksiso_tui.ui.widgets.findings_list import FindingsList
from aksiso_tui.ui.widgets.nav_bar import NavBar

AREA_TITLES = {
    Area.PREREQUISITES: "Prerequisites",
    Area.NETWORK: "Network",
    Area.REGISTRY: "Registry",
    Area.IDENTITY: "Identity",
    Area.HUB: "Hub",
    Area.CLUSTER: "Cluster",
    Area.VERIFICATION: "Verification",
}


def step_detail(step: Step, plan: Plan, critical: set[str]) -> Group:
    """What the review shows for a selected step: what, where, how long, after what, and `az`."""
    head = Text(step.title, style="bold")
    if step.id in critical:
        head.append("  critical path", style="reverse magenta")
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column(overflow="fold")
    facts.add_row("id", step.id)
    facts.add_row("kind", f"{step.kind} ({step.operation.value})")
    facts.add_row("resource", step.resource_id)
    facts.add_row("estimate", f"~{duration(step.estimate_s)}")
    facts.add_row("after", ", ".join(step.depends_on) or "nothing (starts at once)")
    if step.api_version:
        facts.add_row("api", Text(step.api_version, style="yellow"))
    parts: list[Any] = [head, facts]
    if step.disruptive:
        parts.append(Text(f"⚠ {step.disruptive}", style="bold yellow"))
    if step.note:
        parts.append(Text(step.note, style="italic"))
    if step.az:
        parts.append(Text("az", style="dim"))
        parts.append(Syntax("\n".join(step.az), "bash", word_wrap=True, background_color="default"))
    return Group(*parts)


class ReviewScreen(StepScreen):
    STEP = "review"
    TITLE = "Review the plan"
    PREFIXES = (ALL,)

    plan: Plan | None = None

    def compose_main(self) -> ComposeResult:
        with Vertical(id="review"):
            yield Static("", id="summary")
            with Horizontal(id="review-panes"):
                yield Tree("Plan", id="plan-tree")
                with VerticalScroll(id="detail-pane"):
                    yield Static("", id="step-detail")
            yield FindingsList(id="step-findings")
            yield Static("", id="exports")

    def make_nav(self) -> NavBar:
        return NavBar(
            next_label="Apply…",
            extra=(
                ("save-answers", "Save YAML"),
                ("export-az", "Export az"),
                ("export-json", "Export JSON"),
            ),
        )

    def on_mount(self) -> None:
        self.build()
        super().on_mount()
        self.exports_changed()
        self.query_one("#plan-tree", Tree).focus()
        self._learn_subscription_name()

    @work(group="review-subscriptions")
    async def _learn_subscription_name(self) -> None:
        """So the Apply confirmation can name the subscription, not only its id."""
        catalog = self.wizard.catalog
        try:
            await self.wizard.cached("subscriptions", catalog.list_subscriptions)
        except Exception:  # offline: the confirmation shows the id alone
            return

    # --- the plan ---------------------------------------------------------------------------
    def build(self) -> None:
        spec = self.draft.spec
        tree: Tree[Step] = self.query_one("#plan-tree", Tree)
        tree.show_root = False
        tree.clear()
        try:
            from aksiso_tui.plan import build_plan

            self.plan = build_plan(spec)
        except Exception as exc:  # an invalid spec may not make a plan; the findings say why
            self.plan = None
            self.query_one("#summary", Static).update(
                Text(f"No plan yet: {exc}. Fix the errors below.", style="red")
            )
            return
        plan = self.plan
        critical = set(plan.critical_path())
        first: Any = None
        for area in Area:
            steps = [s for s in plan.steps if s.area is area]
            if not steps:
                continue
            total = sum(s.estimate_s for s in steps)
            label = Text(AREA_TITLES[area], style="bold")
            noun = "step" if len(steps) == 1 else "steps"
            label.append(f" ({len(steps)} {noun}, ~{duration(total)})", style="dim")
            branch = tree.root.add(label, expand=True)
            for step in steps:
                leaf = Text(step.title)
                if step.id in critical:
                    leaf.append(" ◆", style="magenta")
                node = branch.add_leaf(leaf, data=step)
                first = first or node
        summary = Text()
        summary.append(f"{len(plan)} steps", style="bold")
        summary.append(" · one after another ")
        summary.append(f"~{duration(plan.sequential_s())}", style="bold")
        summary.append(" · in parallel ")
        summary.append(f"~{duration(plan.critical_path_s())}", style="bold green")
        summary.append(" (critical path ◆)", style="dim")
        self.query_one("#summary", Static).update(summary)
        if first is not None:
            self._show(first.data, plan)

    def _show(self, step: Step, plan: Plan) -> None:
        detail = step_detail(step, plan, set(plan.critical_path()))
        self.query_one("#step-detail", Static).update(detail)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[Step]) -> None:
        if event.node.data is not None and self.plan is not None:
            self._show(event.node.data, self.plan)

    def refresh_findings(self) -> None:
        super().refresh_findings()
        box = self.query_one("#step-findings", FindingsList)
        if self.plan is not None and self.plan.warnings:
            from aksiso_tui.findings import warning

            box.findings = box.findings + tuple(warning("plan", w) for w in self.plan.warnings)

    def blocked_reason(self, findings: Any = None) -> str:
        errors = [f for f in self.draft.findings() if f.severity is Severity.ERROR]
        if errors:
            return f"{len(errors)} error{'s' if len(errors) > 1 else ''} to fix before Apply"
        if self.plan is None:
            return "no plan"
        return ""

    # --- exports and apply ------------------------------------------------------------------
    def exports_changed(self) -> None:
        written = self.wizard.exported
        if not written:
            text = Text("Nothing written yet.", style="dim")
        else:
            text = Text("Written: ", style="dim")
            text.append(" · ".join(f"{kind} → {path}" for kind, path in written.items()))
        self.query_one("#exports", Static).update(text)

    @on(Button.Pressed, "#save-answers")
    def _save(self, event: Button.Pressed) -> None:
        event.stop()
        self.wizard.ask_and_write("answers")

    @on(Button.Pressed, "#export-az")
    def _az(self, event: Button.Pressed) -> None:
        event.stop()
        self.wizard.ask_and_write("az")

    @on(Button.Pressed, "#export-json")
    def _json(self, event: Button.Pressed) -> None:
        event.stop()
        self.wizard.ask_and_write("json")

    def subscription_label(self) -> str:
        sub = self.draft.spec.subscription
        name = self.wizard.subscription_name(sub)
        return f"{name} ({sub})" if name else sub

    def go_next(self) -> None:
        """Apply: confirm, naming the subscription; then hand spec and plan to the app."""
        reason = self.blocked_reason()
        if reason or self.plan is None:
            self.notify(reason or "no plan", title="Apply is blocked", severity="error")
            return
        spec, plan = self.draft.spec, self.plan
        if spec.scenario.value in ("migrate", "disable"):
            self._confirm_disruption()
            return
        body = Text()
        body.append(f"{len(plan)} steps will change Azure in subscription\n")
        body.append(self.subscription_label(), style="bold")
        body.append(f"\nresource group {spec.resource_group}, location {spec.location}.\n")
        body.append(
            f"Estimated ~{duration(plan.critical_path_s())} "
            f"(~{duration(plan.sequential_s())} one after another)."
        )

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.post_message(ApplyRequested(spec, plan))

        self.app.push_screen(
            ConfirmScreen("Apply the plan?", body, confirm_label="Apply"), confirmed
        )

    def _confirm_disruption(self) -> None:
        """Migrate / disable: name each disruptive step and what it does, then run."""
        from aksiso_tui.ui.screens.disruption import DisruptionScreen

        spec, plan = self.draft.spec, self.plan
        assert plan is not None
        check = self.wizard.current_check()
        start = check.start if check is not None else None

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.post_message(ApplyRequested(spec, plan))

        self.app.push_screen(
            DisruptionScreen(plan, spec, self.subscription_label(), start), confirmed
        )
