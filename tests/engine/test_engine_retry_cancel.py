"""Retries of eventual-consistency errors (backoff, cap, budget) and cancelling a run."""

from __future__ import annotations

import asyncio

import pytest

from aksiso_tui.engine import (
    RetryPolicy,
    RunFinished,
    RunHandle,
    RunStatus,
    StepError,
    StepFinished,
    StepLog,
    StepStarted,
    StepStatus,
    run_plan,
)
from tests.engine.fakes import FakeExecutor, Recorder, VirtualTime, make_plan, make_step


class RecordingSleep:
    """An instant sleep that records the waits and advances a fake clock by them."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def failing(code: str, times: int, **kw) -> list:
    return [StepError(code, f"{code} (attempt {i + 1})", **kw) for i in range(times)]


async def test_retryable_codes_are_retried_with_jittered_exponential_backoff() -> None:
    sleep, rec = RecordingSleep(), Recorder()
    plan = make_plan(make_step("role", kind="Microsoft.Authorization/roleAssignments"))
    ex = FakeExecutor(script={"role": failing("PrincipalNotFound", 3)})
    policy = RetryPolicy(base=1.0, cap=30.0, budget_s=600, seed=7)
    result = await run_plan(
        plan, ex, on_event=rec, retry_policy=policy, clock=sleep.clock, sleep=sleep
    )

    assert result.steps["role"].status is StepStatus.SUCCEEDED
    assert result.steps["role"].attempts == 4
    assert len(sleep.waits) == 3
    for retry, wait in enumerate(sleep.waits, start=1):
        ceiling = min(30.0, 2 ** (retry - 1))
        assert ceiling / 2 <= wait <= ceiling
    assert [e.attempt for e in rec.of(StepStarted)] == [1, 2, 3, 4]
    logs = [e for e in rec.of(StepLog) if e.level == "warning"]
    assert len(logs) == 3
    assert all("PrincipalNotFound" in e.message and "retrying in" in e.message for e in logs)
    assert f"{sleep.waits[0]:.1f}s" in logs[0].message


async def test_same_seed_same_waits() -> None:
    async def waits() -> list[float]:
        sleep = RecordingSleep()
        ex = FakeExecutor(script={"a": failing("AnotherOperationInProgress", 4)})
        await run_plan(
            make_plan(make_step("a")),
            ex,
            retry_policy=RetryPolicy(seed=3),
            clock=sleep.clock,
            sleep=sleep,
        )
        return sleep.waits

    assert await waits() == await waits()


async def test_backoff_is_capped() -> None:
    sleep = RecordingSleep()
    ex = FakeExecutor(script={"a": failing("RetryableError", 12)})
    policy = RetryPolicy(base=1.0, cap=5.0, budget_s=10_000, seed=1)
    result = await run_plan(
        make_plan(make_step("a")), ex, retry_policy=policy, clock=sleep.clock, sleep=sleep
    )
    assert result.steps["a"].status is StepStatus.SUCCEEDED
    assert len(sleep.waits) == 12
    assert max(sleep.waits) <= 5.0
    assert min(sleep.waits[4:]) >= 2.5


async def test_budget_exhausted_fails_the_step_with_the_last_error() -> None:
    sleep = RecordingSleep()
    ex = FakeExecutor(script={"subnet": failing("AnotherOperationInProgress", 1000)})
    policy = RetryPolicy(base=1.0, cap=8.0, budget_s=60, seed=2)
    result = await run_plan(
        make_plan(make_step("subnet"), make_step("other")),
        ex,
        retry_policy=policy,
        clock=sleep.clock,
        sleep=sleep,
    )
    step = result.steps["subnet"]
    assert step.status is StepStatus.FAILED
    assert step.error is not None and step.error.code == "AnotherOperationInProgress"
    assert "gave up after" in step.error.message and "retry budget 60s" in step.error.message
    assert step.error.fix  # the table's advice is attached
    assert sum(sleep.waits) <= 60
    assert step.attempts == len(sleep.waits) + 1
    assert result.steps["other"].status is StepStatus.SUCCEEDED


async def test_non_retryable_errors_fail_at_once_with_advice() -> None:
    sleep = RecordingSleep()
    code = "InvalidNetworkIsolatedClusterConfiguration"
    ex = FakeExecutor(script={"cluster": failing(code, 1)})
    result = await run_plan(make_plan(make_step("cluster")), ex, clock=sleep.clock, sleep=sleep)
    step = result.steps["cluster"]
    assert step.status is StepStatus.FAILED and step.attempts == 1
    assert sleep.waits == []
    assert step.error is not None and "reimage" in step.error.fix
    assert "outboundType=none" in step.error.fix


async def test_executor_can_mark_an_unknown_code_retryable() -> None:
    sleep = RecordingSleep()
    ex = FakeExecutor(script={"a": failing("SomethingTransient", 2, retryable=True)})
    result = await run_plan(make_plan(make_step("a")), ex, clock=sleep.clock, sleep=sleep)
    assert result.steps["a"].status is StepStatus.SUCCEEDED
    assert len(sleep.waits) == 2


@pytest.mark.parametrize("with_role_assignment", [True, False])
async def test_authorization_failed_is_retried_only_after_a_role_assignment(
    with_role_assignment: bool,
) -> None:
    sleep = RecordingSleep()
    first = (
        make_step("grant", kind="Microsoft.Authorization/roleAssignments")
        if with_role_assignment
        else make_step("grant")
    )
    plan = make_plan(first, make_step("cluster", "grant"))
    ex = FakeExecutor(script={"cluster": failing("AuthorizationFailed", 2)})
    result = await run_plan(plan, ex, clock=sleep.clock, sleep=sleep)
    expected = StepStatus.SUCCEEDED if with_role_assignment else StepStatus.FAILED
    assert result.steps["cluster"].status is expected


async def test_cancel_stops_launching_and_reports_operations_still_running_in_azure() -> None:
    vt, rec = VirtualTime(), Recorder()
    handle = RunHandle()
    plan = make_plan(
        make_step("rg", estimate=1),
        make_step("firewall", "rg", estimate=600),
        make_step("vnet", "rg", estimate=5),
        make_step("subnet", "vnet", estimate=5),
        make_step("cluster", "subnet", "firewall", estimate=400),
    )
    ex = FakeExecutor(vt)
    vt.at(8.0, lambda: handle.cancel("Ctrl+C"))
    result = await vt.run(
        run_plan(plan, ex, on_event=rec, handle=handle, clock=vt.clock, sleep=vt.sleep)
    )

    assert result.status is RunStatus.CANCELLED
    assert result.exit_code == 130
    statuses = {sid: r.status for sid, r in result.steps.items()}
    assert statuses["rg"] is StepStatus.SUCCEEDED
    assert statuses["vnet"] is StepStatus.SUCCEEDED
    assert statuses["firewall"] is StepStatus.CANCELLED
    assert statuses["subnet"] is StepStatus.CANCELLED  # in flight at t=8
    assert statuses["cluster"] is StepStatus.CANCELLED
    assert "cluster" not in ex.executed
    fw = result.steps["firewall"]
    assert fw.in_flight_operation == f"PUT {plan.step('firewall').resource_id}"
    assert "still be running in Azure" in fw.reason
    assert result.steps["cluster"].reason == "not started: Ctrl+C"
    assert {f.step_id for f in result.summary.in_flight} == {"firewall", "subnet"}
    finished = rec.of(RunFinished)[-1]
    assert finished.status is RunStatus.CANCELLED and finished.reason == "Ctrl+C"
    cancelled_events = [e for e in rec.of(StepFinished) if e.status is StepStatus.CANCELLED]
    assert {e.step_id for e in cancelled_events} == {"firewall", "subnet", "cluster"}
    assert vt.now == 8.0  # nothing waited for the firewall to finish


async def test_cancel_during_backoff_reports_nothing_running() -> None:
    vt = VirtualTime()
    handle = RunHandle()
    ex = FakeExecutor(vt, script={"a": failing("PrincipalNotFound", 5)})
    vt.at(7.0, handle.cancel)
    result = await vt.run(
        run_plan(
            make_plan(make_step("a", estimate=5)),
            ex,
            handle=handle,
            retry_policy=RetryPolicy(base=10, cap=10, seed=0),
            clock=vt.clock,
            sleep=vt.sleep,
        )
    )
    step = result.steps["a"]
    assert step.status is StepStatus.CANCELLED
    assert step.in_flight_operation == ""
    assert "waiting to retry" in step.reason


async def test_cancelling_the_task_reports_then_raises_cancelled_error() -> None:
    rec = Recorder()
    started = asyncio.Event()

    async def hang(step, ctx):
        ctx.operation(f"PUT {step.resource_id}")
        started.set()
        await asyncio.Event().wait()

    ex = FakeExecutor(script={"cluster": [hang]})
    task = asyncio.ensure_future(
        run_plan(make_plan(make_step("cluster"), make_step("after", "cluster")), ex, on_event=rec)
    )
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    finished = rec.of(RunFinished)
    assert len(finished) == 1 and finished[0].status is RunStatus.CANCELLED
    assert finished[0].summary.in_flight[0].operation.startswith("PUT ")
    by_step = {e.step_id: e.status for e in rec.of(StepFinished)}
    assert by_step == {"cluster": StepStatus.CANCELLED, "after": StepStatus.CANCELLED}


async def test_a_failing_subscriber_stops_the_run_cleanly() -> None:
    rec = Recorder()
    calls = {"n": 0}

    def flaky(event) -> None:
        calls["n"] += 1
        if isinstance(event, StepFinished):
            raise OSError("No space left on device")

    plan = make_plan(make_step("a"), make_step("b", "a"), make_step("c", "b"))
    result = await run_plan(plan, FakeExecutor(), on_event=[rec, flaky])
    assert result.status is RunStatus.CANCELLED
    assert "No space left on device" in result.reason
    assert result.steps["a"].status is StepStatus.SUCCEEDED
    assert result.steps["c"].status is StepStatus.CANCELLED
    assert rec.of(RunFinished)[-1].status is RunStatus.CANCELLED
