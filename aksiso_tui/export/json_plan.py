"""The plan as JSON: the public contract `{"steps": [{"id","title","kind","resource_id",
"depends_on","az"}]}`, plus extra keys (area, estimate, body with Refs as `{"$ref": "step#output"}`,
...) that consumers may ignore. Top-level `warnings` and `estimate` are extras as well.
"""

from __future__ import annotations

import json
from typing import Any

from aksiso_tui.plan.model import Plan, Ref, Step
from aksiso_tui.spec import Spec


def to_data(value: Any) -> Any:
    """Plain JSON data, with every `Ref` as `{"$ref": "step#output"}`."""
    if isinstance(value, Ref):
        return value.to_json()
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    return value


def step_data(step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": step.id,
        "title": step.title,
        "kind": step.kind,
        "resource_id": step.resource_id,
        "depends_on": list(step.depends_on),
        "az": list(step.az),
        "area": step.area.value,
        "operation": step.operation.value,
        "estimate_s": step.estimate_s,
        "outputs": list(step.outputs),
    }
    if step.body is not None:
        data["body"] = to_data(step.body)
    if step.api_version:
        data["api_version"] = step.api_version
    if step.params:
        data["params"] = to_data(step.params)
    if step.disruptive:
        data["disruptive"] = step.disruptive
    if step.note:
        data["note"] = step.note
    return data


def plan_data(plan: Plan, spec: Spec) -> dict[str, Any]:
    return {
        "scenario": spec.scenario.value,
        "steps": [step_data(s) for s in plan.steps],
        "warnings": list(plan.warnings),
        "estimate": {
            "sequential_s": plan.sequential_s(),
            "critical_path_s": plan.critical_path_s(),
            "critical_path": plan.critical_path(),
        },
    }


def render_json(plan: Plan, spec: Spec) -> str:
    return json.dumps(plan_data(plan, spec), indent=2) + "\n"
