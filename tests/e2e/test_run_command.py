"""Run command through the real SDK: kubectl's own failure is read from exitCode.

AKS reports a run command `Succeeded` once it ran, whatever kubectl returned; the executor must
still notice a failing kubectl (and log it) instead of trusting provisioningState alone.
"""

from __future__ import annotations

from aksiso_tui.azure.executor import AzureExecutor
from aksiso_tui.azure.verify import run_command
from aksiso_tui.emulator import EmulatorServer
from aksiso_tui.engine import Event, RunHandle, StepLog
from aksiso_tui.engine.context import StepContext
from tests.e2e.helpers import EXAMPLES, apply, factory_for, load


async def _logs_of(emulator: EmulatorServer, command: str) -> tuple[str, list[StepLog]]:
    _, plan = load(EXAMPLES / "seed000-byo-private-link.yaml")
    applied = await apply(emulator.base_url, plan)
    assert applied.result.exit_code == 0, applied.describe_failures()
    step = plan.step("verify.system_pods")
    events: list[Event] = []
    ctx = StepContext(
        step, run_id="t", body=None, params={}, emit=events.append, handle=RunHandle()
    )
    factory = factory_for(emulator.base_url)
    try:
        output = await run_command(AzureExecutor(factory), step, ctx, command)
    finally:
        await factory.close()
    return output, [e for e in events if isinstance(e, StepLog)]


async def test_failing_kubectl_is_logged_as_a_warning(emulator: EmulatorServer) -> None:
    output, logs = await _logs_of(emulator, "kubectl frobnicate")
    warnings = [log.message for log in logs if log.level == "warning"]
    assert any("exit code 1" in w for w in warnings), logs
    assert "unknown command" in output.lower()


async def test_succeeding_kubectl_has_no_warning(emulator: EmulatorServer) -> None:
    output, logs = await _logs_of(emulator, "kubectl get pods -n kube-system")
    assert "coredns" in output
    assert [log for log in logs if log.level == "warning"] == []
    assert logs[0].message == "$ kubectl get pods -n kube-system"
