"""The audit's result, `AuditReport`, and its renderings: text for people, JSON for pipelines."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aksiso_tui.findings import Finding, Severity


class Verdict(StrEnum):
    ISOLATED = "isolated"
    ISOLATED_VIA_FIREWALL = "isolated_egress_via_firewall"
    """No egress except through the operator's own firewall, whose rules list what leaves."""
    NOT_ISOLATED = "not_isolated"

    @property
    def label(self) -> str:
        return {
            Verdict.ISOLATED: "isolated",
            Verdict.ISOLATED_VIA_FIREWALL: "isolated, with egress via firewall",
            Verdict.NOT_ISOLATED: "NOT isolated",
        }[self]


@dataclass(frozen=True)
class AuditReport:
    """How isolated one cluster really is."""

    cluster_id: str
    cluster_name: str
    verdict: Verdict
    findings: tuple[Finding, ...]
    egress_allowed: tuple[str, ...] = ()
    """What the egress firewall lets the nodes reach (FQDNs, tags, address:port/protocol)."""
    outbound_type: str = ""
    artifact_source: str = ""
    api_server_mode: str = ""
    firewall_id: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def isolated(self) -> bool:
        return self.verdict is not Verdict.NOT_ISOLATED

    @property
    def exit_code(self) -> int:
        """0 isolated (also via a firewall), 3 not isolated (DESIGN.md exit codes)."""
        return 0 if self.isolated else 3

    def to_dict(self) -> dict[str, Any]:
        return {
            "cluster": {"id": self.cluster_id, "name": self.cluster_name},
            "verdict": self.verdict.value,
            "isolated": self.isolated,
            "outbound_type": self.outbound_type,
            "artifact_source": self.artifact_source,
            "api_server_mode": self.api_server_mode,
            "firewall": self.firewall_id,
            "egress_allowed": list(self.egress_allowed),
            "findings": [f.to_dict() for f in self.findings],
            "counts": {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity},
        }


def to_json(report: AuditReport) -> str:
    """The report as one JSON document (`aksiso audit --format json`)."""
    return json.dumps(report.to_dict(), indent=2) + "\n"


_MARK = {Severity.ERROR: "x", Severity.WARNING: "!", Severity.INFO: "-"}


def render_text(report: AuditReport) -> str:
    """The report as plain text: verdict first, then errors, warnings and facts."""
    lines = [
        f"Audit of {report.cluster_name}: {report.verdict.label}",
        f"  outbound type {report.outbound_type}, artifact source {report.artifact_source}, "
        f"API server {report.api_server_mode.replace('_', ' ')}",
    ]
    if report.firewall_id:
        lines.append(f"  egress through firewall {report.firewall_id.rsplit('/', 1)[-1]}")
    if report.egress_allowed:
        lines.append("  the firewall lets the nodes reach:")
        lines += [f"    {entry}" for entry in report.egress_allowed]
    lines.append("")
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        for finding in (f for f in report.findings if f.severity is severity):
            lines.append(f"{_MARK[severity]} {severity.value}: {finding.message}")
            if finding.fix:
                lines.append(f"    fix: {finding.fix}")
    return "\n".join(lines).rstrip() + "\n"
