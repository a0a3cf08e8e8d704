"""The contract between the runner and whoever does a step's work (the Azure executor, fakes).

An executor implements :class:`StepExecutor`: ``execute`` does one idempotent ensure and returns a
:class:`StepOutcome`, or raises :class:`~aksiso_tui.engine.errors.StepError`; ``verify`` re-checks a
step recorded in a journal with a GET when a run is resumed. Both get a :class:`StepContext`: the
step's body with references resolved, and the way to report progress, logs and the ARM operation
being done. The engine never imports the Azure SDK; this protocol is all it knows of Azure.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from aksiso_tui.engine.events import Event, StepLog, StepOperation, StepProgress, StepStatus
from aksiso_tui.plan.model import Operation, Step

if TYPE_CHECKING:
    from aksiso_tui.engine.journal import JournaledStep

WRITE_VERBS = ("PUT", "PATCH", "POST", "DELETE")
"""Operation descriptions starting with one of these change Azure (and may outlive a cancel)."""


@dataclass(frozen=True)
class StepOutcome:
    """A step that worked: it changed something (`succeeded`) or Azure already matched."""

    status: StepStatus
    outputs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not StepStatus(self.status).ok:
            raise ValueError(f"a StepOutcome is succeeded or unchanged, not {self.status}")


class StepExecutor(Protocol):
    """Runs steps. It may also define ``prepare(plan) -> None``: the runner calls it once as the
    run starts; it must return at once (start background work such as warming imports)."""

    async def execute(self, step: Step, ctx: StepContext) -> StepOutcome:
        """Ensure the step's desired state (GET, compare, write if needed, wait) or raise."""
        ...

    async def verify(
        self, step: Step, recorded_outputs: Mapping[str, Any], ctx: StepContext
    ) -> StepOutcome | None:
        """On resume: re-check a journaled step with a GET. ``None`` = gone; the runner re-runs it.

        Return fresh outputs: secret outputs were masked in the journal and must be re-read.
        """
        ...


class RunHandle:
    """Cancels a run from outside (Ctrl+C handler, the TUI's button) and says whether it was."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.reason = ""

    def cancel(self, reason: str = "cancelled by the user") -> None:
        if not self._event.is_set():
            self.reason = reason
            self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    async def wait(self) -> None:
        await self._event.wait()


@dataclass(frozen=True)
class RetryPolicy:
    """Capped, jittered exponential backoff inside a total time budget per step.

    The wait before retry `n` (1-based) is uniform in ``[d/2, d]``, ``d = min(cap, base*2**(n-1))``
    ("equal jitter": never zero, so a storm of retries spreads out; never above the cap).
    """

    base: float = 1.0
    cap: float = 30.0
    budget_s: float = 600.0
    """Total time a step may spend, attempts and waits included, before its error stands."""
    seed: int | None = None
    """Seed of the jitter's `random.Random`; set it for repeatable runs."""

    def delay(self, retry: int, rng: random.Random) -> float:
        ceiling = min(self.cap, self.base * 2 ** max(0, retry - 1))
        return rng.uniform(ceiling / 2, ceiling)


class StepContext:
    """What an executor gets for one step: resolved inputs and the step's reporting channel."""

    def __init__(
        self,
        step: Step,
        *,
        run_id: str,
        body: dict[str, Any] | None,
        params: dict[str, Any],
        emit: Callable[[Event], None],
        handle: RunHandle,
        previous: JournaledStep | None = None,
    ) -> None:
        self.step = step
        self.run_id = run_id
        self.body = body
        """The step's body with every `Ref` replaced by the value an earlier step recorded."""
        self.params = params
        """The step's params, references resolved the same way."""
        self.previous = previous
        """What the journal says about this step on resume (e.g. it was in flight at a kill)."""
        self.attempt = 0
        self.current_operation = ""
        self._emit = emit
        self._handle = handle

    @property
    def cancelled(self) -> bool:
        """The run is being cancelled; long waits may stop early."""
        return self._handle.cancelled

    def progress(self, message: str, fraction: float | None = None) -> None:
        self._emit(StepProgress(self.step.id, message, fraction))

    def log(self, level: str, message: str) -> None:
        self._emit(StepLog(self.step.id, level, message))

    def operation(self, desc: str) -> None:
        """Announce the ARM operation being done now: `PUT /subscriptions/.../vnet-spoke`."""
        self.current_operation = desc
        self._emit(StepOperation(self.step.id, desc))


def default_operation(step: Step) -> str:
    """How a step's operation reads before its executor says precisely."""
    return f"{step.operation.value} {step.resource_id}"


def is_write(operation: str) -> bool:
    return operation.split(" ", 1)[0].upper() in WRITE_VERBS


def describe_interrupted(step: Step, ctx: StepContext | None, backing_off: bool) -> tuple[str, str]:
    """For a step cancelled while in flight: (operation maybe still running in Azure, reason).

    Only writes outlive a cancel. When the executor never named its operation, an ensure or an
    action is assumed to have sent its write: better a false "may still be running" than silence.
    """
    op = ctx.current_operation if ctx else ""
    if ctx is None or ctx.attempt == 0:
        return "", "cancelled before it sent anything"
    if backing_off:
        return "", "cancelled while waiting to retry"
    if op and not is_write(op):
        return "", f"cancelled during {op} (a read; nothing left running)"
    if op or step.operation in (Operation.ENSURE, Operation.ACTION):
        in_flight = op or default_operation(step)
        return in_flight, f"cancelled while running; may still be running in Azure: {in_flight}"
    return "", "cancelled while running (a check; nothing left running)"
