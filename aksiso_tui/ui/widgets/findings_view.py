"""How a Finding looks in the wizard: one icon and colour per severity, the fix after it."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from aksiso_tui.findings import Finding, Severity

ICONS = {Severity.ERROR: "✖", Severity.WARNING: "▲", Severity.INFO: "●"}
STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def finding_text(finding: Finding, *, where: bool = False) -> Text:
    """`✖ message — fix`, coloured by severity; with `where`, the field path first."""
    text = Text()
    text.append(f"{ICONS[finding.severity]} ", style=STYLES[finding.severity])
    if where:
        text.append(f"{finding.where}: ", style="bold")
    text.append(finding.message)
    if finding.fix:
        text.append(f" — {finding.fix}", style="dim")
    return text


def findings_text(findings: Iterable[Finding], *, where: bool = False) -> Text:
    return Text("\n").join(finding_text(f, where=where) for f in findings)
