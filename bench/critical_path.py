"""How close does a run get to its DAG's critical path? And how many ARM requests does it send?

Runs examples/hub-firewall-spoke.yaml and examples/seed000-byo-private-link.yaml (or FILEs) on the
in-process emulator (loopback, same event loop) at a fixed time scale with the real aio clients,
and reports per file:

- wall time of the run (`run_plan` only; building clients is outside). The SDK modules the plan
  uses are imported first, timed separately (the network SDK alone is ~0.8 s of CPU, paid once
  per process: the wizard imports them as it starts, `AzureExecutor.prepare` at run start);
  `--cold` leaves them to the run, as a fresh `aksiso apply` process;
- the **critical path** and the **sequential sum** from the *emulator's own durations* (what it
  actually waits, times the scale) laid on the plan's DAG: provider registrations that start
  NotRegistered (`features.REGISTRATION_SECONDS`), each ensured resource's write (its declared
  duration or `lro.TYPICAL_SECONDS`; 0 for synchronous PUTs), `COMMAND_SECONDS` per kubectl run
  command. The bench checks this model against the operations the emulator really started. The
  sequential sum is what running the seed scripts in order costs. Also the plan's own estimates
  (`Plan.critical_path_s()`), for reference;
- wall/critical and wall/sequential;
- where the wall time went: per step on the run's *actual* critical chain, when it started after
  its last dependency finished (scheduling latency) and how long it took beyond the emulator's
  duration (request latency, polling slack, extra reads);
- the ARM requests the run sent (the emulator's request log), by method and by purpose
  (LRO status polls, final GETs, provider polls, ...), against the official az CLI's count for the
  same sequence (see `az_cli_requests` for the counting method).

Usage: python bench/critical_path.py [FILE ...] [--time-scale 0.01] [--json] [--steps] [--cold]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AZ_CAPTURE = Path("/work/shared/arm-reference/az-cli/captured_bodies.md")
DEFAULT_FILES = ("examples/hub-firewall-spoke.yaml", "examples/seed000-byo-private-link.yaml")
RUN_TIMEOUT_S = 300.0


# -- the emulator's durations on the plan's DAG -------------------------------------------------
def emulator_seconds(step: Any, registry: Any) -> float:
    """Azure seconds the emulator makes this step wait (unscaled)."""
    from aksiso_tui.emulator.lro import typical_seconds
    from aksiso_tui.emulator.providers.aks_runcommand import COMMAND_SECONDS
    from aksiso_tui.emulator.providers.features import KNOWN_NAMESPACES, REGISTRATION_SECONDS

    kind = str(step.kind)
    if kind == "action/register-provider":
        ns = str(step.params.get("namespace", ""))
        return 0.0 if KNOWN_NAMESPACES.get(ns) == "Registered" else REGISTRATION_SECONDS
    if kind == "verify/run-command":
        return COMMAND_SECONDS * len(step.params.get("commands") or [])
    if not kind.startswith("Microsoft."):
        return 0.0
    rtype = registry.resource_type(kind)
    if rtype is not None and rtype.put_style == "sync":
        return 0.0
    if rtype is not None and rtype.duration is not None:
        return float(rtype.duration)
    return typical_seconds(kind)


def schedule(plan: Any, durations: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Earliest (start, finish) of every step with unbounded concurrency."""
    out: dict[str, tuple[float, float]] = {}
    for step in plan.steps:  # plan order is topological
        start = max((out[d][1] for d in step.depends_on), default=0.0)
        out[step.id] = (start, start + durations[step.id])
    return out


def chain(plan: Any, finish: dict[str, float]) -> list[str]:
    """The chain ending at the last finisher, following the latest-finishing dependency."""
    by_id = {s.id: s for s in plan.steps}
    current = max(finish, key=lambda k: finish[k])
    out = [current]
    while by_id[current].depends_on:
        current = max(by_id[current].depends_on, key=lambda k: finish[k])
        out.append(current)
    return list(reversed(out))


# -- request classification ----------------------------------------------------------------------
_STATUS = re.compile(r"/(operations|operationstatuses|privatednsoperationstatuses)/[^/]+$", re.I)
_RESULT = re.compile(r"/(operationresults|privatednsoperationresults|commandresults)/[^/]+$", re.I)


def classify(log: list[dict[str, Any]]) -> Counter[str]:
    """Requests by purpose: writes, actions, LRO polls, provider reads, resource reads."""
    out: Counter[str] = Counter()
    for e in log:
        method, path = str(e["method"]), str(e["path"])
        if method != "GET":
            out[f"{method} {'action' if method == 'POST' else 'write'}"] += 1
        elif _STATUS.search(path) or _RESULT.search(path):
            out["GET lro-poll"] += 1
        elif re.search(r"/subscriptions/[^/]+/providers/[^/]+$", path, re.I):
            out["GET provider"] += 1
        elif path.lower().endswith("/kubernetesversions"):
            out["GET versions"] += 1
        else:
            out["GET resource"] += 1
    return out


def az_cli_requests(path: Path = AZ_CAPTURE) -> dict[str, Any] | None:
    """What the official az CLI sends for the seed-000 sequence (commands 01-14 of the capture).

    Writes are counted from captured_bodies.md (it captured every write az sent). Reads are not
    in the capture, so they are derived from az's behaviour, per write:
    - every `az ... create` of an LRO resource: the PUT, then status polls (azure-core's
      ARMPolling: one poll right away, then one per Retry-After/`polling_interval`, 30 s by
      default; for a typical Azure duration D that is 1 + ceil(D / 30)), then the final GET;
    - every non-LRO write (resource group, identity, role assignment, A record): the PUT only;
    - `az role assignment create --assignee X --role NAME`: a GET of the role definition by name
      (list with $filter) and a principal lookup in Graph (not ARM, not counted) before the PUT;
    - `az aks create`: before the PUT, a GET of the resource group, a GET of each user-assigned
      identity (control plane, and kubelet), and the kubernetesVersions list; then the LRO;
    - `az provider register`: the POST, then `--wait` polls of the provider every 10 s.
    A lower bound: az also GETs the subscription and does extension checks not counted here.
    """
    from aksiso_tui.emulator.lro import typical_seconds
    from aksiso_tui.emulator.providers.features import REGISTRATION_SECONDS

    if not path.exists():
        return None
    writes: Counter[str] = Counter()
    reads = 0
    sync_types = (
        "resourcegroups",
        "userassignedidentities",
        "roleassignments",
        "/a/",
    )
    for line in path.read_text().splitlines():
        m = re.match(r"### (\d+)_\S+ \[`([^`]*)`\]: (PUT|PATCH|POST|DELETE) (\S+)", line)
        if not m or int(m.group(1)) > 14:
            continue
        command, method, url = m.group(2), m.group(3), m.group(4).split("?")[0]
        writes[method] += 1
        low = url.lower()
        if method == "POST" and low.endswith("/register"):
            reads += 1 + int(REGISTRATION_SECONDS // 10)
            continue
        if "role assignment" in command:
            reads += 1
        if "aks create" in command:
            reads += 4
        if any(t in low for t in sync_types):
            continue
        rtype = _arm_type(low)
        reads += 2 + int(-(-typical_seconds(rtype) // 30))
    return {"writes": dict(writes), "gets": reads, "total": sum(writes.values()) + reads}


def _arm_type(path: str) -> str:
    """`microsoft.network/virtualnetworks/subnets` from a resource path."""
    tail = path.split("/providers/")[-1].strip("/").split("/")
    ns, rest = tail[0], tail[1:]
    return "/".join([ns, *rest[0::2]])


# -- one run ----------------------------------------------------------------------------------
@dataclass
class StepTiming:
    id: str
    emulator_s: float
    earliest_start: float
    earliest_finish: float
    start: float = 0.0
    finish: float = 0.0
    status: str = ""

    @property
    def took(self) -> float:
        return self.finish - self.start


@dataclass
class Report:
    file: str
    steps: int
    status: str
    time_scale: float
    sdk_import_s: float
    """Importing the SDK modules before the run (0: already imported, or --cold)."""
    wall_s: float
    critical_s: float
    sequential_s: float
    plan_critical_s: float
    plan_sequential_s: float
    wall_over_critical: float
    wall_over_sequential: float
    critical_path: list[str]
    model_check: str
    requests: int
    by_method: dict[str, int]
    by_purpose: dict[str, int]
    actual_chain: list[dict[str, Any]] = field(default_factory=list)
    timings: list[dict[str, Any]] = field(default_factory=list)


def import_sdk(plan: Any) -> float:
    """Import the SDK modules `plan` uses; seconds it took (0 when already imported)."""
    import importlib

    from aksiso_tui.azure.clients import _CLIENTS
    from aksiso_tui.azure.executor import clients_for

    t0 = time.perf_counter()
    for name in clients_for(plan):
        importlib.import_module(_CLIENTS[name][0])
    return time.perf_counter() - t0


async def run(file: Path, scale: float, concurrency: int, cold: bool) -> Report:
    from aksiso_tui.azure.clients import ClientFactory
    from aksiso_tui.azure.executor import AzureExecutor
    from aksiso_tui.azure.target import async_credential, resolve_target
    from aksiso_tui.config import load_spec_file
    from aksiso_tui.emulator import EmulatorServer
    from aksiso_tui.engine import run_plan
    from aksiso_tui.engine.events import StepFinished, StepStarted
    from aksiso_tui.plan import build_plan

    spec, findings = load_spec_file(str(file))
    assert spec is not None, findings
    plan = build_plan(spec)
    import_s = 0.0 if cold else import_sdk(plan)
    async with EmulatorServer(time_scale=scale) as emu:
        registry = emu.emulator.registry
        durations = {s.id: emulator_seconds(s, registry) * scale for s in plan.steps}
        sched = schedule(plan, durations)
        timings = {s.id: StepTiming(s.id, durations[s.id], *sched[s.id]) for s in plan.steps}
        started_ops: list[float] = []
        ops = emu.emulator.ops
        original_start = ops.start

        def recording_start(*args: Any, **kwargs: Any) -> Any:
            op = original_start(*args, **kwargs)
            started_ops.append(op.done_at - ops.clock.now())
            return op

        ops.start = recording_start  # type: ignore[method-assign]
        target = resolve_target(arm_endpoint=emu.base_url)
        t0 = 0.0

        def on_event(event: object) -> None:
            now = time.perf_counter() - t0
            if isinstance(event, StepStarted) and event.attempt == 1:
                timings[event.step_id].start = now
            elif isinstance(event, StepFinished):
                timings[event.step_id].finish = now
                timings[event.step_id].status = str(event.status.value)

        async with ClientFactory(target, async_credential(target), spec.subscription) as factory:
            t0 = time.perf_counter()
            result = await asyncio.wait_for(
                run_plan(plan, AzureExecutor(factory), concurrency=concurrency, on_event=on_event),
                RUN_TIMEOUT_S,
            )
            wall = time.perf_counter() - t0
        log = await asyncio.to_thread(_requests, emu.base_url)
    crit = max((f for _, f in sched.values()), default=0.0)
    seq = sum(durations.values())
    registrations = sum(durations[s.id] for s in plan.steps if s.kind == "action/register-provider")
    op_total = sum(started_ops) + registrations
    model_check = (
        f"ops started {len(started_ops)}, their durations + registrations {op_total:.2f} s "
        f"vs model sequential {seq:.2f} s"
    )
    finish = {k: t.finish for k, t in timings.items()}
    actual = chain(plan, finish)
    by_id = {s.id: s for s in plan.steps}
    rows = []
    for sid in actual:
        t = timings[sid]
        ready = max((timings[d].finish for d in by_id[sid].depends_on), default=0.0)
        rows.append(
            {
                "step": sid,
                "emulator_s": round(t.emulator_s, 3),
                "start_lag_s": round(t.start - ready, 3),
                "took_s": round(t.took, 3),
                "overhead_s": round(t.took - t.emulator_s, 3),
            }
        )
    methods = Counter(str(e["method"]) for e in log)
    return Report(
        file=file.name,
        steps=len(plan.steps),
        status=str(result.status.value),
        time_scale=scale,
        sdk_import_s=round(import_s, 3),
        wall_s=round(wall, 3),
        critical_s=round(crit, 3),
        sequential_s=round(seq, 3),
        plan_critical_s=round(plan.critical_path_s() * scale, 3),
        plan_sequential_s=round(plan.sequential_s() * scale, 3),
        wall_over_critical=round(wall / crit, 3) if crit else 0.0,
        wall_over_sequential=round(wall / seq, 3) if seq else 0.0,
        critical_path=chain(plan, {k: v[1] for k, v in sched.items()}),
        model_check=model_check,
        requests=len(log),
        by_method=dict(sorted(methods.items())),
        by_purpose=dict(sorted(classify(log).items())),
        actual_chain=rows,
        timings=[
            {**asdict(t), "took": round(t.took, 3)}
            for t in sorted(timings.values(), key=lambda t: t.start)
        ],
    )


def _requests(base_url: str) -> list[dict[str, Any]]:
    import urllib.request

    with urllib.request.urlopen(f"{base_url}/_emulator/requests", timeout=10) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def print_report(r: Report, steps: bool) -> None:
    print(f"{r.file}: {r.steps} steps, run {r.status}, time scale {r.time_scale}")
    print(
        f"  wall time                      {r.wall_s:7.2f} s   (SDK modules imported before the "
        f"run: {r.sdk_import_s:.2f} s)"
    )
    print(
        f"  critical path (emulator)       {r.critical_s:7.2f} s   "
        f"wall/critical   {r.wall_over_critical:.3f}"
    )
    print(
        f"  sequential sum (emulator)      {r.sequential_s:7.2f} s   "
        f"wall/sequential {r.wall_over_sequential:.3f}"
    )
    print(
        f"  plan estimates: critical {r.plan_critical_s:.2f} s, sequential "
        f"{r.plan_sequential_s:.2f} s"
    )
    print(f"  model check: {r.model_check}")
    print("  critical path: " + " -> ".join(r.critical_path))
    print("  the run's actual chain (start lag after the last dependency; overhead beyond the")
    print("  emulator's duration):")
    for row in r.actual_chain:
        print(
            f"    {row['step']:<44} emu {row['emulator_s']:6.2f}  lag {row['start_lag_s']:6.3f}"
            f"  took {row['took_s']:6.3f}  over {row['overhead_s']:+6.3f}"
        )
    print(f"  ARM requests: {r.requests} ({', '.join(f'{k} {v}' for k, v in r.by_method.items())})")
    print(f"    by purpose: {', '.join(f'{k} {v}' for k, v in r.by_purpose.items())}")
    if steps:
        print("  every step (start, finish vs earliest start/finish from emulator durations):")
        for t in r.timings:
            print(
                f"    {t['id']:<44} {t['start']:6.2f}-{t['finish']:6.2f} "
                f"(earliest {t['earliest_start']:6.2f}-{t['earliest_finish']:6.2f}) {t['status']}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", default=[str(ROOT / f) for f in DEFAULT_FILES])
    parser.add_argument("--time-scale", type=float, default=0.01)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--steps", action="store_true", help="print every step's timing")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="don't import the SDK before the first run: it pays the imports, as a fresh "
        "`aksiso apply` process does (the wizard imports them at start)",
    )
    args = parser.parse_args()
    reports = [
        asyncio.run(run(Path(f), args.time_scale, args.concurrency, args.cold)) for f in args.files
    ]
    az = az_cli_requests()
    if args.json:
        print(json.dumps({"runs": [asdict(r) for r in reports], "az_cli": az}, indent=2))
        return
    for r in reports:
        print_report(r, args.steps)
    if az is not None:
        print(
            f"az CLI, seed-000 sequence (captured_bodies.md 01-14 + derived reads): "
            f"{az['total']} requests (writes {az['writes']}, GETs {az['gets']}); "
            "see az_cli_requests() for the method"
        )


if __name__ == "__main__":
    main()
