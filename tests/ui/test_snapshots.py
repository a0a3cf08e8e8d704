"""Snapshots of every wizard screen at a fixed size (pytest-textual-snapshot), cursor blink off.

Each app comes from a tiny module under `snapshot_apps/` that builds the wizard from sample data.
Update after an intended change with `pytest tests/ui --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from textual.pilot import Pilot

APPS = Path(__file__).parent / "snapshot_apps"
SNAPSHOT_STATE = "/tmp/aksiso-snapshots"


@pytest.fixture(autouse=True)
def state_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The summary prints the journal's path, so snapshots need the same state directory on
    every machine and in every run (snapshot_apps/_run.py sets it for the screenshot script)."""
    monkeypatch.setenv("AKSISO_STATE_DIR", SNAPSHOT_STATE)
    return Path(SNAPSHOT_STATE)


SCREENS = [
    "welcome",
    "azure_blank",
    "azure_context",
    "registry",
    "api_server",
    "outbound",
    "network",
    "hub",
    "review",
]


async def settle(pilot: Pilot[object]) -> None:
    """Wait until the screen stops changing: workers done, then frames compared until two in a
    row are equal. One `pause()` is not enough on a busy machine: DataTable column widths and
    `call_after_refresh` work land a refresh or two later. The execution panel redraws on a
    timer, so its frame is forced with `tick()` instead of waiting for the timer."""
    await pilot.app.workers.wait_for_complete()
    previous = None
    for _ in range(40):
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()  # e.g. scrolling to a failed row
        tick = getattr(pilot.app.screen, "tick", None)
        if callable(tick):
            tick()
            await pilot.pause()
        current = pilot.app.export_screenshot()
        if current == previous:
            return
        previous = current
    raise AssertionError("the screen kept changing; a snapshot of it would not be repeatable")


@pytest.mark.parametrize("name", SCREENS)
def test_screen(snap_compare, name: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(APPS / f"{name}.py", terminal_size=(100, 32), run_before=settle)


@pytest.mark.parametrize("name", ["welcome", "azure_context", "network", "review"])
def test_screen_80x24(snap_compare, name: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(APPS / f"{name}.py", terminal_size=(80, 24), run_before=settle)


def test_invalid_cidr_shown(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def type_bad_prefix(pilot: Pilot[object]) -> None:
        await settle(pilot)
        field = pilot.app.screen.query_one("#input-network-aks_subnet-prefix")
        field.focus()
        field.value = "192.168.1.0/33"  # type: ignore[attr-defined]
        await settle(pilot)

    assert snap_compare(APPS / "network.py", terminal_size=(100, 32), run_before=type_bad_prefix)


def test_apply_confirmation(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def press_apply(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)

    assert snap_compare(APPS / "review.py", terminal_size=(100, 32), run_before=press_apply)


def test_light_theme(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def toggle(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)

    assert snap_compare(APPS / "registry.py", terminal_size=(100, 32), run_before=toggle)


@pytest.mark.parametrize("name", ["execute_mid_run", "execute_failed", "execute_summary"])
def test_run_screens(snap_compare, name: str) -> None:  # type: ignore[no-untyped-def]
    """The live panel mid-run and after a failure, and the summary, replayed on a fixed clock."""
    assert snap_compare(APPS / f"{name}.py", terminal_size=(100, 32), run_before=settle)


@pytest.mark.parametrize(
    "name",
    ["existing_clusters", "existing_preflight_blocked", "existing_disruption", "existing_audit"],
)
def test_existing_cluster_screens(snap_compare, name: str) -> None:  # type: ignore[no-untyped-def]
    """Pick a cluster, its pre-flight blocked, the disruption dialog, an audit report: the wizard
    on the emulator's fixed `demo` seed, driven there through the screens."""
    # snapshot_apps/ is a folder of scripts, not a package: load the drivers by path.
    found = importlib.util.spec_from_file_location("_existing", APPS / "_existing.py")
    assert found is not None and found.loader is not None
    existing = importlib.util.module_from_spec(found)
    found.loader.exec_module(existing)

    async def drive(pilot: Pilot[object]) -> None:
        await existing.DRIVERS[name](pilot)
        await settle(pilot)

    assert snap_compare(APPS / f"{name}.py", terminal_size=(100, 32), run_before=drive)
