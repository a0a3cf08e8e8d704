"""Exports of a Plan: readable text, the JSON contract, a runnable `az` script.

`render(plan, spec, fmt)` is what `aksiso plan FILE --format text|json|az` prints. Pure functions,
no heavy imports, so the command stays instant.
"""

from __future__ import annotations

from aksiso_tui.plan.model import Plan
from aksiso_tui.spec import Spec

FORMATS = ("text", "json", "az")


def render(plan: Plan, spec: Spec, fmt: str) -> str:
    if fmt == "json":
        from aksiso_tui.export.json_plan import render_json

        return render_json(plan, spec)
    if fmt == "az":
        from aksiso_tui.export.az_script import render_az

        return render_az(plan, spec)
    if fmt == "text":
        from aksiso_tui.export.text import render_text

        return render_text(plan, spec)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
