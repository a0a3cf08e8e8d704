"""How much does journaling cost? 10,000 events through `Journal` with each fsync policy.

    python bench/journal_bench.py [N_EVENTS]

The event mix is a run's: per step one StepStarted, a StepOperation, a few StepProgress and one
StepFinished, so about one event in six is a StepFinished (fsync'd under the default policy).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from aksiso_tui.engine import (
    Journal,
    RunFinished,
    RunStarted,
    RunStatus,
    RunSummary,
    StepFinished,
    StepOperation,
    StepProgress,
    StepStarted,
    StepStatus,
)


def events(n: int):
    yield RunStarted("20261123-140512-ab12", (), "2026-11-23T14:05:12+00:00", target="bench")
    i = 0
    while i < n - 2:
        sid = f"step{i}"
        yield StepStarted(sid, 1, f"PUT /subscriptions/0/resourceGroups/rg/x/{sid}")
        yield StepOperation(sid, f"PUT /subscriptions/0/resourceGroups/rg/x/{sid}")
        for k in range(3):
            yield StepProgress(sid, "waiting for provisioningState Succeeded", k / 3)
        yield StepFinished(sid, StepStatus.SUCCEEDED, 1.0, {"id": sid})
        i += 6
    yield RunFinished("20261123-140512-ab12", RunStatus.SUCCEEDED, 1.0, {}, RunSummary())


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    batch = list(events(n))
    with tempfile.TemporaryDirectory() as tmp:
        for policy in ("never", "finish", "every"):
            journal = Journal(path=Path(tmp) / f"{policy}.jsonl", fsync=policy)  # type: ignore[arg-type]
            start = time.perf_counter()
            for event in batch:
                journal(event)
            took = time.perf_counter() - start
            per = took / len(batch) * 1e6
            print(f"fsync={policy:<6} {len(batch)} events: {took:6.3f}s  ({per:7.1f} us/event)")


if __name__ == "__main__":
    main()
