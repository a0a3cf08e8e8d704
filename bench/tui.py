"""Two benchmarks of the wizard.

1. Time from process start to the first interactive screen (target: under 0.6 s): a fresh
   interpreter imports the app, starts it headless (`run_test`) the way `aksiso --demo` does (the
   demo backend starts the embedded emulator in the background) and stops the clock when the
   welcome screen is mounted and focused; it also reports whether the Azure SDK, aiohttp or the
   Spec (pydantic) had been imported by then (none may be).
2. The execution panel under 10,000 engine events (`--events N`): a worker posts synthetic events
   for the hub-firewall plan through the panel's own path (`ExecuteScreen._forward`, one message
   per event, 8 steps interleaved), yielding to the loop between bursts as the engine does. It
   reports events lost (non-progress events must all arrive; progress collapses by design), the
   peak RSS growth, the panel's bounded buffers, and the longest gap between two frames drawn.

    python bench/tui.py [--runs 5] [--events 10000]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import time
from typing import Any

CHILD = r"""
import asyncio, json, os, sys, tempfile, time
t0 = float(sys.argv[1])
from pathlib import Path
from aksiso_tui.commands.wizard_backend import Backend
from aksiso_tui.ui.app import AksisoApp

async def main():
    state = Path(tempfile.mkdtemp()) / "emulator-state.json"
    app = AksisoApp(None, None, True, backend=Backend.demo_default(state_file=state))
    async with app.run_test(size=(100, 32)) as pilot:
        while app.screen.__class__.__name__ != "WelcomeScreen" or app.focused is None:
            await pilot.pause(0)
        first = time.time() - t0
        heavy = sorted(
            m for m in sys.modules
            if m in ("azure", "aiohttp", "pydantic", "aksiso_tui.spec")
        )
        print(json.dumps({"first_screen_s": first, "azure_modules": heavy}))

asyncio.run(main())
"""

TARGET_S = 0.6
BURST = 8
"""Events posted between two yields to the loop (8 steps running at once)."""


def synthetic_events(plan: Any, total: int) -> list[Any]:
    """`total` engine events for `plan`: every step starts, reports progress and logs, and
    finishes, 8 at a time, in the order the engine would send them."""
    from aksiso_tui.engine import (
        RunFinished,
        RunStarted,
        RunStatus,
        RunSummary,
        StepFinished,
        StepLog,
        StepOperation,
        StepProgress,
        StepStarted,
        StepStatus,
    )
    from aksiso_tui.engine.planinfo import planned_steps

    steps = list(plan.steps)
    fixed = 2 + 3 * len(steps)
    per_step = max(2, (total - fixed) // len(steps))
    events: list[Any] = [RunStarted("20261123-140512-ab12", planned_steps(plan), "", "bench")]
    for start in range(0, len(steps), BURST):
        wave = steps[start : start + BURST]
        for step in wave:
            events.append(StepStarted(step.id, 1, f"PUT {step.resource_id}"))
            events.append(StepOperation(step.id, f"PUT {step.resource_id}"))
        for i in range(per_step):
            for step in wave:
                if i % 10 == 9:
                    events.append(StepLog(step.id, "info", f"poll {i}: provisioningState Creating"))
                else:
                    events.append(StepProgress(step.id, f"waiting ({i})", i / per_step))
        for step in wave:
            events.append(StepFinished(step.id, StepStatus.SUCCEEDED, 1.0))
    while len(events) < total - 1:
        events.insert(-1, StepLog(steps[-1].id, "debug", "padding"))
    counts = {s.value: 0 for s in StepStatus} | {"succeeded": len(steps)}
    events.append(
        RunFinished("20261123-140512-ab12", RunStatus.SUCCEEDED, 1.0, counts, RunSummary())
    )
    return events[:total]


def run_event_bench(total: int) -> bool:
    """Feed `total` events through the panel's message path; print and judge the figures."""
    import asyncio
    import resource
    from collections import Counter
    from pathlib import Path

    from aksiso_tui.config import load_spec_file
    from aksiso_tui.plan import build_plan
    from aksiso_tui.ui.app import AksisoApp
    from aksiso_tui.ui.catalog import make_demo_catalog
    from aksiso_tui.ui.screens.execute import ExecuteScreen

    spec, _ = load_spec_file(
        Path(__file__).resolve().parents[1] / "examples/hub-firewall-spoke.yaml"
    )
    assert spec is not None
    plan = build_plan(spec)
    events = synthetic_events(plan, total)
    sent = Counter(type(e).__name__ for e in events)
    figures: dict[str, Any] = {}

    async def main() -> None:
        app = AksisoApp(spec, make_demo_catalog(), True, start_at="review", cursor_blink=False)
        frames: list[float] = []
        async with app.run_test(size=(100, 32)) as pilot:
            await app.workers.wait_for_complete()
            panel = ExecuteScreen(spec, plan, autostart=False)
            await app.push_screen(panel)
            await pilot.pause()
            display = app._display

            def counting(*args: Any, **kwargs: Any) -> Any:
                frames.append(time.perf_counter())
                return display(*args, **kwargs)

            app._display = counting  # type: ignore[method-assign]
            rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t0 = time.perf_counter()
            for index in range(0, len(events), BURST):
                for event in events[index : index + BURST]:
                    panel._forward(event)
                await asyncio.sleep(0)
            while sum(panel.received.values()) < len(events):
                before = sum(panel.received.values())
                await pilot.pause(0.05)
                if sum(panel.received.values()) == before and not panel._message_queue.qsize():
                    break
            panel.tick()
            await pilot.pause(0.25)
            elapsed = time.perf_counter() - t0
            rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            got = panel.received
            lost = sum(sent[k] - got.get(k, 0) for k in sent if k != "StepProgress")
            gaps = [b - a for a, b in itertools.pairwise(frames)]
            done = all(r.status is not None for r in panel.tracker.rows.values())
            figures.update(
                events=len(events),
                delivered=sum(got.values()),
                progress_collapsed=sent["StepProgress"] - got.get("StepProgress", 0),
                lost=lost,
                all_steps_finished=done,
                seconds=elapsed,
                frames=len(frames),
                longest_frame_gap_ms=1000 * max(gaps, default=0.0),
                rss_growth_mb=(rss1 - rss0) / 1024,
                log_lines_kept=len(panel.query_one("#run-log").kept),
            )

    asyncio.run(main())
    f = figures
    print(
        f"panel: {f['events']} events in {f['seconds']:.2f} s; delivered {f['delivered']} "
        f"({f['progress_collapsed']} progress messages collapsed), lost {f['lost']}, "
        f"every step finished: {f['all_steps_finished']}"
    )
    print(
        f"panel: {f['frames']} frames, longest gap between frames {f['longest_frame_gap_ms']:.0f} "
        f"ms; peak RSS growth {f['rss_growth_mb']:.1f} MB; log lines kept {f['log_lines_kept']} "
        "(bounded at 4000)"
    )
    return bool(f["lost"] == 0 and f["all_steps_finished"])


def run_once() -> dict[str, object]:
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, repr(start)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=10_000, help="0 skips the panel benchmark")
    args = parser.parse_args()
    results = [run_once() for _ in range(args.runs)]
    times = [float(r["first_screen_s"]) for r in results]  # type: ignore[arg-type]
    azure = sorted({m for r in results for m in r["azure_modules"]})  # type: ignore[attr-defined]
    median = statistics.median(times)
    print(
        f"time to first interactive screen: median {median:.3f} s, best {min(times):.3f} s "
        f"over {len(times)} runs (target < {TARGET_S} s)"
    )
    imported = "yes: " + ", ".join(azure) if azure else "no"
    print(f"azure SDK / aiohttp / pydantic imported before the first screen: {imported}")
    ok = median < TARGET_S and not azure
    if args.events:
        ok = run_event_bench(args.events) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
