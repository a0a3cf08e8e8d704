"""Command palette entries (ctrl+p) for the wizard's main actions."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Next step", "next", "Go to the next step (ctrl+n)"),
    ("Previous step", "back", "Go back one step (ctrl+b)"),
    ("Save answers (YAML)", "save_answers", "Write the answers to a config file (ctrl+s)"),
    ("Export az script", "export_az", "Write the plan as a runnable az bash script"),
    ("Export JSON plan", "export_json", "Write the plan as JSON"),
    ("Review the plan", "goto_step('review')", "Jump to the review (if every step is complete)"),
    ("Resume a journaled run", "resume_run", "Pick a run from its journal and continue it"),
    ("Toggle light/dark theme", "toggle_theme", "Switch between textual-dark and textual-light"),
    ("Quit", "quit", "Leave aksiso (ctrl+q)"),
)


class WizardCommands(Provider):
    """The wizard's actions, by name."""

    async def _run(self, action: str) -> None:
        await self.app.run_action(action)

    async def discover(self) -> Hits:
        for name, action, help_text in COMMANDS:
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(self._run, action), help=help_text
                )
