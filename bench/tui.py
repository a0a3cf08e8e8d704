"""Time from process start to the wizard's first interactive screen (target: under 0.6 s).

Runs a fresh interpreter that imports the app, starts it headless (`run_test`) and stops the
clock when the welcome screen is mounted and focused, then reports whether any `azure.*` module
had been imported by then (it must not have been: the SDK loads only when a live list is needed).

    python bench/tui.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

CHILD = r"""
import asyncio, json, sys, time
t0 = float(sys.argv[1])
from aksiso_tui.ui.app import AksisoApp
from aksiso_tui.ui.catalog import make_demo_catalog

async def main():
    app = AksisoApp(None, make_demo_catalog(), True)
    async with app.run_test(size=(100, 32)) as pilot:
        while app.screen.__class__.__name__ != "WelcomeScreen" or app.focused is None:
            await pilot.pause(0)
        first = time.time() - t0
        azure = sorted(m for m in sys.modules if m == "azure" or m.startswith("azure."))
        print(json.dumps({"first_screen_s": first, "azure_modules": azure}))

asyncio.run(main())
"""

TARGET_S = 0.6


def run_once() -> dict[str, object]:
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, repr(start)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
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
    print(f"azure SDK imported before the first screen: {imported}")
    return 0 if median < TARGET_S and not azure else 1


if __name__ == "__main__":
    sys.exit(main())
