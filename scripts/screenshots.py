"""Render every wizard screen headless at a fixed size into screenshots/*.svg.

    python scripts/screenshots.py [--size 100x32] [--out screenshots]

The screens are the app's own, driven through `App.run_test()` from sample configs and the demo
catalog, so the README's pictures never drift from the code (STYLE habit 11). The execution panel
and the summary are the snapshot tests' replays (tests/ui/snapshot_apps/_run.py): the engine's
events for the example plan on a fixed clock. The existing-cluster screens (pick, pre-flight,
the disruption dialog, the audit) run on an in-memory emulator with the fixed `demo` seed,
driven there through the screens (tests/ui/snapshot_apps/_existing.py).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from aksiso_tui.config import load_spec_file
from aksiso_tui.ui.app import AksisoApp
from aksiso_tui.ui.catalog import make_demo_catalog

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ui" / "snapshot_apps"))
EXAMPLE = ROOT / "examples" / "hub-firewall-spoke.yaml"

Action = Callable[[Pilot[int]], Awaitable[None]]


async def _nothing(pilot: Pilot[int]) -> None:
    return None


async def _press_apply(pilot: Pilot[int]) -> None:
    await pilot.press("ctrl+n")


async def _bad_cidr(pilot: Pilot[int]) -> None:
    field = pilot.app.screen.query_one("#input-network-aks_subnet-prefix")
    field.focus()
    field.value = "192.168.1.0/33"  # type: ignore[attr-defined]


async def _palette(pilot: Pilot[int]) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"export")


SHOTS: list[tuple[str, str, bool, Action]] = [
    # (file name, start step, pre-filled from the example, action before the shot)
    ("01-welcome", "welcome", False, _nothing),
    ("02-azure", "azure", True, _nothing),
    ("03-registry", "registry", True, _nothing),
    ("04-api-server", "api_server", True, _nothing),
    ("05-outbound", "outbound", True, _nothing),
    ("06-network", "network", True, _nothing),
    ("06b-network-invalid-cidr", "network", True, _bad_cidr),
    ("07-hub", "hub", True, _nothing),
    ("08-review", "review", True, _nothing),
    ("08b-review-apply-confirm", "review", True, _press_apply),
    ("09-command-palette", "review", True, _palette),
]


async def shoot(out: Path, size: tuple[int, int]) -> list[Path]:
    spec, findings = load_spec_file(EXAMPLE)
    assert spec is not None, findings
    written = []
    for name, step, prefilled, action in SHOTS:
        app = AksisoApp(
            spec.model_copy(deep=True) if prefilled else None,
            make_demo_catalog(),
            True,
            start_at=step,
            cursor_blink=False,
            check_delay_s=0,
        )
        async with app.run_test(size=size) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await action(pilot)
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(out)))
            written.append(path)
    from _run import ReplayApp

    for name, mode in RUN_SHOTS:
        replay = ReplayApp(mode)
        async with replay.run_test(size=size) as pilot:
            await replay.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            path = Path(replay.save_screenshot(filename=f"{name}.svg", path=str(out)))
            written.append(path)
    from _existing import DRIVERS, build

    for name, driver in EXISTING_SHOTS:
        existing = build()
        async with existing.run_test(size=size) as pilot:
            await existing.workers.wait_for_complete()
            await pilot.pause()
            await DRIVERS[driver](pilot)
            await existing.workers.wait_for_complete()
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            path = Path(existing.save_screenshot(filename=f"{name}.svg", path=str(out)))
            written.append(path)
    return written


RUN_SHOTS = [
    ("10-execute-mid-run", "mid-run"),
    ("10b-execute-failed", "failed"),
    ("11-summary", "summary"),
]

EXISTING_SHOTS = [
    ("12-existing-clusters", "existing_clusters"),
    ("13-preflight-blocked", "existing_preflight_blocked"),
    ("14-migrate-disruption-confirm", "existing_disruption"),
    ("15-audit-report", "existing_audit"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100x32", help="terminal size, WIDTHxHEIGHT")
    parser.add_argument("--out", default=str(ROOT / "screenshots"), help="output directory")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(shoot(out, (width, height))):
        print(path)


if __name__ == "__main__":
    main()
