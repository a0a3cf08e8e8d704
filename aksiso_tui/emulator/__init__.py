"""A local emulator of Azure Resource Manager that the real azure-mgmt SDK clients talk to.

It serves ARM's wire protocol on loopback (paths, api-versions, errors, long-running operations,
paging) with the validation rules in AZURE_FACTS.md, so the engine and the tests can run every
step offline. It is a server: it never imports the Azure SDK or Textual.

The public names are loaded on first use, so that `aksiso --help` or `aksiso validate` (which
build the `emulator` subcommand's flags) never pay for importing aiohttp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aksiso_tui.emulator.context import SUBSCRIPTION_ID, TENANT_ID
    from aksiso_tui.emulator.server import EmulatorServer, EmulatorThread, serve

__all__ = ["SUBSCRIPTION_ID", "TENANT_ID", "EmulatorServer", "EmulatorThread", "serve"]


def __getattr__(name: str) -> Any:
    if name in ("SUBSCRIPTION_ID", "TENANT_ID"):
        from aksiso_tui.emulator import context

        return getattr(context, name)
    if name in ("EmulatorServer", "EmulatorThread", "serve"):
        from aksiso_tui.emulator import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
