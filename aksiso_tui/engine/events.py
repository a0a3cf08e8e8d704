"""The typed event stream of a run: what the TUI, the console, `--events jsonl` and the journal see.

A run is reported only through these frozen dataclasses, handed to subscribers in order
(like Pulumi's automation API ``on_event``). :func:`to_json` turns one into a JSON object with a
``"type"`` key, always through :func:`~aksiso_tui.engine.redact.redact`; :func:`event_from_json`
reads it back (the journal and tests do). Unknown keys are ignored so older readers keep working.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from aksiso_tui.engine.errors import StepError
from aksiso_tui.engine.redact import redact


class StepStatus(StrEnum):
    SUCCEEDED = "succeeded"
    """The step changed Azure (created or updated something) or its check passed."""
    UNCHANGED = "unchanged"
    """Azure already matched the desired state; nothing was sent."""
    FAILED = "failed"
    SKIPPED = "skipped"
    """Not run because a dependency failed, was skipped or was cancelled."""
    CANCELLED = "cancelled"
    """The run was cancelled before or while this step ran."""

    @property
    def ok(self) -> bool:
        """Dependents may start after this status."""
        return self in (StepStatus.SUCCEEDED, StepStatus.UNCHANGED)


class RunStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PlannedStep:
    """What subscribers need to know about a step up front (never its body)."""

    id: str
    title: str
    kind: str
    resource_id: str
    depends_on: tuple[str, ...] = ()
    estimate_s: float = 5.0
    area: str = ""


@dataclass(frozen=True)
class RunStarted:
    run_id: str
    plan_steps: tuple[PlannedStep, ...]
    started_at: str
    """Wall-clock start, ISO 8601 UTC."""
    target: str = ""
    """Where the run goes: an ARM endpoint and subscription, or `emulator`."""
    plan_hash: str = ""
    """Fingerprint of the plan's operations; resume refuses a journal with another one."""
    spec_hash: str = ""
    """Hash of the config the plan was built from (informational)."""
    concurrency: int = 8
    resumed: bool = False


@dataclass(frozen=True)
class StepStarted:
    step_id: str
    attempt: int
    operation: str
    """The ARM operation about to be done, e.g. `PUT /subscriptions/.../virtualNetworks/x`."""


@dataclass(frozen=True)
class StepOperation:
    """The executor announced the ARM operation it is doing now (a step may do several)."""

    step_id: str
    operation: str


@dataclass(frozen=True)
class StepProgress:
    """Progress of a running step. Consumers may keep only the latest one per step."""

    step_id: str
    message: str
    fraction: float | None = None

    can_replace = True


@dataclass(frozen=True)
class StepLog:
    step_id: str
    level: str
    """`debug`, `info`, `warning` or `error`."""
    message: str


@dataclass(frozen=True)
class StepFinished:
    step_id: str
    status: StepStatus
    duration_s: float
    outputs: dict[str, Any] = field(default_factory=dict)
    error: StepError | None = None
    reason: str = ""
    """Why it was skipped or cancelled (`dependency network.vnet failed`)."""
    in_flight_operation: str = ""
    """For a step cancelled while running: the operation that may still be running in Azure."""
    attempts: int = 0
    resumed: bool = False
    """The step was done in an earlier part of this run and re-checked with a GET."""


@dataclass(frozen=True)
class FailedStep:
    step_id: str
    title: str
    code: str
    message: str
    fix: str = ""


@dataclass(frozen=True)
class SkippedStep:
    step_id: str
    reason: str


@dataclass(frozen=True)
class InFlightStep:
    step_id: str
    operation: str


@dataclass(frozen=True)
class RunSummary:
    """The end of a run in words: what was created, what failed and why, what to do next."""

    created: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    failed: tuple[FailedStep, ...] = ()
    skipped: tuple[SkippedStep, ...] = ()
    cancelled: tuple[str, ...] = ()
    in_flight: tuple[InFlightStep, ...] = ()
    """Operations that were still running in Azure when the run was cancelled."""
    next_steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunFinished:
    run_id: str
    status: RunStatus
    duration_s: float
    counts: dict[str, int]
    summary: RunSummary
    reason: str = ""
    """Why the run ended early (cancel reason), if it did."""


Event = (
    RunStarted | StepStarted | StepOperation | StepProgress | StepLog | StepFinished | RunFinished
)
EVENT_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        RunStarted,
        StepStarted,
        StepOperation,
        StepProgress,
        StepLog,
        StepFinished,
        RunFinished,
    )
}


def _plain(value: Any) -> Any:
    if isinstance(value, StepError):
        return value.to_json()
    if isinstance(value, StrEnum):
        return value.value
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def to_json(event: Event) -> dict[str, Any]:
    """The event as a redacted JSON object: ``{"type": "StepFinished", ...}``."""
    data = {"type": type(event).__name__}
    data.update(_plain(event))
    return redact(data)  # type: ignore[no-any-return]


def _tuple_of(cls: type, items: Any) -> tuple[Any, ...]:
    return tuple(_build(cls, item) for item in items or ())


def _build(cls: type, data: dict[str, Any]) -> Any:
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in known})


def event_from_json(data: dict[str, Any]) -> Event:
    """Rebuild an event from :func:`to_json`'s output (as read back from a journal)."""
    kind = data.get("type")
    cls = EVENT_TYPES.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown event type {kind!r}")
    values = {k: v for k, v in data.items() if k != "type"}
    if cls is RunStarted:
        values["plan_steps"] = tuple(
            _build(PlannedStep, {**s, "depends_on": tuple(s.get("depends_on", ()))})
            for s in values.get("plan_steps", ())
        )
    elif cls is StepFinished:
        values["status"] = StepStatus(values["status"])
        if values.get("error") is not None:
            values["error"] = StepError.from_json(values["error"])
    elif cls is RunFinished:
        values["status"] = RunStatus(values["status"])
        s = dict(values.get("summary") or {})
        values["summary"] = RunSummary(
            created=tuple(s.get("created", ())),
            unchanged=tuple(s.get("unchanged", ())),
            failed=_tuple_of(FailedStep, s.get("failed")),
            skipped=_tuple_of(SkippedStep, s.get("skipped")),
            cancelled=tuple(s.get("cancelled", ())),
            in_flight=_tuple_of(InFlightStep, s.get("in_flight")),
            next_steps=tuple(s.get("next_steps", ())),
        )
    return _build(cls, values)  # type: ignore[no-any-return]


def redacted(event: Event) -> Event:
    """The event with its secrets masked (for subscribers that show fields, like the console)."""
    return event_from_json(to_json(event))
