"""The confirmation before a migrate or disable run: every disruptive step, named, with what it
does to running workloads, on which cluster in which subscription.

A `ModalScreen[bool]`: True only when the operator presses the explicit "Run, disruption
included" button; Cancel has the focus and Escape cancels, so nothing is sent by accident. When
pre-flight says where the run starts on this cluster (`StartingPoint`), a disruptive step that has
nothing to change there is listed as not disruptive now (as `aksiso apply` says it).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from aksiso_tui.export.text import duration


def disruption_text(plan: Any, spec: Any, subscription: str, start: Any = None) -> Text:
    """What the dialog says: where, then each disruptive step and what it does."""
    body = Text()
    body.append("Cluster ")
    body.append(spec.cluster.name, style="bold")
    body.append(f" in resource group {spec.resource_group} ({spec.location}),\nsubscription ")
    body.append(subscription, style="bold")
    body.append(".\n")
    disruptive = [s for s in plan.steps if s.disruptive]
    acting = [s for s in disruptive if start is None or start.will_change(s.id)]
    if acting:
        body.append("\nThese steps affect running workloads:\n", style="bold")
    for step in acting:
        body.append("\n⚠ ", style="bold yellow")
        body.append(step.title, style="bold")
        body.append(f"  ({step.id}, ~{duration(step.estimate_s)})\n", style="dim")
        body.append(f"  {step.disruptive}\n")
    for step in disruptive:
        if step not in acting:
            body.append(
                f"\n– {step.id}: nothing to change on this cluster, so not disruptive now\n"
            )
    if not acting:
        body.append("\nNo step is expected to disrupt running workloads on this cluster.\n")
    body.append(
        f"\n{len(plan)} steps in all, ~{duration(plan.critical_path_s())}. Cancel sends nothing.",
        style="dim",
    )
    return body


class DisruptionScreen(ModalScreen[bool]):
    """Asks before a run that reimages nodes or removes egress of a running cluster."""

    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, plan: Any, spec: Any, subscription: str, start: Any = None) -> None:
        super().__init__()
        self.plan = plan
        self.spec = spec
        self.subscription = subscription
        self.start = start
        self.acting = [
            s.id for s in plan.steps if s.disruptive and (start is None or start.will_change(s.id))
        ]

    def compose(self) -> ComposeResult:
        verb = "Migrate" if self.spec.scenario.value == "migrate" else "Disable isolation on"
        with Vertical(id="dialog", classes="dialog disruption"):
            yield Label(f"{verb} {self.spec.cluster.name}?", classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(
                    disruption_text(self.plan, self.spec, self.subscription, self.start),
                    classes="dialog-body",
                    id="disruption-body",
                )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                label = "Run, disruption included" if self.acting else "Run"
                yield Button(label, id="confirm", variant="error", compact=True)

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
