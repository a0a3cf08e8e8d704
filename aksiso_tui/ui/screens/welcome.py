"""Step 1: what the operator wants to do — create, migrate, disable, or audit a cluster — or
resume a run the journal kept.

The first screen of the app, so it draws without the Spec: the cards' explanations (the Spec's
docstrings) are filled in by `core_loaded()` once the app has imported the core in the
background.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from aksiso_tui.ui.screens.base import StepScreen
from aksiso_tui.ui.widgets.choice_list import Choice, ChoiceList
from aksiso_tui.ui.widgets.help_panel import HelpPanel
from aksiso_tui.ui.widgets.nav_bar import NavBar

AUDIT = "audit"
RESUME = "resume"

TITLES = {
    "create": "Create a network isolated cluster",
    "migrate": "Migrate an existing cluster into isolation",
    "disable": "Disable isolation on a cluster",
}
"""The scenarios (`Scenario` values), in the Spec's order."""


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
        yield ChoiceList("scenario", self.choices(), app.scenario(), id="scenario")

    def choices(self) -> list[Choice]:
        explained: dict[str, str] = {}
        if self.wizard.core_ready:
            from aksiso_tui.ui.help import choice_help

            explained = choice_help("scenario").values
        choices = [Choice(v, title, explained.get(v, "")) for v, title in TITLES.items()]
        choices.append(
            Choice(
                AUDIT, "Audit a cluster", "Check whether an existing cluster really is isolated."
            )
        )
        choices.append(
            Choice(
                RESUME,
                "Resume a run",
                "Continue a run that failed, was cancelled or was interrupted, from its journal.",
            )
        )
        return choices

    def core_loaded(self) -> None:
        """The Spec is loaded: show the explanations and the help."""
        cards = self.query_one(ChoiceList)
        cards.update_choices(self.choices(), cards.chosen)
        self.query_one(HelpPanel).show()
        self.refresh_findings()

    def refresh_findings(self) -> None:
        if self.wizard.core_ready:
            super().refresh_findings()

    def make_nav(self) -> NavBar:
        return NavBar(back=False, next_label="Start ›")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ChoiceList).focus()

    def handle_edit(self, path: str, value: Any) -> None:
        if value == AUDIT:
            self.wizard.start_audit()
            return
        if value == RESUME:
            self.query_one(ChoiceList).update_choices(self.choices(), self.wizard.scenario())
            self.wizard.action_resume_run()
            return
        self.wizard.start_scenario(value)
