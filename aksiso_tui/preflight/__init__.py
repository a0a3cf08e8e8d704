"""Pre-flight checks: what stops an existing cluster from becoming network isolated (pure)."""

from __future__ import annotations

from aksiso_tui.preflight.checks import preflight, upgrade_path

__all__ = ["preflight", "upgrade_path"]
