"""The engine: runs a Plan as an asyncio DAG, reports a typed event stream, journals and resumes.

Public API::

    result = await run_plan(plan, executor, on_event=[Journal(), ConsoleView()], concurrency=8)

The engine imports neither Textual nor the Azure SDK: Azure work plugs in through
:class:`StepExecutor`. `ConsoleView` (Rich) is loaded only when it is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aksiso_tui.engine.context import (
    RetryPolicy,
    RunHandle,
    StepContext,
    StepExecutor,
    StepOutcome,
)
from aksiso_tui.engine.errors import (
    FIXES,
    INTERNAL_ERROR,
    RETRYABLE_AFTER_ROLE_ASSIGNMENT,
    RETRYABLE_CODES,
    StepError,
    is_retryable,
    suggest_fix,
)
from aksiso_tui.engine.events import (
    Event,
    FailedStep,
    InFlightStep,
    PlannedStep,
    RunFinished,
    RunStarted,
    RunStatus,
    RunSummary,
    SkippedStep,
    StepFinished,
    StepLog,
    StepOperation,
    StepProgress,
    StepStarted,
    StepStatus,
    event_from_json,
    redacted,
    to_json,
)
from aksiso_tui.engine.journal import (
    Journal,
    JournaledStep,
    JournalState,
    RunInfo,
    journal_path,
    list_runs,
    load_journal,
    new_run_id,
    read_journal,
)
from aksiso_tui.engine.jsonl import JsonlWriter
from aksiso_tui.engine.planinfo import plan_fingerprint
from aksiso_tui.engine.redact import REDACTED, redact
from aksiso_tui.engine.result import RunResult, StepResult
from aksiso_tui.engine.runner import ResumeRefused, Subscriber, run_plan
from aksiso_tui.engine.tracker import RunTracker, StepRow

if TYPE_CHECKING:
    from aksiso_tui.engine.console import ConsoleView


def __getattr__(name: str) -> Any:
    if name == "ConsoleView":
        from aksiso_tui.engine.console import ConsoleView

        return ConsoleView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FIXES",
    "INTERNAL_ERROR",
    "REDACTED",
    "RETRYABLE_AFTER_ROLE_ASSIGNMENT",
    "RETRYABLE_CODES",
    "ConsoleView",
    "Event",
    "FailedStep",
    "InFlightStep",
    "Journal",
    "JournalState",
    "JournaledStep",
    "JsonlWriter",
    "PlannedStep",
    "ResumeRefused",
    "RetryPolicy",
    "RunFinished",
    "RunHandle",
    "RunInfo",
    "RunResult",
    "RunStarted",
    "RunStatus",
    "RunSummary",
    "RunTracker",
    "SkippedStep",
    "StepContext",
    "StepError",
    "StepExecutor",
    "StepFinished",
    "StepLog",
    "StepOperation",
    "StepOutcome",
    "StepProgress",
    "StepResult",
    "StepRow",
    "StepStarted",
    "StepStatus",
    "Subscriber",
    "event_from_json",
    "is_retryable",
    "journal_path",
    "list_runs",
    "load_journal",
    "new_run_id",
    "plan_fingerprint",
    "read_journal",
    "redact",
    "redacted",
    "run_plan",
    "suggest_fix",
    "to_json",
]
