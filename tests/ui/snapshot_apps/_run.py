"""Builds the execution panel and the summary for snapshots from a recorded-style event list.

The events are what the engine sends for the example plan (same types, same order), played into
the panel on a fixed clock, so elapsed times, the ETA and the progress bar are the same on every
machine. Journals are looked for under a fixed state directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from aksiso_tui.config import load_spec_file
from aksiso_tui.engine import (
    RunFinished,
    RunResult,
    RunStarted,
    RunStatus,
    RunSummary,
    StepError,
    StepLog,
    StepOperation,
    StepProgress,
    StepResult,
    StepStarted,
    StepStatus,
    suggest_fix,
)
from aksiso_tui.engine.planinfo import planned_steps
from aksiso_tui.plan import build_plan
from aksiso_tui.ui.app import AksisoApp
from aksiso_tui.ui.catalog import make_demo_catalog
from aksiso_tui.ui.run_messages import RunCompleted
from aksiso_tui.ui.screens.execute import ExecuteScreen

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
RUN_ID = "20261123-140512-ab12"
os.environ["AKSISO_STATE_DIR"] = "/tmp/aksiso-snapshots"
TAKEN = (
    "The registry DNS name acr4aks17.azurecr.io is already in use. You can check if the name is "
    "already claimed using following API: https://docs.microsoft.com/en-us/rest/api/"
    "containerregistry/registries/checknameavailability"
)


ZONE = "privatelink.swedencentral.azmk8s.io"
NODE_RG = "MC_rg-aks-cluster_aks-cluster-network-isolated_swedencentral"


class StillBackend:
    """Stands in for the emulator backend: the snapshots replay events, nothing is sent."""

    label = "demo"
    demo = True
    time_scale = 0.07
    where = "the local emulator"

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _op(step: Any) -> str:
    verb = {"ensure": "PUT", "action": "POST"}.get(step.operation.value, "GET")
    return f"{verb} {step.resource_id}"


KUBECTL = {
    "verify.system_pods": [
        "$ kubectl get pods -n kube-system",
        "NAME                        READY   STATUS    RESTARTS   AGE",
        "coredns-fecdf04297-52bff    1/1     Running   0          2m",
        "konnectivity-agent-1a923    1/1     Running   0          2m",
        "as expected: 3 pods Running",
    ],
    "verify.dockerhub_blocked": [
        "$ kubectl run nginx --image=nginx",
        "pod/nginx created",
        "$ kubectl get pods",
        "NAME    READY   STATUS             RESTARTS   AGE",
        "nginx   0/1     ImagePullBackOff   0          1m",
        "as expected: pod nginx ImagePullBackOff",
    ],
    "verify.mcr_runs": [
        "$ kubectl run nginx-mcr --image=mcr.microsoft.com/azurelinux/base/nginx:1",
        "pod/nginx-mcr created",
        "$ kubectl get pods",
        "NAME        READY   STATUS    RESTARTS   AGE",
        "nginx-mcr   1/1     Running   0          1m",
        "as expected: pod nginx-mcr Running",
    ],
}


class ReplayApp(AksisoApp):
    """The wizard with the panel showing `mode`: `mid-run`, `failed` or `summary`."""

    def __init__(self, mode: str, example: str = "seed000-byo-private-link.yaml") -> None:
        spec, findings = load_spec_file(EXAMPLES / example)
        assert spec is not None, findings
        super().__init__(
            spec,
            make_demo_catalog(),
            True,
            start_at="review",
            cursor_blink=False,
            check_delay_s=0,
            export_dir=Path("/tmp"),
            backend=StillBackend(),  # type: ignore[arg-type]
        )
        self.mode = mode
        self.clock = Clock()
        self.plan = build_plan(spec)

    def on_mount(self) -> None:  # Textual calls this before AksisoApp.on_mount pushes the review
        self.call_after_refresh(self._open)

    def _open(self) -> None:
        screen = ExecuteScreen(
            self.spec, self.plan, run_id=RUN_ID, clock=self.clock, autostart=False
        )
        self.push_screen(screen, wait_for_dismiss=False)
        self.call_after_refresh(self.play, screen)

    def play(self, screen: ExecuteScreen) -> None:
        plan, clock = self.plan, self.clock
        feed = screen.feed
        feed(RunStarted(RUN_ID, planned_steps(plan), "2026-11-23T14:05:12+00:00", "demo"))
        steps = list(plan.steps)
        results: dict[str, StepResult] = {}
        failed_ids: set[str] = set()
        upto = {"mid-run": 9, "failed": len(steps), "summary": len(steps)}[self.mode]
        for index, step in enumerate(steps[:upto]):
            clock.now = index * 1.5
            if not any(dep in failed_ids for dep in step.depends_on):
                feed(StepStarted(step.id, 1, _op(step)))
                feed(StepOperation(step.id, _op(step)))
            if any(dep in failed_ids for dep in step.depends_on):
                failed_ids.add(step.id)
                reason = f"dependency {next(d for d in step.depends_on if d in failed_ids)} failed"
                result = StepResult(StepStatus.SKIPPED, reason=reason)
            elif self.mode == "failed" and step.id == "registry.acr":
                feed(StepLog(step.id, "info", "PUT sent; Azure answered 409"))
                error = StepError("AlreadyInUse", TAKEN, suggest_fix("AlreadyInUse", step.kind))
                failed_ids.add(step.id)
                result = StepResult(StepStatus.FAILED, 2.4, error=error, attempts=1)
            else:
                for line in KUBECTL.get(step.id, ()):
                    feed(StepLog(step.id, "info", line))
                status = (
                    StepStatus.UNCHANGED
                    if step.kind.startswith("verify/")
                    else (StepStatus.SUCCEEDED)
                )
                outputs = {"id": step.resource_id}
                if step.id == "cluster.create":
                    outputs |= {
                        "node_resource_group": NODE_RG,
                        "private_fqdn": f"aks-cluster-network-isolated-9fd3c1.{ZONE}",
                        "private_dns_zone": ZONE,
                    }
                result = StepResult(status, 1.2 + index % 4, outputs, attempts=1)
            results[step.id] = result
            feed(result.finished_event(step.id))
        if self.mode == "mid-run":
            clock.now = 21.0
            for step in steps[upto : upto + 3]:
                feed(StepStarted(step.id, 1, _op(step)))
                feed(StepOperation(step.id, _op(step)))
                feed(StepProgress(step.id, "waiting for Azure to finish the write", 0.4))
            clock.now = 24.0
            screen.tick()
            return
        clock.now = 61.0
        run_status = RunStatus.FAILED if failed_ids else RunStatus.SUCCEEDED
        counts = {s.value: sum(1 for r in results.values() if r.status is s) for s in StepStatus}
        feed(RunFinished(RUN_ID, run_status, 61.0, counts, RunSummary()))
        run_result = RunResult(RUN_ID, run_status, 61.0, results, RunSummary())
        screen.post_message(RunCompleted(run_result))  # a success opens the summary, as live
