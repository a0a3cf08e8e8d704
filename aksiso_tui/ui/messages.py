"""Messages the wizard's widgets and screens post upwards (STYLE habit 4: attributes down,
messages up)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:  # the plan builder loads when the review is first shown, not at startup
    from aksiso_tui.plan.model import Plan
    from aksiso_tui.spec import Spec


class FieldEdited(Message):
    """The operator changed the value of the Spec field at `path` (typed, picked or chosen)."""

    def __init__(self, path: str, value: Any) -> None:
        super().__init__()
        self.path = path
        self.value = value


class ApplyRequested(Message):
    """The operator confirmed Apply on the review screen. The app's `start_apply` handles it."""

    def __init__(self, spec: Spec, plan: Plan) -> None:
        super().__init__()
        self.spec = spec
        self.plan = plan
