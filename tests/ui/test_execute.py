"""The live execution panel and the summary, driven with Pilot against the in-process emulator.

The wizard's backend is the real one (`Backend.for_server`: AzureExecutor over the azure-mgmt aio
clients) pointed at an emulator at time scale 0; journals go to a temporary state directory.
Nothing sleeps: the tests wait for the app's workers and for the messages they post.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
from azure.mgmt.containerregistry.aio import ContainerRegistryManagementClient
from azure.mgmt.resource.resources.aio import ResourceManagementClient
from rich.console import Console
from textual.widgets import Input
from ui_helpers import example

from aksiso_tui.commands.wizard_backend import Backend
from aksiso_tui.emulator import EmulatorServer
from aksiso_tui.emulator.testing import make_client
from aksiso_tui.engine import StepContext, StepOutcome, StepStatus, load_journal
from aksiso_tui.plan.model import Step
from aksiso_tui.spec import Spec
from aksiso_tui.ui.app import AksisoApp
from aksiso_tui.ui.screens.confirm import ConfirmScreen
from aksiso_tui.ui.screens.execute import ExecuteScreen
from aksiso_tui.ui.screens.summary import SummaryScreen
from aksiso_tui.ui.widgets.failure_detail import describe


@pytest.fixture
async def emulator() -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(time_scale=0.0) as emu:
        yield emu


def make_app(server: EmulatorServer, spec: Spec | None = None, **kwargs: Any) -> AksisoApp:
    return AksisoApp(
        spec,
        None,
        True,
        cursor_blink=False,
        check_delay_s=0,
        backend=Backend.for_server(server),
        **kwargs,
    )


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def apply_and_wait(pilot) -> ExecuteScreen:  # type: ignore[no-untyped-def]
    """On the review: Apply, confirm, and wait for the run to end."""
    await pilot.press("ctrl+n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmScreen)
    await pilot.press("tab", "enter")  # Cancel has focus; the next button is Apply
    return await wait_run(pilot)


async def wait_run(pilot) -> ExecuteScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.pause()
    panel = next(s for s in pilot.app.screen_stack if isinstance(s, ExecuteScreen))
    assert not panel.active, panel.phase
    return panel


def plain(renderable: Any) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def texts(logs: Mapping[str, Any], step_id: str) -> str:
    return "\n".join(line for _, line in logs.get(step_id, ()))


async def test_keyboard_walk_from_welcome_to_verified_cluster(emulator: EmulatorServer) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Create
        await settle(pilot)
        assert app.current == "azure"
        await pilot.press("down", "enter")  # the emulator's one subscription, listed live
        await settle(pilot)
        for selector, text in (("#input-resource_group", "rg-walk"), ("#input-location", "")):
            field = app.screen.query_one(selector, Input)
            field.focus()
            await pilot.press(*(text or "swedencentral"))
            await settle(pilot)
        for _ in ("registry", "api_server", "outbound", "network", "hub", "review"):
            await pilot.press("ctrl+n")
            await settle(pilot)
        assert app.current == "review"
        panel = await apply_and_wait(pilot)
        assert panel.phase == "succeeded"
        assert isinstance(app.screen, SummaryScreen)  # a verified run opens the summary
        assert set(panel.received) >= {"RunStarted", "StepStarted", "StepFinished", "RunFinished"}
        assert app.session_runs == [panel.run_id]
        assert load_journal(panel.run_id).status is not None


# seed000 (BYO + private link) succeeds in the two failure tests below, managed ACR in the
# cancel and clean-up tests, the default answers in the keyboard walk.
@pytest.mark.parametrize(
    "name",
    [
        "seed001-vnet-integration.yaml",
        "seed001-block-preview.yaml",
        "hub-firewall-spoke.yaml",
    ],
)
async def test_every_choice_runs_to_a_verified_cluster(emulator: EmulatorServer, name: str) -> None:
    spec = example(name)
    app = make_app(emulator, spec, start_at="review")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        panel = await apply_and_wait(pilot)
        assert panel.phase == "succeeded", panel.problem
        assert panel.result is not None
        statuses = {r.status for r in panel.result.steps.values()}
        assert statuses <= {StepStatus.SUCCEEDED, StepStatus.UNCHANGED}
        checks = [s.id for s in panel.plan.steps if s.kind.startswith("verify/")]
        assert checks and all(panel.tracker.rows[c].status is StepStatus.UNCHANGED for c in checks)
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert "$ kubectl get pods" in plain(summary.sections["verification"])
        reach = plain(summary.sections["reach"])
        assert "az aks command invoke" in reach and "private DNS zone" in reach
        if spec.hub is not None:  # Docker Hub is allowed through the firewall: it runs
            assert "nginx" in texts(panel.step_logs, "verify.dockerhub_blocked")
            assert "Running" in texts(panel.step_logs, "verify.dockerhub_blocked")


async def take_registry_name(server: EmulatorServer, spec: Spec) -> None:
    """Someone else's registry already has the name (registry names are global)."""
    assert spec.registry.name
    async with make_client(ResourceManagementClient, server.base_url) as rm:
        await rm.resource_groups.create_or_update("rg-someone-else", {"location": spec.location})
    async with make_client(ContainerRegistryManagementClient, server.base_url) as acr:
        poller = await acr.registries.begin_create(
            "rg-someone-else",
            spec.registry.name,
            {"location": spec.location, "sku": {"name": "Premium"}},
        )
        await poller.result()


async def free_registry_name(server: EmulatorServer, spec: Spec) -> None:
    async with make_client(ContainerRegistryManagementClient, server.base_url) as acr:
        poller = await acr.registries.begin_delete("rg-someone-else", str(spec.registry.name))
        await poller.result()


async def test_taken_registry_name_shows_error_then_edit_and_apply(
    emulator: EmulatorServer,
) -> None:
    spec = example("seed000-byo-private-link.yaml")
    await take_registry_name(emulator, spec)
    app = make_app(emulator, spec, start_at="review")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        panel = await apply_and_wait(pilot)
        assert panel.phase == "failed"
        row = panel.tracker.rows["registry.acr"]
        assert row.error is not None and row.error.code == "AlreadyInUse"
        assert panel.selected_step() == "registry.acr"
        detail = plain(describe(row))
        assert "AlreadyInUse" in detail and "Fix:" in detail and "registry" in detail
        first_run = panel.run_id
        await pilot.press("e")  # Edit answers: to the step that owns the registry
        await settle(pilot)
        assert app.current == "registry"
        field = app.screen.query_one("#input-registry-name", Input)
        field.focus()
        field.value = "acrwalkfixed42"
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        app.action_goto_step("review")
        await settle(pilot)
        retry = await apply_and_wait(pilot)
        assert retry.phase == "succeeded", retry.problem
        assert retry.run_id != first_run  # another registry, another plan: a new run
        assert app.session_runs == [first_run, retry.run_id]


async def test_retry_failed_resumes_the_same_run(emulator: EmulatorServer) -> None:
    spec = example("seed000-byo-private-link.yaml")
    await take_registry_name(emulator, spec)
    app = make_app(emulator, spec, start_at="review")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        panel = await apply_and_wait(pilot)
        assert panel.phase == "failed"
        run_id = panel.run_id
        await free_registry_name(emulator, spec)  # fixed outside aksiso
        await pilot.press("r")
        panel = await wait_run(pilot)
        assert panel.phase == "succeeded", panel.problem
        assert panel.run_id == run_id and panel.resume_from is not None
        assert load_journal(run_id).segments == 2


class GatedExecutor:
    """The real executor, holding one step until the test opens the gate."""

    def __init__(self, inner: Any, step_id: str) -> None:
        self.inner = inner
        self.step_id = step_id
        self.reached = asyncio.Event()
        self.gate = asyncio.Event()

    async def execute(self, step: Step, ctx: StepContext) -> StepOutcome:
        if step.id == self.step_id:
            ctx.operation(f"PUT {step.resource_id}")
            self.reached.set()
            await self.gate.wait()
        return await self.inner.execute(step, ctx)  # type: ignore[no-any-return]

    async def verify(self, step: Step, recorded: Any, ctx: StepContext) -> Any:
        return await self.inner.verify(step, recorded, ctx)


async def test_cancel_asks_names_running_operations_and_resumes(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aksiso_tui.azure.executor as executor_module

    gates: list[GatedExecutor] = []
    real = executor_module.AzureExecutor

    def gated(*args: Any, **kwargs: Any) -> GatedExecutor:
        gates.append(GatedExecutor(real(*args, **kwargs), "cluster.create"))
        return gates[-1]

    monkeypatch.setattr(executor_module, "AzureExecutor", gated)
    app = make_app(emulator, example("seed001-managed-acr.yaml"), start_at="review")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("tab", "enter")
        while not gates:
            await pilot.pause()
        await gates[0].reached.wait()
        await pilot.pause()
        running = app.screen
        assert isinstance(running, ExecuteScreen) and running.active
        await pilot.press("escape")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert "cluster.create" in str(dialog.body)
        await pilot.press("tab", "enter")
        panel = await wait_run(pilot)
        assert panel.phase == "cancelled"
        assert panel.result is not None and panel.result.summary.in_flight
        await pilot.press("r")  # resume: the new executor's gate is opened at once
        while len(gates) < 2:
            await pilot.pause()
        gates[1].gate.set()
        panel = await wait_run(pilot)
        assert panel.phase == "succeeded", panel.problem


async def test_summary_cleans_up_what_the_demo_created(emulator: EmulatorServer) -> None:
    app = make_app(emulator, example("seed001-managed-acr.yaml"), start_at="review")
    before = {r["id"].lower() for r in emulator.state}
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await apply_and_wait(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("tab", "enter")
        await settle(pilot)
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen) and summary.cleaned
    after = {r["id"].lower() for r in emulator.state}
    assert not {i for i in after - before if "/resourcegroups/rg-" in i and "/mc_" not in i}
