"""The audit: how isolated an existing cluster really is (pure; `azure.gather` reads the state)."""

from __future__ import annotations

from aksiso_tui.audit.checks import PROBE_FQDN, audit
from aksiso_tui.audit.report import AuditReport, Verdict, render_text, to_json
from aksiso_tui.audit.snapshot import Snapshot

__all__ = ["PROBE_FQDN", "AuditReport", "Snapshot", "Verdict", "audit", "render_text", "to_json"]
