"""The DAG runner: order, overlap, bounded concurrency, critical path, failure isolation."""

from __future__ import annotations

import asyncio
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aksiso_tui.engine import (
    RunStatus,
    StepError,
    StepFinished,
    StepOutcome,
    StepStarted,
    StepStatus,
    run_plan,
)
from aksiso_tui.plan.model import Ref
from tests.engine.fakes import FakeExecutor, Recorder, VirtualTime, make_plan, make_step


def diamond():
    return make_plan(
        make_step("rg", estimate=2),
        make_step("vnet", "rg", estimate=5),
        make_step("acr", "rg", estimate=30),
        make_step("subnet", "vnet", estimate=3),
        make_step("pe", "subnet", "acr", estimate=10),
        make_step("cluster", "pe", "subnet", estimate=60),
    )


async def test_every_step_starts_after_its_dependencies_finished() -> None:
    vt, rec = VirtualTime(), Recorder()
    plan = diamond()
    ex = FakeExecutor(vt)
    result = await vt.run(run_plan(plan, ex, on_event=rec, clock=vt.clock, sleep=vt.sleep))

    assert result.status is RunStatus.SUCCEEDED
    assert all(r.status is StepStatus.SUCCEEDED for r in result.steps.values())
    order = [e.step_id for e in rec.events if isinstance(e, StepStarted | StepFinished)]
    for step in plan.steps:
        started = order.index(step.id)
        for dep in step.depends_on:
            finished = len(order) - 1 - order[::-1].index(dep)
            assert finished < started, f"{step.id} started before {dep} finished"
    for step in plan.steps:
        for dep in step.depends_on:
            assert ex.started[step.id] >= ex.finished[dep]


async def test_a_step_starts_as_soon_as_its_own_dependencies_finish() -> None:
    vt = VirtualTime()
    plan = make_plan(
        make_step("a", estimate=10),
        make_step("slow", estimate=100),
        make_step("b", "a", estimate=1),
    )
    ex = FakeExecutor(vt)
    result = await vt.run(run_plan(plan, ex, clock=vt.clock, sleep=vt.sleep))
    assert ex.started["b"] == 10.0  # not 100: the slow independent step does not hold it back
    assert result.duration_s == 100.0


async def test_never_more_than_concurrency_steps_in_flight() -> None:
    vt = VirtualTime()
    plan = make_plan(*(make_step(f"s{i}", estimate=10) for i in range(20)))
    ex = FakeExecutor(vt)
    result = await vt.run(run_plan(plan, ex, concurrency=3, clock=vt.clock, sleep=vt.sleep))
    assert ex.max_in_flight == 3
    assert result.duration_s == math.ceil(20 / 3) * 10


async def test_wall_time_equals_the_critical_path_when_concurrency_allows() -> None:
    vt = VirtualTime()
    plan = diamond()
    result = await vt.run(run_plan(plan, FakeExecutor(vt), clock=vt.clock, sleep=vt.sleep))
    assert result.duration_s == pytest.approx(plan.critical_path_s())
    assert result.duration_s < plan.sequential_s()


async def test_longest_chain_goes_first_when_concurrency_is_the_limit() -> None:
    vt = VirtualTime()
    plan = make_plan(
        make_step("short1", estimate=5),
        make_step("short2", estimate=5),
        make_step("head", estimate=5),
        make_step("long", "head", estimate=50),
    )
    ex = FakeExecutor(vt)
    result = await vt.run(run_plan(plan, ex, concurrency=1, clock=vt.clock, sleep=vt.sleep))
    assert ex.executed[0] == "head"
    assert result.duration_s == plan.sequential_s()


@st.composite
def random_dags(draw: st.DrawFn):
    n = draw(st.integers(1, 14))
    steps = []
    for i in range(n):
        deps = draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
        estimate = draw(st.integers(1, 50))
        steps.append(make_step(f"s{i}", *(f"s{d}" for d in sorted(deps)), estimate=estimate))
    return make_plan(*steps)


@settings(max_examples=40, deadline=None)
@given(random_dags(), st.integers(1, 4))
def test_random_dags_respect_order_concurrency_and_critical_path(plan, concurrency) -> None:
    async def go():
        vt = VirtualTime()
        ex = FakeExecutor(vt)
        result = await vt.run(
            run_plan(plan, ex, concurrency=concurrency, clock=vt.clock, sleep=vt.sleep)
        )
        unbounded = await (vt2 := VirtualTime()).run(
            run_plan(plan, FakeExecutor(vt2), concurrency=64, clock=vt2.clock, sleep=vt2.sleep)
        )
        return ex, result, unbounded

    ex, result, unbounded = asyncio.run(go())
    assert result.status is RunStatus.SUCCEEDED
    assert ex.max_in_flight <= concurrency
    for step in plan.steps:
        for dep in step.depends_on:
            assert ex.started[step.id] >= ex.finished[dep]
    assert unbounded.duration_s == pytest.approx(plan.critical_path_s())
    assert plan.critical_path_s() <= result.duration_s + 1e-9


async def test_failure_skips_only_dependents_with_the_reason() -> None:
    vt, rec = VirtualTime(), Recorder()
    registry = "Microsoft.ContainerRegistry/registries"
    plan = make_plan(
        make_step("acr", kind=registry),
        make_step("cache_rule", "acr"),
        make_step("pe", "cache_rule"),
        make_step("vnet", estimate=20),
        make_step("subnet", "vnet"),
    )
    ex = FakeExecutor(
        vt, script={"acr": [StepError("AlreadyInUse", "The registry name acr4aks17 is in use.")]}
    )
    result = await vt.run(run_plan(plan, ex, on_event=rec, clock=vt.clock, sleep=vt.sleep))

    statuses = {sid: r.status for sid, r in result.steps.items()}
    assert statuses == {
        "acr": StepStatus.FAILED,
        "cache_rule": StepStatus.SKIPPED,
        "pe": StepStatus.SKIPPED,
        "vnet": StepStatus.SUCCEEDED,
        "subnet": StepStatus.SUCCEEDED,
    }
    assert result.steps["cache_rule"].reason == "dependency acr failed: AlreadyInUse"
    assert "dependency cache_rule was skipped" in result.steps["pe"].reason
    assert "acr failed" in result.steps["pe"].reason
    assert result.status is RunStatus.FAILED
    assert result.exit_code == 1
    (failed,) = result.summary.failed
    assert failed.code == "AlreadyInUse"
    assert "registry.name" in failed.fix
    assert result.summary.created == ("vnet", "subnet")
    assert any("--resume " + result.run_id in line for line in result.summary.next_steps)
    assert "cache_rule" not in ex.executed


async def test_unexpected_exception_becomes_internal_error_and_the_run_goes_on() -> None:
    vt = VirtualTime()
    plan = make_plan(make_step("buggy"), make_step("fine"), make_step("after", "buggy"))
    ex = FakeExecutor(vt, script={"buggy": [KeyError("principalId")]})
    result = await vt.run(run_plan(plan, ex, clock=vt.clock, sleep=vt.sleep))
    err = result.steps["buggy"].error
    assert err is not None and err.code == "InternalError"
    assert "KeyError" in err.message and "bug in aksiso" in err.fix
    assert result.steps["buggy"].attempts == 1
    assert result.steps["fine"].status is StepStatus.SUCCEEDED
    assert result.steps["after"].status is StepStatus.SKIPPED


async def test_executor_returning_garbage_is_an_internal_error() -> None:
    plan = make_plan(make_step("odd"))
    result = await run_plan(plan, FakeExecutor(script={"odd": [None]}))
    assert result.steps["odd"].error.code == "InternalError"  # type: ignore[union-attr]


async def test_refs_are_resolved_from_earlier_outputs() -> None:
    plan = make_plan(
        make_step("pe", outputs=("registry_ip",)),
        make_step(
            "dns", "pe", body={"properties": {"aRecords": [{"ipv4": Ref("pe", "registry_ip")}]}}
        ),
    )
    ex = FakeExecutor(outputs={"pe": {"registry_ip": "192.168.2.4"}})
    result = await run_plan(plan, ex)
    assert result.status is RunStatus.SUCCEEDED
    assert ex.bodies["dns"] == {"properties": {"aRecords": [{"ipv4": "192.168.2.4"}]}}


async def test_a_missing_output_fails_the_referencing_step_clearly() -> None:
    plan = make_plan(make_step("pe"), make_step("dns", "pe", body={"ip": Ref("pe", "registry_ip")}))
    rec = Recorder()
    result = await run_plan(plan, FakeExecutor(), on_event=rec)
    err = result.steps["dns"].error
    assert err is not None and err.code == "UnresolvedReference"
    assert "registry_ip" in err.message
    assert "dns" not in [e.step_id for e in rec.of(StepStarted)]


async def test_unchanged_steps_let_dependents_run() -> None:
    plan = make_plan(make_step("a"), make_step("b", "a"))
    ex = FakeExecutor(script={"a": [StepOutcome(StepStatus.UNCHANGED, {})]})
    result = await run_plan(plan, ex)
    assert result.steps["a"].status is StepStatus.UNCHANGED
    assert result.steps["b"].status is StepStatus.SUCCEEDED
    assert result.status is RunStatus.SUCCEEDED


async def test_rerunning_a_finished_plan_reports_every_step_unchanged() -> None:
    plan = diamond()
    ex = FakeExecutor()
    await run_plan(plan, ex)
    again = await run_plan(plan, ex)
    assert {r.status for r in again.steps.values()} == {StepStatus.UNCHANGED}
    assert set(ex.cloud.creations.values()) == {1}


async def test_invalid_plans_are_refused_before_anything_runs() -> None:
    with pytest.raises(ValueError, match="later in the plan"):
        await run_plan(make_plan(make_step("b", "a"), make_step("a")), FakeExecutor())
    with pytest.raises(ValueError, match="not in the plan"):
        await run_plan(make_plan(make_step("b", "zzz")), FakeExecutor())
    with pytest.raises(ValueError, match="two steps"):
        await run_plan(make_plan(make_step("a"), make_step("a")), FakeExecutor())
    with pytest.raises(ValueError, match="concurrency"):
        await run_plan(make_plan(make_step("a")), FakeExecutor(), concurrency=0)
