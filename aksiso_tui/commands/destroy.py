"""`aksiso destroy RUN_ID`: delete what one run created, and nothing else, in reverse order.

What counts as created: every ensure step whose last outcome in the journal is `succeeded` (not
`unchanged`: that resource existed before), at the id the step recorded. Not undone: provider
registrations, updates of existing clusters (`scenario: disable` does that properly) and checks.
Steps killed in the middle of a write are listed, not deleted: the journal cannot tell whether
the resource existed before the write.

Order: a resource is deleted once everything created after it that depends on it (directly or
through other steps) is gone, so independent deletes overlap (a cluster and a firewall each take
minutes). The resource group, if the run created it, goes last and only when it is empty of
anything else: otherwise it is kept and the leftovers are named.

The target is the one the journal recorded (the ARM endpoint, or the demo emulator's state file);
a different `--arm-endpoint`/`--demo` is refused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from typing import Any

from aksiso_tui.commands.apply import EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_FAILED, EXIT_OK, confirm
from aksiso_tui.commands.session import SessionError, choose_target, open_factory, target_from_label

RG_KIND = "microsoft.resources/resourcegroups"
DELETE_ATTEMPTS = 6


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("run_id", metavar="RUN_ID", help="the run whose resources to delete")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--demo", action="store_true", help="the run was a demo run")
    where.add_argument("--arm-endpoint", metavar="URL", help="the ARM the run used")
    p.add_argument("--state", metavar="FILE", help="with --demo: the emulator's state file")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")


@dataclass(frozen=True)
class Doomed:
    step_id: str
    kind: str
    rid: str
    blocked_by: tuple[str, ...]
    """Step ids (also being deleted) that must be gone first."""


def _err(message: str) -> None:
    print(f"aksiso destroy: {message}", file=sys.stderr)


def plan_steps(path: Any) -> list[Any]:
    """The planned steps from the journal's first RunStarted line."""
    from aksiso_tui.engine import RunStarted, event_from_json

    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                event = event_from_json(json.loads(line))
            except (ValueError, TypeError, KeyError):
                continue
            if isinstance(event, RunStarted):
                return list(event.plan_steps)
    return []


def created_resources(state: Any, steps: list[Any]) -> tuple[list[Doomed], list[str]]:
    """(what the run created, in reverse plan order; steps interrupted mid-write)."""
    from aksiso_tui.engine import StepStatus

    by_id = {s.id: s for s in steps}
    ancestors: dict[str, set[str]] = {}
    for s in steps:  # topological order
        found: set[str] = set()
        for dep in s.depends_on:
            found |= {dep} | ancestors.get(dep, set())
        ancestors[s.id] = found
    created: list[str] = []
    interrupted: list[str] = []
    for s in steps:
        entry = state.steps.get(s.id)
        if entry is None or not s.kind.startswith("Microsoft."):
            continue
        if entry.status is StepStatus.SUCCEEDED:
            created.append(s.id)
        elif entry.write_issued or entry.in_flight:
            interrupted.append(s.id)
    doomed = []
    for sid in reversed(created):
        s = by_id[sid]
        rid = str(state.steps[sid].outputs.get("id") or s.resource_id)
        if "{" in rid:
            continue
        blockers = tuple(o for o in created if sid in ancestors.get(o, set()))
        doomed.append(Doomed(sid, s.kind, rid, blockers))
    return doomed, interrupted


def run_destroy(args: argparse.Namespace) -> int:
    from aksiso_tui.engine import load_journal

    try:
        state = load_journal(args.run_id)
    except (FileNotFoundError, ValueError) as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    try:
        recorded = target_from_label(state.target)
        if args.demo or args.arm_endpoint:
            asked = choose_target(
                demo=args.demo, arm_endpoint=args.arm_endpoint, cloud=None, state=args.state
            )
            if asked.label != recorded.label:
                _err(f"run {state.run_id} ran on {state.target or 'Azure'}, not {asked.label}.")
                return EXIT_BAD_INPUT
    except SessionError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    doomed, interrupted = created_resources(state, plan_steps(state.path))
    lines = [f"Run {state.run_id} on {recorded.label}:"]
    if interrupted:
        lines.append("Interrupted mid-write (not deleted; resume the run first, or check by hand):")
        lines += [f"  ? {sid}" for sid in interrupted]
    if not doomed:
        lines.append("It created no resources; nothing to delete.")
        confirm(lines, "", True, sys.stdout)
        return EXIT_OK
    lines.append(f"Deletes these {len(doomed)} resources it created, in this order:")
    lines += [f"  - {d.rid}" for d in doomed]
    refused = confirm(lines, "Delete them?", args.yes, sys.stdout, "destroy")
    if refused is not None:
        return refused
    subscription = doomed[0].rid.split("/")[2]
    try:
        return asyncio.run(_destroy(recorded, subscription, doomed))
    except (KeyboardInterrupt, asyncio.CancelledError):
        return EXIT_CANCELLED


async def _destroy(choice: Any, subscription: str, doomed: list[Doomed]) -> int:
    from aksiso_tui.azure.target import LoginRequired

    try:
        async with open_factory(choice, subscription) as factory:
            return await delete_all(factory, doomed)
    except LoginRequired as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT


async def delete_all(factory: Any, doomed: list[Doomed], out: Any = None) -> int:
    """Delete `doomed` respecting `blocked_by`; 0 if everything is gone, else 1."""
    out = out or sys.stdout
    tasks: dict[str, asyncio.Task[bool]] = {}
    ours = {d.rid.lower() for d in doomed}

    async def one(item: Doomed) -> bool:
        blockers = [tasks[b] for b in item.blocked_by if b in tasks]
        results = await asyncio.gather(*blockers)
        if not all(results):
            print(f"  kept {item.rid}: something that depends on it was not deleted", file=out)
            return False
        if item.kind.lower() == RG_KIND and not await _group_empty(factory, item.rid, ours, out):
            return False
        return await _delete(factory, item, out)

    for item in doomed:
        tasks[item.step_id] = asyncio.ensure_future(one(item))
    results = await asyncio.gather(*tasks.values())
    gone = sum(results)
    print(f"Deleted {gone} of {len(doomed)} resources.", file=out)
    return EXIT_OK if all(results) else EXIT_FAILED


async def _group_empty(factory: Any, rid: str, ours: set[str], out: Any) -> bool:
    group = rid.rstrip("/").rsplit("/", 1)[-1]
    ops = factory.get("resource").resources
    others = [r.id async for r in ops.list_by_resource_group(group) if r.id.lower() not in ours]
    if others:
        print(
            f"  kept resource group {group}: it holds {len(others)} resources this run did "
            "not create, e.g. " + ", ".join(o.rsplit("/", 1)[-1] for o in others[:3]),
            file=out,
        )
        return False
    return True


async def _delete(factory: Any, item: Doomed, out: Any) -> bool:
    from aksiso_tui.azure.failures import step_error
    from aksiso_tui.azure.resources import delete

    for attempt in range(1, DELETE_ATTEMPTS + 1):
        try:
            existed = await delete(factory, item.rid)
        except Exception as exc:
            err = step_error(exc)
            if err is None:
                raise
            transient = err.retryable or err.code in (
                "AnotherOperationInProgress",
                "InUseSubnetCannotBeDeleted",
                "RetryableError",
            )
            if transient and attempt < DELETE_ATTEMPTS:
                await asyncio.sleep(min(30.0, factory.polling_interval * 2**attempt))
                continue
            print(f"  FAILED {item.rid}: ({err.code}) {err.message}", file=out)
            return False
        print(f"  {'deleted' if existed else 'already gone'} {item.rid}", file=out, flush=True)
        return True
    return False
