"""The plan as a readable tree for a terminal: steps grouped by area, then warnings and the time
estimates (every step one after another, and the critical path that `aksiso apply` approaches by
running independent steps in parallel)."""

from __future__ import annotations

from aksiso_tui.plan.model import Area, Plan
from aksiso_tui.spec import Spec


def duration(seconds: float) -> str:
    """`14m 10s`, `45s`, `1h 02m`."""
    total = round(seconds)
    if total < 60:
        return f"{total}s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def render_text(plan: Plan, spec: Spec) -> str:
    out = [
        f"Plan: {spec.scenario.value} {spec.cluster.name} in {spec.resource_group} "
        f"({spec.location}), {len(plan)} steps",
    ]
    for area in Area:
        steps = [s for s in plan.steps if s.area is area]
        if not steps:
            continue
        out.append("")
        out.append(f"{area.value}")
        for i, step in enumerate(steps):
            last = i == len(steps) - 1
            branch, stem = ("└─", "   ") if last else ("├─", "│  ")
            out.append(f"{branch} {step.title}  [{step.id}]  ~{duration(step.estimate_s)}")
            if step.depends_on:
                out.append(f"{stem}   after: {', '.join(step.depends_on)}")
            if step.api_version:
                out.append(f"{stem}   api-version: {step.api_version}")
            if step.disruptive:
                out.append(f"{stem}   DISRUPTIVE: {step.disruptive}")
    if plan.warnings:
        out.append("")
        out.append("Warnings")
        out.extend(f"  ! {w}" for w in plan.warnings)
    out.append("")
    out.append(f"Total, one step after another: {duration(plan.sequential_s())}")
    out.append(f"Critical path (independent steps in parallel): {duration(plan.critical_path_s())}")
    out.append("  " + " -> ".join(plan.critical_path()))
    return "\n".join(out) + "\n"
