"""A run's live state, folded from its events: what the console and the TUI's execution panel draw.

Pure data, no Rich and no Textual: each row's status, elapsed time, current operation and latest
progress message, the overall fraction done (weighted by `estimate_s`) and an ETA. The ETA is the
longer of the remaining critical path and the remaining work divided by the concurrency; a running
step counts with what is left of its estimate (at least a tenth of it, since Azure runs late).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aksiso_tui.engine.errors import StepError
from aksiso_tui.engine.events import (
    Event,
    PlannedStep,
    RunFinished,
    RunStarted,
    StepFinished,
    StepLog,
    StepOperation,
    StepProgress,
    StepStarted,
    StepStatus,
)


@dataclass
class StepRow:
    step: PlannedStep
    status: StepStatus | None = None
    """None: pending (not started); see `running`."""
    running: bool = False
    started_at: float | None = None
    duration_s: float | None = None
    attempt: int = 0
    operation: str = ""
    message: str = ""
    fraction: float | None = None
    error: StepError | None = None
    reason: str = ""
    logs: list[tuple[str, str]] = field(default_factory=list)

    def elapsed(self, now: float) -> float | None:
        if self.duration_s is not None:
            return self.duration_s
        if self.started_at is not None:
            return now - self.started_at
        return None


class RunTracker:
    """Folds events into rows; `clock` must be the same kind of clock for every call."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.run_id = ""
        self.rows: dict[str, StepRow] = {}
        self.concurrency = 8
        self.started_at: float | None = None
        self.finished: RunFinished | None = None

    def apply(self, event: Event) -> None:
        now = self.clock()
        if isinstance(event, RunStarted):
            self.run_id = event.run_id
            self.concurrency = event.concurrency
            self.started_at = now
            for planned in event.plan_steps:
                self.rows.setdefault(planned.id, StepRow(planned))
            return
        if isinstance(event, RunFinished):
            self.finished = event
            return
        row = self.rows.get(event.step_id)
        if row is None:
            return
        if isinstance(event, StepStarted):
            if row.started_at is None or not row.running:
                row.started_at = now
            row.running, row.status, row.duration_s = True, None, None
            row.attempt, row.operation = event.attempt, event.operation
        elif isinstance(event, StepOperation):
            row.operation = event.operation
        elif isinstance(event, StepProgress):
            row.message, row.fraction = event.message, event.fraction
        elif isinstance(event, StepLog):
            row.logs.append((event.level, event.message))
        elif isinstance(event, StepFinished):
            row.running = False
            row.status, row.duration_s = event.status, event.duration_s
            row.error, row.reason = event.error, event.reason
            if event.in_flight_operation:
                row.operation = event.in_flight_operation

    def done_count(self) -> int:
        return sum(1 for r in self.rows.values() if r.status is not None)

    def _remaining(self, row: StepRow, now: float) -> float:
        if row.status is not None:
            return 0.0
        estimate = row.step.estimate_s
        if row.running and row.started_at is not None:
            return max(estimate - (now - row.started_at), estimate * 0.1)
        return estimate

    def fraction(self) -> float:
        """Share of the estimated work that is done, 0..1."""
        now = self.clock()
        total = sum(r.step.estimate_s for r in self.rows.values())
        if total <= 0:
            return 1.0 if self.rows and self.done_count() == len(self.rows) else 0.0
        left = sum(self._remaining(r, now) for r in self.rows.values())
        return min(1.0, max(0.0, 1.0 - left / total))

    def eta_s(self) -> float:
        """Estimated seconds until the run ends."""
        now = self.clock()
        finish: dict[str, float] = {}
        work = 0.0
        for sid, row in self.rows.items():  # plan order is topological
            start = max((finish.get(d, 0.0) for d in row.step.depends_on), default=0.0)
            remaining = self._remaining(row, now)
            work += remaining
            finish[sid] = start + remaining
        critical = max(finish.values(), default=0.0)
        return max(critical, work / max(1, self.concurrency))

    def elapsed_s(self) -> float:
        if self.finished is not None:
            return self.finished.duration_s
        return 0.0 if self.started_at is None else self.clock() - self.started_at
