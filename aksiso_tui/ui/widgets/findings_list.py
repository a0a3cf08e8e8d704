"""A list of Findings (errors, warnings, notes) that hides itself when there are none."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from aksiso_tui.findings import Finding
from aksiso_tui.ui.widgets.findings_view import findings_text


class FindingsList(Static):
    """Findings that belong to no single field on the screen, with their field paths."""

    findings: reactive[tuple[Finding, ...]] = reactive(())

    def __init__(self, *, show_where: bool = True, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.show_where = show_where

    def watch_findings(self, findings: tuple[Finding, ...]) -> None:
        self.display = bool(findings)
        self.update(findings_text(findings, where=self.show_where))
