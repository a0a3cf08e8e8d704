"""aksiso: plan, execute and verify network isolated AKS clusters, with a local ARM emulator."""

from __future__ import annotations

__version__ = "0.1.0"
