"""Helpers for the end-to-end tests: run a plan with the real aio clients against an emulator.

`apply(base_url, plan)` runs `run_plan` with an `AzureExecutor` over a `ClientFactory` pointed at
the emulator (tiny polling interval and retry backoff, so faults cost milliseconds), collecting
every event. `requests(base_url)` reads the emulator's request log; `writes()` filters it.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.azure.executor import AzureExecutor
from aksiso_tui.azure.target import async_credential, resolve_target
from aksiso_tui.config import load_spec_file
from aksiso_tui.engine import (
    Event,
    JournalState,
    RetryPolicy,
    RunHandle,
    RunResult,
    StepFinished,
    run_plan,
)
from aksiso_tui.plan import build_plan
from aksiso_tui.plan.model import Plan
from aksiso_tui.spec import Spec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SUB = "00000000-0000-0000-0000-000000000000"
FAST_RETRIES = RetryPolicy(base=0.01, cap=0.05, budget_s=60.0, seed=1)
WRITE_METHODS = ("PUT", "PATCH", "DELETE")


def load(path: Path | str) -> tuple[Spec, Plan]:
    spec, findings = load_spec_file(str(path))
    assert spec is not None, findings
    return spec, build_plan(spec)


def factory_for(base_url: str, subscription: str = SUB) -> ClientFactory:
    target = resolve_target(arm_endpoint=base_url)
    return ClientFactory(
        target,
        async_credential(target),
        subscription,
        polling_interval=0.0,
        retry_backoff_factor=0.01,
    )


@dataclass
class Applied:
    result: RunResult
    events: list[Event] = field(default_factory=list)

    @property
    def statuses(self) -> dict[str, str]:
        return {sid: r.status.value for sid, r in self.result.steps.items()}

    def finished(self, step_id: str) -> StepFinished:
        return next(e for e in self.events if isinstance(e, StepFinished) and e.step_id == step_id)

    def describe_failures(self) -> str:
        return "\n".join(
            f"{sid}: {r.status.value} {r.error} {r.reason}"
            for sid, r in self.result.steps.items()
            if not r.status.ok
        )


async def apply(
    base_url: str,
    plan: Plan,
    *,
    resume_from: JournalState | None = None,
    handle: RunHandle | None = None,
    subscribers: list[Any] | None = None,
    concurrency: int = 8,
    policy: RetryPolicy = FAST_RETRIES,
    target: str = "",
) -> Applied:
    events: list[Event] = []
    async with factory_for(base_url) as factory:
        result = await run_plan(
            plan,
            AzureExecutor(factory, journal=resume_from),
            on_event=[events.append, *(subscribers or [])],
            retry_policy=policy,
            concurrency=concurrency,
            resume_from=resume_from,
            handle=handle,
            target=target,
        )
    return Applied(result, events)


def requests_sync(base_url: str) -> list[dict[str, Any]]:
    """The emulator's request log (from another thread or process than the emulator's loop)."""
    with urllib.request.urlopen(f"{base_url}/_emulator/requests") as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


async def requests(base_url: str) -> list[dict[str, Any]]:
    """The request log of an emulator running on this event loop."""
    return await asyncio.to_thread(requests_sync, base_url)


def writes(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if e["method"] in WRITE_METHODS]


def count_by_type(store: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for res in store:
        rtype = str(res.get("type", "")).lower()
        counts[rtype] = counts.get(rtype, 0) + 1
    return counts


def props(res: dict[str, Any] | None) -> dict[str, Any]:
    return (res or {}).get("properties") or {}
