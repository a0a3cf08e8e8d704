"""Builds the wizard on an in-memory emulator with the `demo` seed (time scale 0) for snapshots
of the existing-cluster screens, and drives it to each of them through the screens themselves.

The seed is fixed, so the clusters, their pre-flight findings and audit reports are the same on
every machine; nothing the screens show depends on the emulator's port. (The snapshot plugin
puts this folder on `sys.path`: no module here may be named like a package the app imports, such
as `azure`, or it shadows the SDK's namespace package.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from aksiso_tui.commands.wizard_backend import Backend
from aksiso_tui.ui.app import AksisoApp
from aksiso_tui.ui.screens.disruption import DisruptionScreen
from aksiso_tui.ui.widgets.choice_list import ChoiceList
from aksiso_tui.ui.widgets.cluster_table import ClusterTable

Drive = Callable[[Any], Awaitable[None]]


def build() -> AksisoApp:
    return AksisoApp(
        None,
        None,
        True,
        cursor_blink=False,
        check_delay_s=0,
        export_dir=Path("/tmp"),
        backend=Backend.demo_seeded(),
    )


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot: Any, condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition` holds (screens here are built by workers and callbacks
    that a single pause does not always cover on a busy machine); fail loudly if it never does."""
    for _ in range(200):
        await settle(pilot)
        if condition():
            return
    raise AssertionError(f"the wizard never reached: {what}")


async def choose(pilot: Any, value: str) -> None:
    await settle(pilot)
    pilot.app.screen.query_one(ChoiceList).choose(value)
    await settle(pilot)


async def pick(pilot: Any, cluster: str) -> None:
    await until(pilot, lambda: _loaded(pilot), "the cluster list")
    assert pilot.app.screen.query_one(ClusterTable).pick(cluster)
    await settle(pilot)


def _loaded(pilot: Any) -> bool:
    tables = pilot.app.screen.query(DataTable)
    return bool(tables) and tables.first().row_count > 0


async def clusters(pilot: Any) -> None:
    await choose(pilot, "migrate")
    await until(pilot, lambda: _loaded(pilot), "the cluster list")


async def preflight_blocked(pilot: Any) -> None:
    await choose(pilot, "migrate")
    await pick(pilot, "aks-legacy-129")
    await until(pilot, lambda: _checked(pilot), "the pre-flight result")


def _checked(pilot: Any) -> bool:
    return (
        type(pilot.app.screen).__name__ == "PreflightScreen"
        and pilot.app.current_check() is not None
    )


async def disruption(pilot: Any) -> None:
    await choose(pilot, "migrate")
    await pick(pilot, "aks-ready-to-migrate")
    await until(pilot, lambda: _checked(pilot), "the pre-flight result")
    await pilot.press("ctrl+n")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "ReviewScreen", "review")
    await pilot.press("ctrl+n")
    await until(pilot, lambda: isinstance(pilot.app.screen, DisruptionScreen), "the dialog")


async def audit_report(pilot: Any) -> None:
    await choose(pilot, "audit")
    await pick(pilot, "aks-behind-firewall")
    await until(pilot, lambda: getattr(pilot.app.screen, "report", None) is not None, "the report")


DRIVERS: dict[str, Drive] = {
    "existing_clusters": clusters,
    "existing_preflight_blocked": preflight_blocked,
    "existing_disruption": disruption,
    "existing_audit": audit_report,
}
"""Snapshot app module name -> how to get from the welcome screen to its screen."""
