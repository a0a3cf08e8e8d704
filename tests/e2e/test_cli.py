"""`aksiso apply` / `destroy` as a user runs them: a subprocess against an emulator in another
thread of this process (so its state outlives the subprocess). Kill -9 at several points and
resume; no token in any output; destroy deletes exactly what the run created; bad input and
a missing confirmation exit 2 with nothing sent."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from azure.mgmt.msi import ManagedServiceIdentityClient
from azure.mgmt.resource.resources import ResourceManagementClient

from aksiso_tui.azure.target import LOCAL_TOKEN
from aksiso_tui.emulator import EmulatorThread
from aksiso_tui.emulator.testing import FAKE_TOKEN, make_client
from tests.e2e.helpers import EXAMPLES, ROOT, count_by_type, requests_sync, writes

HUB = EXAMPLES / "hub-firewall-spoke.yaml"
SEED000 = EXAMPLES / "seed000-byo-private-link.yaml"


@pytest.fixture
def emu() -> Iterator[EmulatorThread]:
    with EmulatorThread(time_scale=0.0) as server:
        yield server


def aksiso(*args: str, stdin: str | None = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aksiso_tui", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`aksiso ARGS` in this process (fast: no interpreter start); (exit code, stdout, stderr)."""
    from aksiso_tui.cli import main

    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_id_of(output: str) -> str:
    line = next(x for x in output.splitlines() if x.startswith("Run "))
    return line.split()[1].rstrip(";")


def journal_text(state_dir: Path, run_id: str) -> str:
    return (state_dir / "runs" / f"{run_id}.jsonl").read_text()


def test_no_token_in_journal_events_or_console(
    emu: EmulatorThread, state_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(
        capsys, "apply", str(SEED000), "--arm-endpoint", emu.base_url, "--yes", "--events", "jsonl"
    )
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert events[0]["type"] == "RunStarted" and events[-1]["type"] == "RunFinished"
    texts = [out, err, journal_text(state_dir, run_id_of(err))]
    code, out, err = cli(capsys, "apply", str(SEED000), "--arm-endpoint", emu.base_url, "--yes")
    assert code == 0, err
    texts += [out, err, journal_text(state_dir, run_id_of(out))]
    for text in texts:
        assert LOCAL_TOKEN not in text
        assert FAKE_TOKEN not in text
        assert re.search(r"(?i)bearer\s+[a-z0-9]", text) is None
        assert re.search(r"(?i)[\"']?authorization[\"']?\s*[:=]", text) is None


def test_bad_input_and_no_confirmation_send_nothing(
    emu: EmulatorThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED000.read_text().replace("prefix: 192.168.2.0/24", "prefix: 192.168.1.0/24"))
    assert cli(capsys, "apply", str(bad), "--arm-endpoint", emu.base_url, "--yes")[0] == 2
    code, _, err = cli(capsys, "apply", str(SEED000), "--arm-endpoint", emu.base_url)
    assert code == 2 and "--yes" in err  # stdin is not a terminal under pytest
    code, _, err = cli(capsys, "apply", str(SEED000), "--arm-endpoint", "http://example.com")
    assert code == 2 and "https" in err
    code, _, err = cli(
        capsys,
        "apply",
        str(SEED000),
        "--arm-endpoint",
        emu.base_url,
        "--resume",
        "20990101-000000-abcd",
        "--yes",
    )
    assert code == 2 and "no journal" in err
    assert requests_sync(emu.base_url) == []


def kill_after(args: list[str], lines: int, state_dir: Path, out: Path) -> str:
    """Start apply, SIGKILL it once its journal has `lines` lines; return the run id."""
    with open(out, "w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "aksiso_tui", *args],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
            env=os.environ.copy(),
        )
    deadline = time.monotonic() + 60
    run_id = ""
    while time.monotonic() < deadline and proc.poll() is None:
        if not run_id and "Run " in out.read_text():
            run_id = run_id_of(out.read_text())
        path = state_dir / "runs" / f"{run_id}.jsonl"
        if run_id and path.exists() and path.read_text().count("\n") >= lines:
            break
        time.sleep(0.002)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return run_id


@pytest.fixture(scope="module")
def hub_baseline() -> dict[str, int]:
    """Resources by type after an uninterrupted run of the same config."""
    import asyncio

    from tests.e2e.helpers import apply, load

    _, plan = load(HUB)
    with EmulatorThread(time_scale=0.0) as clean:
        applied = asyncio.run(apply(clean.base_url, plan))
        assert applied.result.exit_code == 0, applied.describe_failures()
        return count_by_type(clean.state)


@pytest.mark.parametrize("lines", [12, 60, pytest.param(150, marks=pytest.mark.slow)])
def test_kill_and_resume_reaches_the_same_end_state(
    lines: int, state_dir: Path, tmp_path: Path, hub_baseline: dict[str, int]
) -> None:
    with EmulatorThread(time_scale=0.002) as emu:
        args = ["apply", str(HUB), "--arm-endpoint", emu.base_url, "--yes", "--events", "jsonl"]
        run_id = kill_after(args[:-2], lines, state_dir, tmp_path / "killed.out")
        resumed = aksiso(*args, "--resume", run_id)
        assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr
        finished = json.loads(resumed.stdout.splitlines()[-1])
        assert finished["type"] == "RunFinished" and finished["status"] == "succeeded"
        assert count_by_type(emu.state) == hub_baseline
        if lines == 60:  # resuming a finished run re-verifies every step and writes nothing
            before = len(requests_sync(emu.base_url))
            again = aksiso(*args, "--resume", run_id)
            assert again.returncode == 0
            assert writes(requests_sync(emu.base_url)[before:]) == []


def test_resume_refuses_another_target(
    emu: EmulatorThread, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, "apply", str(SEED000), "--arm-endpoint", emu.base_url, "--yes")
    assert code == 0
    code, _, err = cli(
        capsys,
        "apply",
        str(SEED000),
        "--arm-endpoint",
        "http://127.0.0.1:9",
        "--yes",
        "--resume",
        run_id_of(out),
    )
    assert code == 2 and emu.base_url in err


def test_destroy_deletes_exactly_what_the_run_created(
    emu: EmulatorThread, capsys: pytest.CaptureFixture[str]
) -> None:
    # Existing before the run: the resource group and something of someone else's in it.
    rm = make_client(ResourceManagementClient, emu.base_url)
    rm.resource_groups.create_or_update("rg-aks-spoke", {"location": "swedencentral"})
    msi = make_client(ManagedServiceIdentityClient, emu.base_url)
    other = msi.user_assigned_identities.create_or_update(
        "rg-aks-spoke", "id-someone-else", {"location": "swedencentral"}
    )
    before = {r["id"].lower() for r in emu.state}
    code, out, _ = cli(capsys, "apply", str(HUB), "--arm-endpoint", emu.base_url, "--yes")
    assert code == 0, out[-2000:]
    run_id = run_id_of(out)
    assert cli(capsys, "destroy", run_id)[0] == 2  # no terminal to confirm on
    code, out, err = cli(capsys, "destroy", run_id, "--yes")
    assert code == 0, out[-3000:] + err
    after = {r["id"].lower() for r in emu.state}
    assert after == before, sorted(after ^ before)
    assert other.id.lower() in after
    assert not any("/resourcegroups/mc_" in rid for rid in after)
