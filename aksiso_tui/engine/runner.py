"""The DAG runner: executes a Plan with bounded concurrency and reports it as a stream of events.

A step starts the moment all its dependencies succeeded (or were already unchanged), so independent
work overlaps and a run approaches the plan's critical path; among ready steps the one heading the
longest remaining chain goes first. A failed step skips only its dependents (each says which
dependency failed); everything independent still finishes. Eventual-consistency errors are retried
with capped jittered backoff within a per-step budget; an unexpected exception in an executor
becomes a failed step with code ``InternalError`` and never crashes the run.

Cancelling (:meth:`RunHandle.cancel`, or cancelling the task running :func:`run_plan`) stops
launching steps, marks the ones not started `cancelled`, cancels the executors' coroutines and says
which Azure operations may still be running there. With a handle, `run_plan` returns the cancelled
result; a cancelled task re-raises `CancelledError` after reporting, as asyncio code must.

`clock` and `sleep` are injectable so tests run retries and virtual-time plans instantly.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from aksiso_tui.engine.context import (
    RetryPolicy,
    RunHandle,
    StepContext,
    StepExecutor,
    StepOutcome,
    default_operation,
    describe_interrupted,
)
from aksiso_tui.engine.errors import INTERNAL_ERROR, StepError, is_retryable
from aksiso_tui.engine.events import (
    Event,
    RunFinished,
    RunStarted,
    RunStatus,
    StepLog,
    StepStarted,
    StepStatus,
)
from aksiso_tui.engine.journal import JournalState, ResumeRefused, new_run_id
from aksiso_tui.engine.planinfo import check_plan, plan_fingerprint, planned_steps, tail_lengths
from aksiso_tui.engine.refs import resolve
from aksiso_tui.engine.result import (
    RunResult,
    StepResult,
    build_summary,
    count_statuses,
    run_status,
)
from aksiso_tui.plan.model import Plan, Step

Subscriber = Callable[[Event], None]
__all__ = ["ResumeRefused", "Subscriber", "run_plan"]
ROLE_ASSIGNMENT_KIND = "microsoft.authorization/roleassignments"


class _Run:
    def __init__(
        self,
        plan: Plan,
        executor: StepExecutor,
        *,
        concurrency: int,
        subscribers: list[Subscriber],
        run_id: str,
        resume_from: JournalState | None,
        policy: RetryPolicy,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[Any]],
        handle: RunHandle,
        cancel_grace_s: float,
    ) -> None:
        self.plan = plan
        self.executor = executor
        self.concurrency = concurrency
        self.subscribers = subscribers
        self.run_id = run_id
        self.journal = resume_from
        self.policy = policy
        self.rng = random.Random(policy.seed)
        self.clock = clock
        self.sleep = sleep
        self.handle = handle
        self.cancel_grace_s = cancel_grace_s
        self.results: dict[str, StepResult] = {}
        self.outputs: dict[str, dict[str, Any]] = {}
        self.contexts: dict[str, StepContext] = {}
        self.launched: set[str] = set()
        self.backing_off: set[str] = set()
        self.role_assignment_written = False
        self.tails = tail_lengths(plan)
        self.order = {s.id: i for i, s in enumerate(plan.steps)}

    # -- events ---------------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        for sub in list(self.subscribers):
            try:
                sub(event)
            except Exception as exc:  # a broken consumer stops the run, cleanly
                self.subscribers.remove(sub)
                name = getattr(sub, "__name__", type(sub).__name__)
                self.handle.cancel(f"event subscriber {name} failed: {type(exc).__name__}: {exc}")

    def record(self, step: Step, result: StepResult) -> None:
        self.results[step.id] = result
        if result.status.ok:
            self.outputs[step.id] = result.outputs
            if result.status is StepStatus.SUCCEEDED and step.kind.lower() == ROLE_ASSIGNMENT_KIND:
                self.role_assignment_written = True
        self.emit(result.finished_event(step.id))

    # -- one step -------------------------------------------------------------------------
    async def _attempts(
        self, step: Step, ctx: StepContext, t0: float, call: Callable[[], Awaitable[Any]], op: str
    ) -> tuple[Any, StepError | None]:
        """Call until success, a non-retryable error, or the budget is spent."""
        while True:
            ctx.attempt += 1
            ctx.current_operation = ""
            self.emit(StepStarted(step.id, ctx.attempt, op))
            try:
                return await call(), None
            except StepError as err:
                error = err.with_fix(step.kind)
            except Exception as exc:
                return None, StepError(
                    INTERNAL_ERROR, f"{type(exc).__name__}: {exc}".strip()
                ).with_fix()
            if not is_retryable(error, role_assignment_written=self.role_assignment_written):
                return None, error
            wait = self.policy.delay(ctx.attempt, self.rng)
            spent = self.clock() - t0
            if spent + wait > self.policy.budget_s:
                note = (
                    f" (gave up after {ctx.attempt} attempts in {spent:.0f}s; "
                    f"retry budget {self.policy.budget_s:.0f}s)"
                )
                return None, StepError(
                    error.code, error.message + note, error.fix, False, error.details
                )
            self.emit(
                StepLog(
                    step.id,
                    "warning",
                    f"{error.code}: {error.message} - retrying in {wait:.1f}s "
                    f"(attempt {ctx.attempt + 1}, "
                    f"{self.policy.budget_s - spent - wait:.0f}s of budget left)",
                )
            )
            self.backing_off.add(step.id)  # stays set if the wait is cancelled: see the cancel
            await self.sleep(wait)
            self.backing_off.discard(step.id)

    async def run_step(self, step: Step) -> StepResult:
        t0 = self.clock()
        previous = self.journal.steps.get(step.id) if self.journal else None

        def done(status: StepStatus, **kw: Any) -> StepResult:
            return StepResult(status, self.clock() - t0, attempts=ctx.attempt, **kw)

        try:
            body = resolve(step.body, self.outputs)
            params = resolve(step.params, self.outputs)
        except StepError as err:
            return StepResult(StepStatus.FAILED, 0.0, error=err.with_fix())
        ctx = StepContext(
            step,
            run_id=self.run_id,
            body=body,
            params=params,
            emit=self.emit,
            handle=self.handle,
            previous=previous,
        )
        self.contexts[step.id] = ctx

        if previous is not None and previous.status is not None and previous.status.ok:
            recorded = previous.outputs

            def verify() -> Awaitable[StepOutcome | None]:
                return self.executor.verify(step, recorded, ctx)

            found, error = await self._attempts(
                step, ctx, t0, verify, f"GET {step.resource_id} (resume check)"
            )
            if error is not None:
                return done(StepStatus.FAILED, error=error)
            if isinstance(found, StepOutcome):
                outputs = {**recorded, **found.outputs}
                return done(previous.status, outputs=outputs, resumed=True)
            if found is not None:
                bad = StepError(INTERNAL_ERROR, f"verify returned {found!r}, not a StepOutcome")
                return done(StepStatus.FAILED, error=bad.with_fix())
            ctx.log("info", "recorded as done but no longer found in Azure; running it again")

        def execute() -> Awaitable[StepOutcome]:
            return self.executor.execute(step, ctx)

        outcome, error = await self._attempts(step, ctx, t0, execute, default_operation(step))
        if error is not None:
            return done(StepStatus.FAILED, error=error)
        if not isinstance(outcome, StepOutcome):
            bad = StepError(INTERNAL_ERROR, f"executor returned {outcome!r}, not a StepOutcome")
            return done(StepStatus.FAILED, error=bad.with_fix())
        status = StepStatus(outcome.status)
        if (
            status is StepStatus.UNCHANGED
            and previous is not None
            and previous.write_issued
            and not (previous.status and previous.status.ok)
        ):
            # The interrupted attempt of this run sent the write; the resource is this run's.
            status = StepStatus.SUCCEEDED
            ctx.log("info", "already done by the interrupted attempt of this run")
        missing = [name for name in step.outputs if name not in outcome.outputs]
        if missing:
            ctx.log("warning", f"executor did not record declared outputs: {', '.join(missing)}")
        return done(status, outputs=dict(outcome.outputs))

    # -- the DAG --------------------------------------------------------------------------
    def _skip_dependents(self) -> None:
        """Mark undecided steps whose dependencies did not succeed (plan order = transitive)."""
        for step in self.plan.steps:
            if step.id in self.results or step.id in self.launched:
                continue
            for dep in step.depends_on:
                dep_result = self.results.get(dep)
                if dep_result is None or dep_result.status.ok:
                    continue
                if dep_result.status is StepStatus.SKIPPED:
                    reason = f"dependency {dep} was skipped ({dep_result.reason})"
                else:
                    code = f": {dep_result.error.code}" if dep_result.error else ""
                    reason = f"dependency {dep} {dep_result.status.value}{code}"
                self.record(step, StepResult(StepStatus.SKIPPED, reason=reason))
                break

    def _ready(self) -> list[Step]:
        ready = [
            s
            for s in self.plan.steps
            if s.id not in self.launched
            and all(d in self.results and self.results[d].status.ok for d in s.depends_on)
        ]
        ready.sort(key=lambda s: (-self.tails[s.id], self.order[s.id]))
        return ready

    async def _cancel_running(self, running: dict[asyncio.Task[StepResult], Step]) -> None:
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running, timeout=self.cancel_grace_s)
        for task, step in running.items():
            if task.done() and not task.cancelled():
                self.record(step, _result_of(task))
                continue
            ctx = self.contexts.get(step.id)
            in_flight, reason = describe_interrupted(step, ctx, step.id in self.backing_off)
            self.record(
                step,
                StepResult(
                    StepStatus.CANCELLED,
                    reason=reason,
                    in_flight_operation=in_flight,
                    attempts=ctx.attempt if ctx else 0,
                ),
            )
        running.clear()

    def _cancel_pending(self) -> None:
        for step in self.plan.steps:
            if step.id not in self.results:
                why = self.handle.reason or "the run was cancelled"
                self.record(step, StepResult(StepStatus.CANCELLED, reason=f"not started: {why}"))

    async def run(self, started: RunStarted, resume_command: str) -> RunResult:
        t0 = self.clock()
        self.emit(started)
        prepare = getattr(self.executor, "prepare", None)
        if callable(prepare):  # optional and non-blocking (see StepExecutor)
            with contextlib.suppress(Exception):  # an optimisation: never fail the run for it
                prepare(self.plan)
        running: dict[asyncio.Task[StepResult], Step] = {}
        cancel_waiter = asyncio.ensure_future(self.handle.wait())
        try:
            while True:
                if not self.handle.cancelled:
                    for step in self._ready()[: self.concurrency - len(running)]:
                        self.launched.add(step.id)
                        running[asyncio.ensure_future(self.run_step(step))] = step
                if not running:
                    break
                done, _ = await asyncio.wait(
                    [*running, cancel_waiter], return_when=asyncio.FIRST_COMPLETED
                )
                for task in done:
                    if task is cancel_waiter:
                        continue
                    step = running.pop(task)  # type: ignore[arg-type]
                    self.record(step, _result_of(task))  # type: ignore[arg-type]
                self._skip_dependents()
                if self.handle.cancelled:
                    await self._cancel_running(running)
                    break
        except asyncio.CancelledError:
            self.handle.cancel("the run's task was cancelled")
            await self._cancel_running(running)
            self._cancel_pending()
            self._finish(t0, resume_command)
            raise
        finally:
            cancel_waiter.cancel()
        self._cancel_pending()
        return self._finish(t0, resume_command)

    def _finish(self, t0: float, resume_command: str) -> RunResult:
        status = run_status(self.results, self.handle.cancelled)
        summary = build_summary(self.plan, self.results, status, resume_command)
        duration = self.clock() - t0
        reason = self.handle.reason if status is RunStatus.CANCELLED else ""
        self.emit(
            RunFinished(
                self.run_id, status, duration, count_statuses(self.results), summary, reason
            )
        )
        return RunResult(self.run_id, status, duration, dict(self.results), summary, reason)


def _result_of(task: asyncio.Task[StepResult]) -> StepResult:
    """A finished step task's result; a bug that escaped it is a failed step, not a crash."""
    exc = task.exception()
    if exc is None:
        return task.result()
    error = StepError(INTERNAL_ERROR, f"{type(exc).__name__}: {exc}").with_fix()
    return StepResult(StepStatus.FAILED, error=error)


def _subscribers(on_event: Subscriber | Iterable[Subscriber] | None) -> list[Subscriber]:
    if on_event is None:
        return []
    if callable(on_event):
        return [on_event]
    return list(on_event)


async def run_plan(
    plan: Plan,
    executor: StepExecutor,
    *,
    concurrency: int = 8,
    on_event: Subscriber | Iterable[Subscriber] | None = None,
    run_id: str | None = None,
    resume_from: JournalState | None = None,
    retry_policy: RetryPolicy | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    handle: RunHandle | None = None,
    target: str = "",
    spec_hash: str = "",
    resume_hint: str = "aksiso apply FILE --resume {run_id}",
    cancel_grace_s: float = 10.0,
) -> RunResult:
    """Run `plan` through `executor`, reporting every event to `on_event` (one or a list).

    Raises ValueError for an invalid plan or concurrency, and :class:`ResumeRefused` when
    `resume_from` was journaled for another plan or target; nothing runs in either case.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    check_plan(plan)
    fingerprint = plan_fingerprint(plan)
    if resume_from is not None:
        resume_from.check_resumable(fingerprint, target)
        if run_id is not None and run_id != resume_from.run_id:
            raise ValueError("run_id and resume_from name different runs")
        run_id = resume_from.run_id
    run_id = run_id or new_run_id()
    run = _Run(
        plan,
        executor,
        concurrency=concurrency,
        subscribers=_subscribers(on_event),
        run_id=run_id,
        resume_from=resume_from,
        policy=retry_policy or RetryPolicy(),
        clock=clock,
        sleep=sleep,
        handle=handle or RunHandle(),
        cancel_grace_s=cancel_grace_s,
    )
    started = RunStarted(
        run_id=run_id,
        plan_steps=planned_steps(plan),
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        target=target or (resume_from.target if resume_from else ""),
        plan_hash=fingerprint,
        spec_hash=spec_hash or (resume_from.spec_hash if resume_from else ""),
        concurrency=concurrency,
        resumed=resume_from is not None,
    )
    return await run.run(started, resume_hint.format(run_id=run_id))
