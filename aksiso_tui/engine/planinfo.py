"""What the engine derives from a Plan before running it: checks, a fingerprint, priorities.

- :func:`check_plan` refuses a plan the runner cannot execute (unknown or later dependencies,
  duplicate ids) before anything is sent.
- :func:`plan_fingerprint` identifies the plan's *operations* (ids, kinds, resource ids, bodies,
  dependencies), not its titles or estimates, so a journal can only be resumed with the plan it
  was started with.
- :func:`tail_lengths` ranks ready steps: the one heading the longest remaining chain starts first,
  which keeps the run close to the critical path when concurrency is the limit.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aksiso_tui.engine.events import PlannedStep
from aksiso_tui.plan.model import Plan, Ref


def check_plan(plan: Plan) -> None:
    """Raise ValueError if the steps are not a valid topological order of a DAG."""
    seen: set[str] = set()
    for step in plan.steps:
        if step.id in seen:
            raise ValueError(f"plan has two steps with id {step.id!r}")
        for dep in step.depends_on:
            if dep not in seen:
                where = "later in the plan" if dep in plan.ids else "not in the plan"
                raise ValueError(f"step {step.id!r} depends on {dep!r}, which is {where}")
        seen.add(step.id)


def _canonical(value: Any) -> Any:
    if isinstance(value, Ref):
        return value.to_json()
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def plan_fingerprint(plan: Plan) -> str:
    """A short stable hash of what the plan does in Azure."""
    ops = [
        {
            "id": s.id,
            "kind": s.kind,
            "resource_id": s.resource_id.lower(),
            "operation": s.operation.value,
            "depends_on": sorted(s.depends_on),
            "body": _canonical(s.body),
            "params": _canonical(s.params),
            "api_version": s.api_version,
        }
        for s in plan.steps
    ]
    text = json.dumps(ops, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def planned_steps(plan: Plan) -> tuple[PlannedStep, ...]:
    return tuple(
        PlannedStep(
            id=s.id,
            title=s.title,
            kind=s.kind,
            resource_id=s.resource_id,
            depends_on=tuple(s.depends_on),
            estimate_s=s.estimate_s,
            area=s.area.value,
        )
        for s in plan.steps
    )


def tail_lengths(plan: Plan) -> dict[str, float]:
    """For each step, its estimate plus the longest chain of estimates that waits on it."""
    tails: dict[str, float] = {}
    children: dict[str, list[str]] = {s.id: [] for s in plan.steps}
    for s in plan.steps:
        for dep in s.depends_on:
            children[dep].append(s.id)
    for s in reversed(plan.steps):
        tails[s.id] = s.estimate_s + max((tails[c] for c in children[s.id]), default=0.0)
    return tails
