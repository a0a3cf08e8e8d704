"""The journal: one JSON-lines file per run, so a run killed at any moment can be resumed.

File: ``<state dir>/runs/<run_id>.jsonl``; the state dir is ``$AKSISO_STATE_DIR`` if set, else
``platformdirs.user_state_dir("aksiso")``. Run ids are ``YYYYMMDD-HHMMSS-xxxx`` (UTC start time and
four random hex digits): they sort by start time and are short enough to type.

Format: every line is one event as :func:`~aksiso_tui.engine.events.to_json` makes it (so redacted),
plus ``"ts"``, the wall-clock time it was written. The first line is always ``RunStarted``; it is
the header: run id, ``plan_hash`` (what resume compares), ``spec_hash`` and ``target``. Resuming
appends to the same file, starting with another ``RunStarted`` (``"resumed": true``).

Durability: each line is written and flushed as the event happens, which puts it in the kernel's
page cache: that survives ``kill -9`` of aksiso, the case resume exists for. ``os.fsync`` (which
survives power loss too) costs a disk round trip per call, so by default it runs on the lines that
matter for resuming (``RunStarted``, ``StepFinished``, ``RunFinished``) and not on progress and
logs; ``fsync="every"`` does it for every line (see ``bench/journal_bench.py`` for the numbers).

Reading (:func:`load_journal`) tolerates a truncated last line (a kill mid-write) and, since a
resumed run appends after it, such a damaged line anywhere: it is counted and skipped.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

from aksiso_tui.engine.errors import StepError
from aksiso_tui.engine.events import (
    Event,
    RunFinished,
    RunStarted,
    RunStatus,
    StepFinished,
    StepOperation,
    StepStarted,
    StepStatus,
    event_from_json,
    to_json,
)

ENV_STATE_DIR = "AKSISO_STATE_DIR"
RUN_ID_RE = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{4}$")
FsyncPolicy = Literal["finish", "every", "never"]
_WRITE_VERBS = ("PUT", "PATCH", "POST", "DELETE")


def state_dir() -> Path:
    override = os.environ.get(ENV_STATE_DIR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_state_dir("aksiso"))


def runs_dir(base: Path | None = None) -> Path:
    return (base or state_dir()) / "runs"


def journal_path(run_id: str, base: Path | None = None) -> Path:
    if not RUN_ID_RE.match(run_id):
        raise ValueError(f"{run_id!r} is not a run id (expected e.g. 20261123-140512-ab12)")
    return runs_dir(base) / f"{run_id}.jsonl"


def new_run_id(now: datetime | None = None) -> str:
    """A fresh run id, e.g. `20261123-140512-ab12` (UTC; sorts by start time)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{secrets.token_hex(2)}"


class Journal:
    """Subscriber that appends every event to the run's journal file."""

    def __init__(
        self,
        run_id: str | None = None,
        *,
        path: Path | str | None = None,
        base: Path | None = None,
        fsync: FsyncPolicy = "finish",
    ) -> None:
        """`run_id` may be left out: the journal then takes it from the `RunStarted` event."""
        self.run_id = run_id
        self.path = Path(path) if path is not None else None
        self.base = base
        self.fsync = fsync
        self._file: IO[str] | None = None

    def _open(self, event: Event) -> IO[str]:
        if self.path is None:
            if self.run_id is None and isinstance(event, RunStarted):
                self.run_id = event.run_id
            if self.run_id is None:
                raise ValueError("the journal needs a run id before its first event")
            self.path = journal_path(self.run_id, self.base)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        handle = os.fdopen(fd, "a", encoding="utf-8")
        if self.path.stat().st_size > 0:
            # A process killed mid-write leaves a partial line; never glue the next one onto it.
            with open(self.path, "rb") as existing:
                existing.seek(-1, os.SEEK_END)
                if existing.read(1) != b"\n":
                    handle.write("\n")
        return handle

    def __call__(self, event: Event) -> None:
        if self._file is None:
            self._file = self._open(event)
        data = to_json(event)
        data["ts"] = datetime.now(UTC).isoformat(timespec="milliseconds")
        self._file.write(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n")
        self._file.flush()
        if self.fsync == "every" or (
            self.fsync == "finish" and isinstance(event, RunStarted | StepFinished | RunFinished)
        ):
            os.fsync(self._file.fileno())
        if isinstance(event, RunFinished):
            self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ResumeRefused(ValueError):
    """The journal belongs to another plan or target; resuming could do the wrong thing."""


@dataclass
class JournaledStep:
    """What the journal says about one step, after reading every line."""

    status: StepStatus | None = None
    """The last finished status; None if the step never finished."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """Outputs of the last successful finish, as journaled (secrets masked)."""
    in_flight: bool = False
    """Started and never finished: the process died (or is still running) while it ran."""
    write_issued: bool = False
    """A write (PUT/PATCH/POST/DELETE) was sent for it and the step has not finished ok since."""
    operation: str = ""
    """The last operation announced for it."""
    error: StepError | None = None
    attempts: int = 0


@dataclass
class JournalState:
    run_id: str
    path: Path
    plan_hash: str = ""
    spec_hash: str = ""
    target: str = ""
    started_at: str = ""
    steps: dict[str, JournaledStep] = field(default_factory=dict)
    status: RunStatus | None = None
    """How the last segment of the run ended; None if it never reported an end (killed)."""
    segments: int = 0
    events: int = 0
    damaged_lines: int = 0

    @property
    def interrupted(self) -> bool:
        return self.status is None

    def check_resumable(self, plan_hash: str, target: str = "") -> None:
        """Raise :class:`ResumeRefused` unless this journal is for this plan and target."""
        if self.plan_hash != plan_hash:
            raise ResumeRefused(
                f"run {self.run_id} was started with a different plan ({self.plan_hash}, now "
                f"{plan_hash}): the config (or aksiso) changed since. Resume with the config it "
                "was started with, or start a new run without --resume."
            )
        if self.target and target and self.target != target:
            raise ResumeRefused(f"run {self.run_id} targeted {self.target}, not {target}")

    def in_flight(self) -> list[str]:
        return [sid for sid, s in self.steps.items() if s.in_flight]

    def apply(self, event: Event) -> None:
        """Fold one event into the state."""
        self.events += 1
        if isinstance(event, RunStarted):
            self.segments += 1
            self.status = None
            if self.segments == 1:
                self.plan_hash, self.spec_hash = event.plan_hash, event.spec_hash
                self.target, self.started_at = event.target, event.started_at
            return
        if isinstance(event, RunFinished):
            self.status = event.status
            return
        step_id = getattr(event, "step_id", None)
        if step_id is None:
            return
        step = self.steps.setdefault(step_id, JournaledStep())
        if isinstance(event, StepStarted):
            step.in_flight = True
            step.operation = event.operation
            step.attempts = event.attempt
        elif isinstance(event, StepOperation):
            step.operation = event.operation
            if event.operation.split(" ", 1)[0].upper() in _WRITE_VERBS:
                step.write_issued = True
        elif isinstance(event, StepFinished):
            step.in_flight = False
            step.status = event.status
            step.error = event.error
            if event.status.ok:
                step.outputs = dict(event.outputs)
                step.write_issued = False
            elif event.in_flight_operation:
                step.write_issued = True


def read_journal(path: Path | str, run_id: str | None = None) -> JournalState:
    path = Path(path)
    state = JournalState(run_id=run_id or path.stem, path=path)
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                event = event_from_json(json.loads(line))
            except (ValueError, TypeError, KeyError):
                state.damaged_lines += 1
                continue
            state.apply(event)
    if state.segments == 0:
        raise ValueError(f"{path} is not an aksiso journal (no RunStarted line)")
    return state


def load_journal(run_id: str, *, base: Path | None = None) -> JournalState:
    """The state of run `run_id` from its journal; FileNotFoundError names where it looked."""
    path = journal_path(run_id, base)
    if not path.exists():
        raise FileNotFoundError(f"no journal for run {run_id} in {path.parent}")
    return read_journal(path, run_id)


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    path: Path
    started_at: str
    target: str
    status: RunStatus | None
    """None: the run never reported its end (killed, or still running)."""


def list_runs(base: Path | None = None) -> list[RunInfo]:
    """Journaled runs, newest first."""
    folder = runs_dir(base)
    if not folder.is_dir():
        return []
    runs = []
    for path in sorted(folder.glob("*.jsonl"), reverse=True):
        if not RUN_ID_RE.match(path.stem):
            continue
        try:
            state = read_journal(path)
        except (OSError, ValueError):
            continue
        runs.append(RunInfo(state.run_id, path, state.started_at, state.target, state.status))
    return runs
