"""Messages a run's worker posts to the execution panel: only these cross from the engine into
the UI (STYLE habit 3). Progress of one step collapses: a queued progress message is dropped when a
newer one for the same step is waiting behind it (toolong's `can_replace`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:  # the engine loads when a run starts, not with the first screen
    from aksiso_tui.engine import Event, RunResult


class EngineEvent(Message):
    """One event of the run's stream (`StepStarted`, `StepProgress`, ...)."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        if not getattr(self.event, "can_replace", False):
            return False
        if not isinstance(message, EngineEvent) or type(message.event) is not type(self.event):
            return False
        return getattr(message.event, "step_id", None) == getattr(self.event, "step_id", "")


class RunCompleted(Message):
    """The run's worker ended: with the engine's result, or with why it could not run."""

    def __init__(self, result: RunResult | None, problem: str = "") -> None:
        super().__init__()
        self.result = result
        self.problem = problem


class CleanupLine(Message):
    """A line of output from deleting what a demo run created."""

    def __init__(self, line: str) -> None:
        super().__init__()
        self.line = line


class CleanupDone(Message):
    def __init__(self, code: int, problem: str = "") -> None:
        super().__init__()
        self.code = code
        self.problem = problem


def is_progress(event: Any) -> bool:
    return bool(getattr(event, "can_replace", False))
