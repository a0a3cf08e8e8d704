"""The journal (one JSON-lines file per run) and resuming a run killed at any moment."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aksiso_tui.engine import (
    Journal,
    ResumeRefused,
    RunStatus,
    StepStatus,
    journal_path,
    list_runs,
    load_journal,
    new_run_id,
    plan_fingerprint,
    read_journal,
    run_plan,
)
from aksiso_tui.engine.journal import RUN_ID_RE
from aksiso_tui.plan.model import Ref
from tests.engine.fakes import FakeCloud, FakeExecutor, make_plan, make_step


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AKSISO_STATE_DIR", str(tmp_path))
    return tmp_path


def plan_for_resume():
    return make_plan(
        make_step("rg", estimate=1),
        make_step("vnet", "rg", estimate=3),
        make_step("identity", "rg", estimate=2, outputs=("principal_id",)),
        make_step("subnet", "vnet", estimate=2),
        make_step(
            "role",
            "identity",
            "subnet",
            kind="Microsoft.Authorization/roleAssignments",
            body={"principalId": Ref("identity", "principal_id")},
        ),
        make_step("cluster", "role", estimate=10),
    )


OUTPUTS = {"identity": {"principal_id": "0000-aaaa"}}


def test_run_ids_sort_by_time_and_are_path_safe() -> None:
    run_id = new_run_id()
    assert RUN_ID_RE.match(run_id)
    early = new_run_id(datetime(2026, 11, 23, 9, 5, 12, tzinfo=UTC))
    late = new_run_id(datetime(2026, 11, 23, 14, 5, 12, tzinfo=UTC))
    assert early.startswith("20261123-090512-") and early < late
    with pytest.raises(ValueError, match="not a run id"):
        journal_path("../../etc/passwd")


async def test_every_line_is_json_flushed_as_the_event_happens(state_dir: Path) -> None:
    run_id = new_run_id()
    journal = Journal(run_id)
    seen: list[int] = []

    def count_lines(event) -> None:
        # runs after the journal for each event: the line must already be in the file
        seen.append(len(journal_path(run_id).read_text().splitlines()))

    plan = plan_for_resume()
    result = await run_plan(
        plan,
        FakeExecutor(outputs=OUTPUTS),
        run_id=run_id,
        on_event=[journal, count_lines],
        target="emulator",
        spec_hash="sha256:abc",
    )
    assert seen == list(range(1, len(seen) + 1))
    path = state_dir / "runs" / f"{run_id}.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    header = lines[0]
    assert header["type"] == "RunStarted" and header["run_id"] == run_id
    assert header["plan_hash"] == plan_fingerprint(plan)
    assert header["target"] == "emulator" and header["spec_hash"] == "sha256:abc"
    assert lines[-1]["type"] == "RunFinished" and lines[-1]["status"] == "succeeded"
    assert all("ts" in line for line in lines)
    state = load_journal(run_id)
    assert state.status is RunStatus.SUCCEEDED and not state.interrupted
    assert state.steps["identity"].outputs == {"principal_id": "0000-aaaa"}
    assert result.status is RunStatus.SUCCEEDED
    assert oct(path.stat().st_mode & 0o777) == "0o600"


async def test_fsync_on_the_lines_resume_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    plan = make_plan(make_step("a"), make_step("b", "a"))
    await run_plan(plan, FakeExecutor(), on_event=Journal())
    assert len(synced) == 1 + 2 + 1  # RunStarted, two StepFinished, RunFinished
    synced.clear()
    await run_plan(plan, FakeExecutor(), on_event=Journal(fsync="never"))
    assert synced == []


async def test_a_truncated_last_line_is_tolerated_and_not_glued_to(state_dir: Path) -> None:
    run_id = new_run_id()
    plan = plan_for_resume()
    await run_plan(plan, FakeExecutor(outputs=OUTPUTS), run_id=run_id, on_event=Journal(run_id))
    path = journal_path(run_id)
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    path.write_text("".join(lines[:-3]) + lines[-3][: len(lines[-3]) // 2])  # kill mid-write
    state = load_journal(run_id)
    assert state.damaged_lines == 1 and state.interrupted

    resumed = await run_plan(
        plan,
        FakeExecutor(outputs=OUTPUTS, cloud=FakeCloud()),
        resume_from=state,
        on_event=Journal(run_id),
    )
    after = load_journal(run_id)
    assert after.damaged_lines == 1  # the partial line stays on its own line
    assert after.status is RunStatus.SUCCEEDED and after.segments == 2
    assert resumed.run_id == run_id


async def test_resume_verifies_done_steps_instead_of_re_executing_them() -> None:
    run_id = new_run_id()
    plan = plan_for_resume()
    cloud = FakeCloud()
    first = FakeExecutor(cloud=cloud, outputs=OUTPUTS, script={"cluster": [RuntimeError("boom")]})
    result = await run_plan(plan, first, run_id=run_id, on_event=Journal(run_id))
    assert result.steps["cluster"].status is StepStatus.FAILED

    state = load_journal(run_id)
    second = FakeExecutor(cloud=cloud, outputs=OUTPUTS)
    resumed = await run_plan(plan, second, resume_from=state, on_event=Journal(run_id))
    assert resumed.status is RunStatus.SUCCEEDED
    assert second.executed == ["cluster"]
    assert sorted(second.verified) == sorted(["rg", "vnet", "identity", "subnet", "role"])
    assert resumed.steps["vnet"].status is StepStatus.SUCCEEDED  # still "created by this run"
    assert resumed.steps["vnet"].resumed
    assert set(cloud.creations.values()) == {1}


async def test_resume_re_runs_a_step_that_is_gone() -> None:
    run_id = new_run_id()
    plan = plan_for_resume()
    cloud = FakeCloud()
    await run_plan(
        plan, FakeExecutor(cloud=cloud, outputs=OUTPUTS), run_id=run_id, on_event=Journal(run_id)
    )
    del cloud.resources[plan.step("subnet").resource_id]  # someone deleted it meanwhile
    ex = FakeExecutor(cloud=cloud, outputs=OUTPUTS)
    result = await run_plan(plan, ex, resume_from=load_journal(run_id))
    assert ex.executed == ["subnet"]
    assert result.steps["subnet"].status is StepStatus.SUCCEEDED


async def test_resume_refuses_a_different_plan_or_target() -> None:
    run_id = new_run_id()
    plan = plan_for_resume()
    await run_plan(
        plan,
        FakeExecutor(outputs=OUTPUTS),
        run_id=run_id,
        on_event=Journal(run_id),
        target="https://management.azure.com sub 1",
    )
    state = load_journal(run_id)
    changed = make_plan(*plan.steps[:-1], make_step("cluster", "role", kind="Other/kind"))
    with pytest.raises(ResumeRefused, match="different plan"):
        await run_plan(changed, FakeExecutor(), resume_from=state)
    with pytest.raises(ResumeRefused, match="targeted"):
        await run_plan(plan, FakeExecutor(), resume_from=state, target="emulator")


async def test_secret_outputs_are_re_read_by_verify_not_taken_from_the_journal() -> None:
    run_id = new_run_id()
    plan = make_plan(
        make_step("acr"),
        make_step("use", "acr", body={"password": Ref("acr", "admin_password")}),
    )
    cloud = FakeCloud()
    outputs = {"acr": {"admin_password": "hunter2-real"}}
    first = FakeExecutor(cloud=cloud, outputs=outputs, script={"use": [RuntimeError("x")]})
    await run_plan(plan, first, run_id=run_id, on_event=Journal(run_id))
    state = load_journal(run_id)
    assert state.steps["acr"].outputs == {"admin_password": "<redacted>"}

    fresh = FakeExecutor(cloud=cloud, outputs=outputs)
    result = await run_plan(plan, fresh, resume_from=state)
    assert fresh.bodies["use"] == {"password": "hunter2-real"}
    assert result.status is RunStatus.SUCCEEDED

    blind = FakeExecutor(cloud=cloud, outputs=outputs, verify_outputs={})
    cloud.resources.pop(plan.step("use").resource_id, None)
    result = await run_plan(plan, blind, resume_from=load_journal(run_id))
    assert result.steps["use"].error.code == "UnresolvedReference"  # type: ignore[union-attr]


async def test_killed_at_any_line_resumes_to_the_same_end_state_without_duplicates(
    state_dir: Path,
) -> None:
    plan = plan_for_resume()
    cloud = FakeCloud()
    run_id = new_run_id()
    journal = Journal(run_id, fsync="never")
    written = [0]
    # Kill points: after each journal line, with the cloud as it was then or just before the
    # next line (a write Azure accepted but aksiso never journaled).
    kills: list[tuple[int, FakeCloud]] = []

    def snapshot_around(event) -> None:
        kills.append((written[0], cloud.snapshot()))
        journal(event)
        written[0] += 1
        kills.append((written[0], cloud.snapshot()))

    full = await run_plan(
        plan, FakeExecutor(cloud=cloud, outputs=OUTPUTS), run_id=run_id, on_event=snapshot_around
    )
    assert full.status is RunStatus.SUCCEEDED
    all_lines = journal_path(run_id).read_text().splitlines(keepends=True)
    expected = cloud.resources

    for n_lines, cloud_then in kills:
        if n_lines == 0:
            continue  # killed before the run was journaled at all: nothing to resume
        for partial in ("", all_lines[n_lines][:7] if n_lines < len(all_lines) else ""):
            rid = new_run_id()
            journal_path(rid).write_text("".join(all_lines[:n_lines]) + partial)
            state = load_journal(rid)
            again = cloud_then.snapshot()
            ex = FakeExecutor(cloud=again, outputs=OUTPUTS)
            result = await run_plan(
                plan, ex, resume_from=state, on_event=Journal(rid, fsync="never")
            )
            assert result.status is RunStatus.SUCCEEDED, (n_lines, result.summary)
            assert again.resources == expected
            assert set(again.creations.values()) == {1}, n_lines
            final = load_journal(rid)
            # every resource was created by this run, whichever segment did it
            assert {s.status for s in final.steps.values()} == {StepStatus.SUCCEEDED}, n_lines


async def test_list_runs_newest_first(state_dir: Path) -> None:
    plan = make_plan(make_step("a"))
    ids = ["20261101-090000-aaaa", "20261102-090000-bbbb"]
    for run_id in ids:
        await run_plan(plan, FakeExecutor(), run_id=run_id, on_event=Journal(run_id))
    (state_dir / "runs" / "notes.jsonl").write_text("hello\n")
    runs = list_runs()
    assert [r.run_id for r in runs] == ids[::-1]
    assert runs[0].status is RunStatus.SUCCEEDED
    with pytest.raises(FileNotFoundError, match="no journal"):
        load_journal("20200101-000000-0000")
    with pytest.raises(ValueError, match="not an aksiso journal"):
        read_journal(state_dir / "runs" / "notes.jsonl")


async def test_cancel_is_journaled_and_resume_picks_up_what_was_in_flight() -> None:
    from aksiso_tui.engine import RunHandle
    from tests.engine.fakes import VirtualTime

    vt = VirtualTime()
    run_id = new_run_id()
    plan = plan_for_resume()
    cloud = FakeCloud()
    handle = RunHandle()
    vt.at(5.0, lambda: handle.cancel("Ctrl+C"))  # vnet (t=1..4) done; subnet in flight
    first = await vt.run(
        run_plan(
            plan,
            FakeExecutor(vt, cloud=cloud, outputs=OUTPUTS),
            run_id=run_id,
            on_event=Journal(run_id),
            handle=handle,
            clock=vt.clock,
            sleep=vt.sleep,
        )
    )
    assert first.status is RunStatus.CANCELLED
    state = load_journal(run_id)
    assert state.status is RunStatus.CANCELLED
    subnet = state.steps["subnet"]
    assert subnet.status is StepStatus.CANCELLED and subnet.write_issued
    assert first.summary.in_flight[0].step_id == "subnet"

    ex = FakeExecutor(cloud=cloud, outputs=OUTPUTS)  # Azure finished the subnet meanwhile
    resumed = await run_plan(plan, ex, resume_from=state, on_event=Journal(run_id))
    assert resumed.status is RunStatus.SUCCEEDED
    assert resumed.steps["subnet"].status is StepStatus.SUCCEEDED  # created by this run
    assert ex.executed == ["subnet", "role", "cluster"]
    assert set(cloud.creations.values()) == {1}
