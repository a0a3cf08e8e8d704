"""Existing clusters through the command line, on the emulator's `demo` seed (real SDK clients).

`aksiso apply` on `scenario: migrate | disable`: pre-flight blocks the 1.29 and Windows-pool
clusters with exit 2 and no write (the emulator's request log has only GETs); the ready cluster
migrates in AKS's order and then audits as isolated; a real kill -9 right after the Cache update
resumes at the reimage; a new run on a half-migrated cluster reimages before it removes egress;
an isolated cluster can change its registry; disable audits as not isolated, and a cluster that
refuses Cache -> Direct fails with Azure's code and advice.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aksiso_tui.emulator import EmulatorThread
from aksiso_tui.engine import RunHandle, StepFinished
from tests.e2e.helpers import EXAMPLES, ROOT, SUB, apply, load, requests_sync

MIGRATE = EXAMPLES / "migrate-existing.yaml"
DISABLE = EXAMPLES / "disable-isolation.yaml"
READY = ("rg-demo-migrate", "aks-ready-to-migrate")
ISOLATED = ("rg-demo-isolated", "aks-already-isolated")


@pytest.fixture
def emu() -> Iterator[EmulatorThread]:
    with EmulatorThread(time_scale=0.0, seed="demo") as server:
        yield server


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`aksiso ARGS` in this process; (exit code, stdout, stderr)."""
    from aksiso_tui.cli import main

    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def audit(capsys: pytest.CaptureFixture[str], emu: EmulatorThread, rg: str, name: str) -> int:
    code, _, err = cli(
        capsys, "audit", "-s", SUB, "-g", rg, "-n", name, "--arm-endpoint", emu.base_url
    )
    assert code in (0, 3), err
    return code


def config(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def migrate_config(tmp_path: Path, rg: str, cluster: str, extra: str = "") -> Path:
    text = (
        f"scenario: migrate\nsubscription: {SUB}\nresource_group: {rg}\nlocation: swedencentral\n"
        f"cluster:\n  name: {cluster}\nregistry:\n  mode: managed\noutbound: none\n{extra}"
    )
    return config(tmp_path, f"{cluster}.yaml", text)


def isolated_migrate_config(tmp_path: Path, registry: str) -> Path:
    """`scenario: migrate` for aks-already-isolated, its registry path in its own VNet."""
    text = MIGRATE.read_text()
    for old, new in (
        ("rg-demo-migrate", "rg-demo-isolated"),
        ("aks-ready-to-migrate", "aks-already-isolated"),
        ("acrdemomigrate01", registry),
        ("vnet-aks-ready", "vnet-aks-isolated"),
        ("10.10.", "10.20."),
    ):
        text = text.replace(old, new)
    return config(tmp_path, f"isolated-{registry}.yaml", text)


def non_gets(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["method"], e["path"]) for e in entries if e["method"] not in ("GET", "HEAD")]


def cluster_writes(entries: list[dict[str, Any]], name: str) -> list[str]:
    """The cluster's own PUTs ("PUT") and its pools' node-image upgrades ("reimage"), in order."""
    out: list[str] = []
    for e in entries:
        path = e["path"].lower()
        if e["method"] == "PUT" and path.endswith(f"/managedclusters/{name}"):
            out.append("PUT")
        elif e["method"] == "POST" and path.endswith("/upgradenodeimageversion"):
            out.append("reimage")
    return out


def events_of(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def finished(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["step_id"]: e for e in events if e["type"] == "StepFinished"}


# -- pre-flight blockers: exit 2, nothing written ----------------------------------------------
def test_kubernetes_129_cluster_is_blocked_and_nothing_is_sent(
    emu: EmulatorThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = migrate_config(tmp_path, "rg-demo-legacy", "aks-legacy-129")
    code, out, err = cli(capsys, "apply", str(path), "--arm-endpoint", emu.base_url, "--yes")
    assert code == 2, out + err
    assert "error: /subscriptions/" in err and "aks-legacy-129: Kubernetes 1.29.15" in err
    assert "1.30 or later" in err and "1.29.15 -> 1.30.14" in err
    assert "az aks upgrade -g rg-demo-legacy -n aks-legacy-129 --kubernetes-version 1.30.14" in err
    assert "Nothing was sent" in err and "Run " not in out
    log = requests_sync(emu.base_url)
    assert log and non_gets(log) == []


def test_windows_pool_cluster_is_blocked_and_nothing_is_sent(
    emu: EmulatorThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = migrate_config(tmp_path, "rg-demo-windows", "aks-windows-pool")
    code, out, err = cli(capsys, "apply", str(path), "--arm-endpoint", emu.base_url, "--yes")
    assert code == 2, out + err
    blockers = [line for line in err.splitlines() if line.strip().startswith("error:")]
    assert len(blockers) == 1 and "/agentPools/win1: Node pool win1 is a Windows pool" in err
    assert "Linux node pools only" in err and "az aks nodepool delete" in err
    assert non_gets(requests_sync(emu.base_url)) == []


def test_unknown_cluster_lists_the_clusters_that_exist(
    emu: EmulatorThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = migrate_config(tmp_path, "rg-demo-migrate", "aks-typo")
    code, _, err = cli(capsys, "apply", str(path), "--arm-endpoint", emu.base_url, "--yes")
    assert code == 2
    assert "cluster aks-typo was not found in resource group rg-demo-migrate" in err
    for known in ("rg-demo-migrate/aks-ready-to-migrate", "rg-demo-legacy/aks-legacy-129"):
        assert known in err
    assert non_gets(requests_sync(emu.base_url)) == []


def test_disable_to_udr_without_a_route_table_is_blocked(
    emu: EmulatorThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = DISABLE.read_text().replace("loadBalancer", "userDefinedRouting")
    path = config(tmp_path, "udr.yaml", text)
    code, _, err = cli(capsys, "apply", str(path), "--arm-endpoint", emu.base_url, "--yes")
    assert code == 2
    assert "snet-aks: Outbound type userDefinedRouting needs a route table" in err
    assert non_gets(requests_sync(emu.base_url)) == []


def test_without_yes_preflight_and_disruption_are_shown_then_nothing_is_sent(
    emu: EmulatorThread, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "apply", str(MIGRATE), "--arm-endpoint", emu.base_url)
    assert code == 2 and "--yes" in err  # stdin is not a terminal under pytest
    assert "Pre-flight of aks-ready-to-migrate:" in out
    assert "artifact source Direct, outbound type loadBalancer: not network isolated" in out
    assert "! cluster.reimage: Reimage every node pool" in out and "pods are evicted" in out
    assert "! cluster.outbound: Set the outbound type to none" in out
    assert "workloads lose internet egress" in out
    assert non_gets(requests_sync(emu.base_url)) == []


# -- migrate ---------------------------------------------------------------------------------
def test_ready_cluster_migrates_in_aks_order_and_audits_isolated(
    emu: EmulatorThread, capsys: pytest.CaptureFixture[str]
) -> None:
    assert audit(capsys, emu, *READY) == 3
    code, out, err = cli(capsys, "apply", str(MIGRATE), "--arm-endpoint", emu.base_url, "--yes")
    assert code == 0, out[-3000:] + err
    log = requests_sync(emu.base_url)
    # Cache update, the pool's node-image upgrade (awaited), only then outbound none.
    assert cluster_writes(log, READY[1]) == ["PUT", "reimage", "PUT"]
    cluster = emu.state.get(
        f"/subscriptions/{SUB}/resourceGroups/{READY[0]}/providers/"
        f"Microsoft.ContainerService/managedClusters/{READY[1]}"
    )
    assert cluster is not None
    p = cluster["properties"]
    assert p["bootstrapProfile"]["artifactSource"] == "Cache"
    assert p["bootstrapProfile"]["containerRegistryId"].endswith("/acrdemomigrate01")
    assert p["networkProfile"]["outboundType"] == "none"
    assert audit(capsys, emu, *READY) == 0


def _journal_has(path: Path, step_id: str) -> bool:
    if not path.exists():
        return False
    for line in path.read_text().splitlines():
        if '"StepFinished"' in line and f'"step_id":"{step_id}"' in line:
            return True
    return False


def test_kill_9_after_the_cache_update_resumes_at_the_reimage(
    state_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Slow enough that the reimage (3 nodes x 600 s x 0.0005 = 0.9 s) is still running at the kill.
    with EmulatorThread(time_scale=0.0005, seed="demo") as emu:
        args = ["apply", str(MIGRATE), "--arm-endpoint", emu.base_url, "--yes"]
        sink = tmp_path / "killed.out"
        with open(sink, "w") as sink_file:
            proc = subprocess.Popen(
                [sys.executable, "-m", "aksiso_tui", *args],
                cwd=ROOT,
                stdout=sink_file,
                stderr=subprocess.STDOUT,
                env=os.environ.copy(),
            )
        run_id, deadline = "", time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            text = sink.read_text()
            if not run_id and "Run " in text:
                run_id = next(x for x in text.splitlines() if x.startswith("Run ")).split()[1]
                run_id = run_id.rstrip(";")
            if run_id and _journal_has(
                state_dir / "runs" / f"{run_id}.jsonl", "cluster.bootstrap_cache"
            ):
                break
            time.sleep(0.002)
        assert proc.poll() is None, (
            "the run finished before it could be killed:\n" + (sink.read_text()[-2000:])
        )
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert not _journal_has(state_dir / "runs" / f"{run_id}.jsonl", "cluster.reimage")
        before = len(requests_sync(emu.base_url))
        assert cluster_writes(requests_sync(emu.base_url), READY[1])[0] == "PUT"

        code, out, err = cli(capsys, *args, "--events", "jsonl", "--resume", run_id)
        assert code == 0, out[-3000:] + err
        steps = finished(events_of(out))
        assert steps["cluster.bootstrap_cache"]["resumed"] is True
        assert steps["cluster.reimage"]["status"] == "succeeded"
        assert steps["cluster.outbound"]["status"] == "succeeded"
        after = cluster_writes(requests_sync(emu.base_url)[before:], READY[1])
        # No second Cache update: the only cluster PUT after the kill is outbound none, and it
        # comes after the reimage (started by the killed run or by this one).
        assert after.count("PUT") == 1 and after[-1] == "PUT"
        assert "reimage" in cluster_writes(requests_sync(emu.base_url), READY[1])
        assert audit(capsys, emu, *READY) == 0


def test_new_run_on_a_half_migrated_cluster_reimages_then_finishes(
    emu: EmulatorThread, capsys: pytest.CaptureFixture[str]
) -> None:
    # Leave the cluster half-migrated: an earlier run stopped right after the Cache update.
    _, plan = load(MIGRATE)
    handle = RunHandle()

    def stop_after_cache(event: object) -> None:
        if isinstance(event, StepFinished) and event.step_id == "cluster.bootstrap_cache":
            handle.cancel("stopped after the Cache update")

    first = asyncio.run(apply(emu.base_url, plan, handle=handle, subscribers=[stop_after_cache]))
    assert first.statuses["cluster.bootstrap_cache"] == "succeeded"
    assert "cluster.outbound" not in first.statuses or first.statuses["cluster.outbound"] != (
        "succeeded"
    )
    before = len(requests_sync(emu.base_url))

    code, out, err = cli(capsys, "apply", str(MIGRATE), "--arm-endpoint", emu.base_url, "--yes")
    assert code == 0, out[-3000:] + err
    assert "half-migrated (Cache, but egress not yet removed)" in out
    assert "cluster.bootstrap_cache: nothing to change (already Cache)" in out
    assert "cluster.reimage: reimage every node pool: the cluster is half-migrated" in out
    assert "! cluster.reimage:" in out
    assert "Azure does not say whether its nodes were reimaged" in out  # the step's own log
    log = requests_sync(emu.base_url)[before:]
    assert cluster_writes(log, READY[1]) == ["reimage", "PUT"]  # no Cache update again
    assert audit(capsys, emu, *READY) == 0


def test_already_isolated_cluster_has_nothing_to_change(
    emu: EmulatorThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = isolated_migrate_config(tmp_path, "acrdemoisolated01")
    code, out, err = cli(
        capsys, "apply", str(path), "--arm-endpoint", emu.base_url, "--yes", "--events", "jsonl"
    )
    assert code == 0, err[-3000:]
    assert "Nothing to change: the run only verifies the cluster." in err
    assert "cluster.reimage: nothing to change on this cluster" in err
    steps = finished(events_of(out))
    assert {s["status"] for s in steps.values()} == {"unchanged"}
    assert cluster_writes(requests_sync(emu.base_url), ISOLATED[1]) == []


def test_isolated_cluster_changes_its_registry_and_reimages(
    emu: EmulatorThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = isolated_migrate_config(tmp_path, "acrdemoisolated02")
    code, out, err = cli(
        capsys, "apply", str(path), "--arm-endpoint", emu.base_url, "--yes", "--events", "jsonl"
    )
    assert code == 0, err[-3000:]
    assert "change the registry from acrdemoisolated01 to acrdemoisolated02" in err
    steps = finished(events_of(out))
    assert steps["registry.private_endpoint"]["status"] == "succeeded"
    assert steps["cluster.bootstrap_cache"]["status"] == "succeeded"
    assert steps["cluster.reimage"]["status"] == "succeeded"
    assert steps["cluster.outbound"]["status"] == "unchanged"
    assert cluster_writes(requests_sync(emu.base_url), ISOLATED[1]) == ["PUT", "reimage"]
    cluster = emu.state.get(
        f"/subscriptions/{SUB}/resourceGroups/{ISOLATED[0]}/providers/"
        f"Microsoft.ContainerService/managedClusters/{ISOLATED[1]}"
    )
    assert cluster is not None
    boot = cluster["properties"]["bootstrapProfile"]
    assert boot["artifactSource"] == "Cache"
    assert boot["containerRegistryId"].endswith("/acrdemoisolated02")
    assert audit(capsys, emu, *ISOLATED) == 0


# -- disable ---------------------------------------------------------------------------------
def test_disable_then_audit_not_isolated(
    emu: EmulatorThread, capsys: pytest.CaptureFixture[str]
) -> None:
    assert audit(capsys, emu, *ISOLATED) == 0
    code, out, err = cli(capsys, "apply", str(DISABLE), "--arm-endpoint", emu.base_url, "--yes")
    assert code == 0, out[-3000:] + err
    assert "cluster.disable: set the artifact source to Direct and the outbound type to" in out
    assert cluster_writes(requests_sync(emu.base_url), ISOLATED[1]) == ["PUT", "reimage"]
    assert audit(capsys, emu, *ISOLATED) == 3


def test_disable_refused_by_azure_fails_with_its_code_and_advice(
    emu: EmulatorThread, capsys: pytest.CaptureFixture[str]
) -> None:
    from azure.mgmt.containerservice import ContainerServiceClient

    from aksiso_tui.emulator.testing import make_client

    aks = make_client(ContainerServiceClient, emu.base_url)
    aks.managed_clusters.begin_update_tags(
        ISOLATED[0], ISOLATED[1], {"tags": {"aksiso-emulator/deny-direct": "true"}}
    ).result()
    before = len(requests_sync(emu.base_url))
    code, out, err = cli(
        capsys, "apply", str(DISABLE), "--arm-endpoint", emu.base_url, "--yes", "--events", "jsonl"
    )
    assert code == 1, err[-3000:]
    steps = finished(events_of(out))
    failed = steps["cluster.disable"]
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "BootstrapArtifactSourceNotAllowed"
    assert "cannot be changed from 'Cache' to 'Direct'" in failed["error"]["message"]
    assert "Keep Cache and allow egress instead" in failed["error"]["fix"]
    assert steps["cluster.reimage"]["status"] == "skipped"
    assert cluster_writes(requests_sync(emu.base_url)[before:], ISOLATED[1]) == ["PUT"]
    # The console says the same to a person.
    code, out, err = cli(capsys, "apply", str(DISABLE), "--arm-endpoint", emu.base_url, "--yes")
    assert code == 1
    assert "BootstrapArtifactSourceNotAllowed" in out and "Keep Cache and allow egress" in out
    assert audit(capsys, emu, *ISOLATED) == 0
