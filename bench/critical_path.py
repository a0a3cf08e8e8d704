"""How close does a run get to its DAG's critical path? And how many ARM requests does it send?

Runs examples/hub-firewall-spoke.yaml (or FILE) on the in-process emulator at a fixed time scale
(Azure-typical durations from AZURE_FACTS.md times the scale) with the real aio clients, and prints:

- wall time of the run;
- the critical path and the sequential sum, both from the plan's own estimates
  (`Plan.critical_path_s()`, `Plan.sequential_s()`) and from the emulator's latency model (the
  durations it actually waits), scaled; and wall/critical, wall/sequential;
- the ARM requests the run sent (from `/_emulator/requests`), by method, versus what the official
  `az` CLI sent for the seed-000 sequence. How the az figure is counted: every write section in
  /work/shared/arm-reference/az-cli/captured_bodies.md for commands 01-14 (one sequence; later
  sections repeat `aks create` variants). That file captured writes only, so the comparison is
  writes to writes; az's reads (its LRO polls at 30 s intervals, the GETs before `aks create`)
  are not in it and are not counted.

Usage: python bench/critical_path.py [FILE] [--time-scale 0.01]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AZ_CAPTURE = Path("/work/shared/arm-reference/az-cli/captured_bodies.md")


def az_write_count(path: Path = AZ_CAPTURE) -> int | None:
    """Writes the az CLI sent for one seed-000 sequence (sections 01-14 of the capture)."""
    if not path.exists():
        return None
    count = 0
    for line in path.read_text().splitlines():
        m = re.match(r"### (\d+)_\S+ \[`[^`]*`\]: (PUT|PATCH|POST|DELETE) ", line)
        if m and int(m.group(1)) <= 14:
            count += 1
    return count


def model_times(plan: object) -> tuple[float, float]:
    """(critical path, sequential sum) using the emulator's latency model per step kind."""
    from aksiso_tui.emulator.lro import typical_seconds

    def duration(step: object) -> float:
        kind = str(getattr(step, "kind", ""))
        if kind.startswith("Microsoft."):
            return typical_seconds(kind)
        if kind == "verify/run-command":
            return 8.0 * len(getattr(step, "params", {}).get("commands") or [1])
        return 1.0

    finish: dict[str, float] = {}
    total = 0.0
    for step in plan.steps:  # type: ignore[attr-defined]
        d = duration(step)
        total += d
        finish[step.id] = max((finish[x] for x in step.depends_on), default=0.0) + d
    return max(finish.values(), default=0.0), total


async def run(file: Path, scale: float) -> None:
    from aksiso_tui.azure.clients import ClientFactory
    from aksiso_tui.azure.executor import AzureExecutor
    from aksiso_tui.azure.target import async_credential, resolve_target
    from aksiso_tui.config import load_spec_file
    from aksiso_tui.emulator import EmulatorServer
    from aksiso_tui.engine import run_plan
    from aksiso_tui.plan import build_plan

    spec, findings = load_spec_file(str(file))
    assert spec is not None, findings
    plan = build_plan(spec)
    async with EmulatorServer(time_scale=scale) as emu:
        target = resolve_target(arm_endpoint=emu.base_url)
        async with ClientFactory(
            target, async_credential(target), spec.subscription, polling_interval=0.01
        ) as factory:
            t0 = time.perf_counter()
            result = await run_plan(plan, AzureExecutor(factory))
            wall = time.perf_counter() - t0
        log = await asyncio.to_thread(_requests, emu.base_url)
    crit_plan, seq_plan = plan.critical_path_s() * scale, plan.sequential_s() * scale
    crit_model, seq_model = (x * scale for x in model_times(plan))
    methods = Counter(e["method"] for e in log)
    writes = sum(v for k, v in methods.items() if k in ("PUT", "PATCH", "DELETE"))
    print(f"{file.name}: {len(plan.steps)} steps, run {result.status.value}, time scale {scale}")
    print(f"  wall time                   {wall:7.2f} s")
    print(
        f"  critical path (plan est.)   {crit_plan:7.2f} s   wall/critical   {wall / crit_plan:.2f}"
    )
    print(
        f"  sequential    (plan est.)   {seq_plan:7.2f} s   wall/sequential {wall / seq_plan:.2f}"
    )
    print(
        f"  critical path (emulator)    {crit_model:7.2f} s   "
        f"wall/critical   {wall / crit_model:.2f}"
    )
    print(
        f"  sequential    (emulator)    {seq_model:7.2f} s   wall/sequential {wall / seq_model:.2f}"
    )
    print("  critical path: " + " -> ".join(plan.critical_path()))
    print(
        f"  ARM requests: {len(log)} ({', '.join(f'{k} {v}' for k, v in sorted(methods.items()))})"
    )
    print(
        f"  writes (PUT/PATCH/DELETE): {writes}; POST (register, reimage, run command): "
        f"{methods.get('POST', 0)}"
    )
    az = az_write_count()
    if az is not None:
        print(f"  az CLI, seed-000 sequence (writes only, captured_bodies.md 01-14): {az} writes")


def _requests(base_url: str) -> list[dict[str, object]]:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{base_url}/_emulator/requests") as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "examples/hub-firewall-spoke.yaml"))
    parser.add_argument("--time-scale", type=float, default=0.01)
    args = parser.parse_args()
    asyncio.run(run(Path(args.file), args.time_scale))
    if Path(args.file).name == "hub-firewall-spoke.yaml":
        asyncio.run(run(ROOT / "examples/seed000-byo-private-link.yaml", args.time_scale))


if __name__ == "__main__":
    main()
