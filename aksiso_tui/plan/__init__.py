"""The plan builder: a pure function from a Spec to a Plan, a DAG of Steps.

No Azure SDK, no Textual, no I/O: `aksiso plan` is instant and every combination of choices can
be tested without a server. See `build.py` for the scenarios and `model.py` for the types.
"""

from __future__ import annotations

from aksiso_tui.plan.build import build_plan
from aksiso_tui.plan.model import Area, Operation, Plan, Ref, Step

__all__ = ["Area", "Operation", "Plan", "Ref", "Step", "build_plan"]
