"""Step 1: what the operator wants to do — create, migrate, disable, or audit a cluster."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from aksiso_tui.spec import Scenario
from aksiso_tui.ui.help import choice_help
from aksiso_tui.ui.screens.base import StepScreen
from aksiso_tui.ui.widgets.choice_list import Choice, ChoiceList
from aksiso_tui.ui.widgets.nav_bar import NavBar

AUDIT = "audit"

TITLES = {
    Scenario.CREATE: "Create a network isolated cluster",
    Scenario.MIGRATE: "Migrate an existing cluster into isolation",
    Scenario.DISABLE: "Disable isolation on a cluster",
}


class WelcomeScreen(StepScreen):
    STEP = "welcome"
    TITLE = "What do you want to do?"
    PREFIXES = ("scenario",)

    def compose_body(self) -> ComposeResult:
        app = self.wizard
        intro = Text()
        intro.append("Set up AKS clusters whose nodes have no internet access", style="bold")
        intro.append(": images come from a private registry cache, the API server is private.")
        if app.demo:
            intro.append("\nDemo mode: everything runs against the local emulator.", style="yellow")
        if app.config_path:
            intro.append(f"\nAnswers loaded from {app.config_path}.", style="green")
        yield Static(intro, id="welcome-intro")
        help_ = choice_help("scenario")
        choices = [Choice(s.value, TITLES[s], help_.values.get(s.value, "")) for s in Scenario]
        choices.append(
            Choice(
                AUDIT, "Audit a cluster", "Check whether an existing cluster really is isolated."
            )
        )
        yield ChoiceList("scenario", choices, self.draft.spec.scenario.value, id="scenario")

    def make_nav(self) -> NavBar:
        return NavBar(back=False, next_label="Start ›")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ChoiceList).focus()

    def handle_edit(self, path: str, value: Any) -> None:
        if value == AUDIT:
            self.wizard.start_audit()
            return
        self.wizard.start_scenario(Scenario(value))
