"""The Rich console view: plain lines off a terminal, a live table on one, the summary panel."""

from __future__ import annotations

import io

from rich.console import Console

from aksiso_tui.engine import (
    ConsoleView,
    JsonlWriter,
    RunHandle,
    RunTracker,
    StepError,
    run_plan,
)
from aksiso_tui.engine.console import fmt_duration, short_operation
from tests.engine.fakes import FakeExecutor, VirtualTime, make_plan, make_step


def plan():
    return make_plan(
        make_step("rg", estimate=2),
        make_step("acr", "rg", kind="Microsoft.ContainerRegistry/registries", estimate=60),
        make_step("cache_rule", "acr"),
        make_step("vnet", "rg", estimate=5),
        make_step("subnet", "vnet"),
        make_step("cluster", "subnet", estimate=300),
    )


def recording_console(**kw) -> Console:
    return Console(record=True, width=120, file=io.StringIO(), **kw)


async def test_plain_lines_and_summary_when_not_a_terminal() -> None:
    vt = VirtualTime()
    console = recording_console()
    view = ConsoleView(console, clock=vt.clock)
    assert view.live is False
    ex = FakeExecutor(
        vt,
        script={
            "acr": [StepError("AlreadyInUse", "The registry name [acr4aks17] is in use.")],
            "subnet": [StepError("AnotherOperationInProgress", "Another operation is running")],
        },
    )
    result = await vt.run(run_plan(plan(), ex, on_event=view, clock=vt.clock, sleep=vt.sleep))
    text = console.export_text()

    assert f"Starting run {result.run_id}: 6 steps" in text
    assert (
        "▶ rg: ensure /subscriptions/0/resourceGroups/rg/providers/Microsoft.Fake/things/rg" in text
    )
    assert "✓ rg succeeded in 2.0s" in text
    assert "✗ acr failed in 1m00s: (AlreadyInUse) The registry name [acr4aks17] is in use." in text
    assert "- cache_rule skipped: dependency acr failed: AlreadyInUse" in text
    assert (
        "! subnet: AnotherOperationInProgress: Another operation is running - retrying in" in text
    )
    assert "▶ subnet (attempt 2)" in text
    assert text.count("waiting for provisioningState Succeeded") == 4  # rg, vnet, subnet, cluster
    # the summary panel
    assert f"Run {result.run_id} failed in" in text
    assert "Created or changed (4)" in text
    assert "Failed (1)" in text and "fix: Registry names are global" in text
    assert "Skipped (1)" in text and "cache_rule  because dependency acr failed" in text
    assert f"aksiso apply FILE --resume {result.run_id}" in text


async def test_live_table_shows_spinners_elapsed_operations_and_eta() -> None:
    vt = VirtualTime()
    console = recording_console()
    view = ConsoleView(console, live=False, clock=vt.clock)
    snapshots: list[str] = []

    def snap() -> None:
        probe = recording_console()
        probe.print(view.render())
        snapshots.append(probe.export_text())

    vt.at(100.0, snap)
    await vt.run(run_plan(plan(), FakeExecutor(vt), on_event=view, clock=vt.clock, sleep=vt.sleep))
    (table,) = snapshots
    assert "Create cluster  cluster" in table
    cluster = next(line for line in table.splitlines() if "Create cluster" in line)
    assert "1m28s" in cluster  # started at t=12
    assert "PUT …/things/cluster" in cluster
    assert "waiting for provisioningState" in cluster
    rg = next(line for line in table.splitlines() if "Create rg" in line)
    assert rg.startswith("✓") and "2.0s" in rg
    assert "5/6 steps" in table and "elapsed 1m40s" in table and "ETA ~3m32s" in table


async def test_live_mode_on_a_terminal_ends_with_the_summary() -> None:
    console = recording_console(force_terminal=True)
    view = ConsoleView(console)
    assert view.live is True
    result = await run_plan(plan(), FakeExecutor(), on_event=view)
    text = console.export_text()
    assert "Create cluster" in text and "6/6 steps" in text
    assert f"Run {result.run_id} succeeded" in text
    assert "every step reports unchanged" in text


async def test_cancel_summary_names_operations_still_running_in_azure() -> None:
    vt = VirtualTime()
    console = recording_console()
    handle = RunHandle()
    vt.at(50.0, lambda: handle.cancel("Ctrl+C"))
    result = await vt.run(
        run_plan(
            plan(),
            FakeExecutor(vt),
            on_event=[ConsoleView(console, clock=vt.clock), JsonlWriter(io.StringIO())],
            handle=handle,
            clock=vt.clock,
            sleep=vt.sleep,
        )
    )
    text = console.export_text()
    assert f"Run {result.run_id} cancelled in 50.0s (Ctrl+C)" in text
    assert "Still running in Azure (2)" in text
    assert "acr  PUT /subscriptions/0/resourceGroups/rg/providers/" in text
    assert "cluster  PUT" in text
    assert "will finish in Azure on their own" in text


def test_tracker_fraction_and_eta_follow_estimates() -> None:
    from aksiso_tui.engine import RunStarted, StepFinished, StepStarted, StepStatus
    from aksiso_tui.engine.planinfo import planned_steps

    now = [0.0]
    tracker = RunTracker(lambda: now[0])
    p = make_plan(make_step("a", estimate=10), make_step("b", "a", estimate=30))
    tracker.apply(RunStarted("r", planned_steps(p), "t", concurrency=8))
    assert tracker.fraction() == 0.0 and tracker.eta_s() == 40.0
    tracker.apply(StepStarted("a", 1, "PUT a"))
    now[0] = 5.0
    assert tracker.eta_s() == 35.0 and tracker.fraction() == 5 / 40
    now[0] = 20.0  # late: count at least a tenth of the estimate as left
    assert tracker.eta_s() == 31.0
    tracker.apply(StepFinished("a", StepStatus.SUCCEEDED, 20.0))
    assert tracker.fraction() == 10 / 40 and tracker.eta_s() == 30.0


def test_formatting_helpers() -> None:
    assert fmt_duration(3.21) == "3.2s"
    assert fmt_duration(125) == "2m05s"
    assert fmt_duration(3 * 3600 + 60 * 7) == "3h07m"
    assert short_operation("PUT /subscriptions/1/resourceGroups/rg/providers/X/y/vnet") == (
        "PUT …/y/vnet"
    )
    assert short_operation("ensure something") == "ensure something"
