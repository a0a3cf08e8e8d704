"""The typed result of a run, and the summary in words that ends every run.

`run_plan` returns a :class:`RunResult` (Pulumi's automation API habit: events while it runs, a
typed result at the end). :func:`build_summary` turns the step results into the
:class:`~aksiso_tui.engine.events.RunSummary` that `RunFinished` carries: what was created, what
failed with which code and fix, what was skipped because of what, which operations were still
running in Azure at a cancel, and what to do next.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aksiso_tui.engine.errors import StepError
from aksiso_tui.engine.events import (
    FailedStep,
    InFlightStep,
    RunStatus,
    RunSummary,
    SkippedStep,
    StepFinished,
    StepStatus,
)
from aksiso_tui.plan.model import Plan

# Mirrors aksiso_tui.cli's public exit codes; the engine sits below the CLI and cannot import it.
_EXIT_CODES = {RunStatus.SUCCEEDED: 0, RunStatus.FAILED: 1, RunStatus.CANCELLED: 130}


@dataclass(frozen=True)
class StepResult:
    status: StepStatus
    duration_s: float = 0.0
    outputs: dict[str, Any] = field(default_factory=dict)
    error: StepError | None = None
    reason: str = ""
    in_flight_operation: str = ""
    attempts: int = 0
    resumed: bool = False

    def finished_event(self, step_id: str) -> StepFinished:
        return StepFinished(
            step_id,
            self.status,
            self.duration_s,
            self.outputs,
            self.error,
            self.reason,
            self.in_flight_operation,
            self.attempts,
            self.resumed,
        )


@dataclass(frozen=True)
class RunResult:
    run_id: str
    status: RunStatus
    duration_s: float
    steps: dict[str, StepResult]
    summary: RunSummary
    reason: str = ""

    @property
    def outputs(self) -> dict[str, dict[str, Any]]:
        """Recorded outputs per step (not redacted: this never leaves the process)."""
        return {sid: r.outputs for sid, r in self.steps.items() if r.status.ok}

    @property
    def exit_code(self) -> int:
        """0 succeeded, 1 failed, 130 cancelled (the CLI's public contract)."""
        return _EXIT_CODES[self.status]

    def counts(self) -> dict[str, int]:
        return count_statuses(self.steps)


def count_statuses(steps: dict[str, StepResult]) -> dict[str, int]:
    counts = Counter(r.status.value for r in steps.values())
    return {s.value: counts.get(s.value, 0) for s in StepStatus}


def run_status(steps: dict[str, StepResult], cancelled: bool) -> RunStatus:
    statuses = {r.status for r in steps.values()}
    if cancelled and StepStatus.CANCELLED in statuses:
        return RunStatus.CANCELLED
    if statuses & {StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.CANCELLED}:
        return RunStatus.FAILED
    return RunStatus.SUCCEEDED


def build_summary(
    plan: Plan, steps: dict[str, StepResult], status: RunStatus, resume_command: str
) -> RunSummary:
    """Summarize step results in plan order, with the next things the user should do."""
    created, unchanged, cancelled = [], [], []
    failed: list[FailedStep] = []
    skipped: list[SkippedStep] = []
    in_flight: list[InFlightStep] = []
    for step in plan.steps:
        result = steps.get(step.id)
        if result is None:
            continue
        if result.status is StepStatus.SUCCEEDED:
            created.append(step.id)
        elif result.status is StepStatus.UNCHANGED:
            unchanged.append(step.id)
        elif result.status is StepStatus.FAILED:
            err = result.error or StepError("Unknown", "no error recorded")
            failed.append(FailedStep(step.id, step.title, err.code, err.message, err.fix))
        elif result.status is StepStatus.SKIPPED:
            skipped.append(SkippedStep(step.id, result.reason))
        else:
            cancelled.append(step.id)
            if result.in_flight_operation:
                in_flight.append(InFlightStep(step.id, result.in_flight_operation))

    next_steps: list[str] = []
    if in_flight:
        next_steps.append(
            "The operations listed as still running will finish in Azure on their own; "
            "resuming re-checks them before going on."
        )
    if failed:
        next_steps.append("Fix what each failure's advice says (nothing else needs undoing).")
    if status is not RunStatus.SUCCEEDED:
        next_steps.append(f"Continue where this run stopped: {resume_command}")
    else:
        next_steps.append(
            "Running apply again with the same config is safe: every step reports unchanged."
        )
    return RunSummary(
        created=tuple(created),
        unchanged=tuple(unchanged),
        failed=tuple(failed),
        skipped=tuple(skipped),
        cancelled=tuple(cancelled),
        in_flight=tuple(in_flight),
        next_steps=tuple(next_steps),
    )
