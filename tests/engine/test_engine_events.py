"""Events round-trip through JSON; redaction; secrets never reach any output; import hygiene."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from aksiso_tui.engine import (
    REDACTED,
    ConsoleView,
    FailedStep,
    InFlightStep,
    Journal,
    JsonlWriter,
    PlannedStep,
    RunFinished,
    RunStarted,
    RunStatus,
    RunSummary,
    SkippedStep,
    StepError,
    StepFinished,
    StepLog,
    StepOperation,
    StepOutcome,
    StepProgress,
    StepStarted,
    StepStatus,
    event_from_json,
    journal_path,
    new_run_id,
    redact,
    run_plan,
    to_json,
)
from tests.engine.fakes import FakeExecutor, make_plan, make_step

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJha3Npc28tdGVzdCJ9.c2lnbmF0dXJlLWJ5dGVz"
PLAIN_SECRET = "s3cr3t-PLAIN-value-42"
BEARER = "Bearer abcdefghijklmnopqrstuvwxyz0123"
SECRETS = (JWT, PLAIN_SECRET, "abcdefghijklmnopqrstuvwxyz0123", "hunter2hunter2")

ALL_EVENTS = [
    RunStarted(
        "20261123-140512-ab12",
        (
            PlannedStep(
                "a", "Create A", "Microsoft.X/y", "/subscriptions/0/a", ("b",), 3.0, "network"
            ),
        ),
        "2026-11-23T14:05:12+00:00",
        target="emulator",
        plan_hash="sha256:0",
        resumed=True,
    ),
    StepStarted("a", 2, "PUT /subscriptions/0/a"),
    StepOperation("a", "GET /subscriptions/0/a"),
    StepProgress("a", "waiting", 0.25),
    StepLog("a", "warning", "retrying"),
    StepFinished(
        "a",
        StepStatus.FAILED,
        1.5,
        {"ip": "10.0.0.4"},
        StepError("AlreadyInUse", "taken", "choose another", False, {"target": "name"}),
        attempts=2,
    ),
    StepFinished("b", StepStatus.CANCELLED, 0.0, reason="x", in_flight_operation="PUT /b"),
    RunFinished(
        "20261123-140512-ab12",
        RunStatus.FAILED,
        12.0,
        {"failed": 1},
        RunSummary(
            created=("c",),
            failed=(FailedStep("a", "Create A", "AlreadyInUse", "taken", "choose another"),),
            skipped=(SkippedStep("d", "dependency a failed"),),
            in_flight=(InFlightStep("b", "PUT /b"),),
            next_steps=("resume",),
        ),
    ),
]


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: type(e).__name__)
def test_every_event_round_trips_through_json(event) -> None:
    data = json.loads(json.dumps(to_json(event)))
    assert data["type"] == type(event).__name__
    assert event_from_json(data) == event


def test_unknown_keys_are_ignored_and_unknown_types_refused() -> None:
    data = to_json(StepLog("a", "info", "hi")) | {"new_field": 1}
    assert event_from_json(data) == StepLog("a", "info", "hi")
    with pytest.raises(ValueError, match="unknown event type"):
        event_from_json({"type": "Nope"})


def test_redact_masks_secret_keys_and_token_shaped_strings() -> None:
    data = {
        "clientSecret": "abc",
        "nested": [{"access_token": "x", "primaryKey": "k", "name": "keep"}],
        "Authorization": BEARER,
        "message": f"failed with {BEARER} and {JWT}; conn AccountKey=zzzz;Password=pw1234",
        "url": "https://x.blob.core.windows.net/c?sv=1&sig=SIGNATURE123&se=2",
        "password": None,
        "principal_id": "0000-1111",
    }
    out = redact(data)
    assert out["clientSecret"] == REDACTED
    assert out["nested"] == [{"access_token": REDACTED, "primaryKey": REDACTED, "name": "keep"}]
    assert out["Authorization"] == REDACTED
    assert JWT not in out["message"] and "abcdefghijklmnop" not in out["message"]
    assert "zzzz" not in out["message"] and "pw1234" not in out["message"]
    assert out["message"].startswith("failed with Bearer <redacted>")
    assert "SIGNATURE123" not in out["url"] and "se=2" in out["url"]
    assert out["password"] is None  # "not set" stays visible
    assert out["principal_id"] == "0000-1111"


async def test_secrets_never_reach_the_journal_jsonl_or_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AKSISO_STATE_DIR", str(tmp_path))

    def leaky(step, ctx):
        ctx.log("info", f"got token {JWT} for Authorization: {BEARER}")
        ctx.progress(f"using {JWT}")
        ctx.operation(f"POST /listCredentials?access_token={PLAIN_SECRET}")
        return StepOutcome(
            StepStatus.SUCCEEDED,
            {"admin_password": PLAIN_SECRET, "token": JWT, "registry": "acr1"},
        )

    def leaky_error(step, ctx):
        raise StepError(
            "AuthorizationFailed",
            f"token {JWT} rejected; client_secret=hunter2hunter2",
            details={"clientSecret": PLAIN_SECRET},
        )

    plan = make_plan(make_step("creds"), make_step("fails"))
    ex = FakeExecutor(script={"creds": [leaky], "fails": [leaky_error]})
    run_id = new_run_id()
    jsonl = io.StringIO()
    plain = Console(record=True, width=120, file=io.StringIO())
    live = Console(record=True, width=120, file=io.StringIO(), force_terminal=True)
    live_view = ConsoleView(live, live=True)
    result = await run_plan(
        plan,
        ex,
        run_id=run_id,
        on_event=[Journal(run_id), JsonlWriter(jsonl), ConsoleView(plain), live_view],
    )
    live.print(live_view.render())
    assert result.outputs["creds"]["admin_password"] == PLAIN_SECRET  # in memory only

    outputs = {
        "journal": journal_path(run_id).read_text(),
        "jsonl": jsonl.getvalue(),
        "console": plain.export_text(),
        "live console": live.export_text(),
    }
    assert '"registry":"acr1"' in outputs["journal"]  # what is not secret is kept
    for name, text in outputs.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaked into the {name}"


def test_the_engine_imports_neither_textual_nor_azure_nor_rich() -> None:
    code = (
        "import sys, aksiso_tui.engine, aksiso_tui.engine.runner, aksiso_tui.engine.journal;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'azure', 'rich')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
