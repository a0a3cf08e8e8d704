"""A local emulator of Azure Resource Manager that the real azure-mgmt SDK clients talk to.

It serves ARM's wire protocol on loopback (paths, api-versions, errors, long-running operations,
paging) with the validation rules in AZURE_FACTS.md, so the engine and the tests can run every
step offline. It is a server: it never imports the Azure SDK or Textual.
"""

from __future__ import annotations

from aksiso_tui.emulator.context import SUBSCRIPTION_ID, TENANT_ID
from aksiso_tui.emulator.server import EmulatorServer, EmulatorThread, serve

__all__ = ["SUBSCRIPTION_ID", "TENANT_ID", "EmulatorServer", "EmulatorThread", "serve"]
