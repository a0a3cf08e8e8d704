"""The live execution panel: the plan running, step by step, with retry, cancel and resume.

The engine runs in a Textual worker on the app's event loop (the Azure SDK's HTTP is async, so
the loop stays free between responses) and reaches the panel only through messages: one
`EngineEvent` per engine event, progress collapsing per step. Events are folded into the engine's
own `RunTracker` at once (cheap), and the widgets are redrawn from it five times a second for the
rows that changed, so 8 operations at once, or a flood of 10,000 events, cost the UI the same.

Retry and resume: "Retry failed" resumes the same run from its journal (steps that finished are
re-checked with a GET, failed, skipped and cancelled ones run again) — for what waiting or a fix
outside aksiso cures. "Edit answers" goes back to the wizard step that owns the failing resource;
Apply there resumes this run when the plan is unchanged, else starts a new run (the journal of
this one stays, and the demo clean-up deletes what either created).
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Label

from aksiso_tui.engine import (
    Event,
    JournalState,
    RunFinished,
    RunHandle,
    RunResult,
    RunStarted,
    RunStatus,
    RunTracker,
    StepFinished,
    StepLog,
    StepOperation,
    StepRow,
    StepStarted,
    StepStatus,
    new_run_id,
)
from aksiso_tui.engine.planinfo import planned_steps
from aksiso_tui.ui import run_view
from aksiso_tui.ui.run_messages import EngineEvent, RunCompleted
from aksiso_tui.ui.screens.confirm import ConfirmScreen
from aksiso_tui.ui.widgets.failure_detail import FailureDetail
from aksiso_tui.ui.widgets.log_pane import LogPane
from aksiso_tui.ui.widgets.run_header import RunHeader
from aksiso_tui.ui.widgets.step_table import StepTable
from aksiso_tui.ui.widgets.wizard_header import WizardHeader

if TYPE_CHECKING:
    from aksiso_tui.plan.model import Plan
    from aksiso_tui.spec import Spec
    from aksiso_tui.ui.app import AksisoApp

FRAME_S = 0.2
"""How often the panel redraws what changed (elapsed times tick, ETA, progress, logs)."""
STEP_LOG_KEEP = 200
"""Lines kept per step for the summary (kubectl output of the checks)."""

WIZARD_STEP_OF_AREA = {
    "registry": "registry",
    "network": "network",
    "hub": "hub",
    "identity": "azure",
    "cluster": "azure",
}
"""Where "Edit answers" goes for a failure in each area of the plan."""


class ExecuteScreen(Screen[None]):
    """Runs `plan` (or resumes it from `resume_from`) and shows it live."""

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel_run", "Cancel run"),
        Binding("r", "retry", "Retry failed"),
        Binding("e", "edit", "Edit answers"),
        Binding("l", "toggle_logs", "Logs: all/step"),
        Binding("s", "summary", "Summary"),
    ]

    def __init__(
        self,
        spec: Spec,
        plan: Plan,
        *,
        run_id: str | None = None,
        resume_from: JournalState | None = None,
        clock: Callable[[], float] = time.monotonic,
        autostart: bool = True,
    ) -> None:
        super().__init__()
        self.spec = spec
        self.plan = plan
        self.resume_from = resume_from
        self.run_id = resume_from.run_id if resume_from is not None else run_id or new_run_id()
        self.clock = clock
        self.autostart = autostart
        self.handle = RunHandle()
        self.phase = "starting"
        """starting, running, cancelling, succeeded, failed, cancelled, or error (did not run)."""
        self.problem = ""
        self.result: RunResult | None = None
        self.finished: RunFinished | None = None
        self.received: Counter[str] = Counter()
        """Events handled, by type (the benchmark checks that none was lost)."""
        self.step_logs: dict[str, deque[tuple[str, str]]] = {}
        self.dirty: set[str] = set()
        self.follow_selection = True
        self.started_wall = 0.0
        self.tracker = self._new_tracker()

    @property
    def wizard(self) -> AksisoApp:
        return cast("AksisoApp", self.app)

    def _new_tracker(self) -> RunTracker:
        tracker = RunTracker(self.clock)
        for planned in planned_steps(self.plan):
            tracker.rows[planned.id] = StepRow(planned)
        return tracker

    # --- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        app = self.wizard
        yield WizardHeader("Applying the plan", app.catalog.label, app.demo)
        yield RunHeader(id="run-header")
        yield StepTable(id="steps")
        yield FailureDetail(id="step-detail-live")
        yield LogPane(id="run-log")
        with Horizontal(id="run-actions"):
            yield Label("", id="run-hint")
            yield Button("Cancel…", id="cancel-run", compact=True)
            yield Button("Retry failed", id="retry", compact=True)
            yield Button("Edit answers", id="edit", compact=True)
            yield Button("Summary ›", id="summary", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(StepTable)
        table.set_steps(self.tracker.rows.values(), self.clock())
        table.focus()
        self.query_one(LogPane).step_filter = ""
        self.set_interval(FRAME_S, self.tick)
        self.wizard.note_run(self.run_id)
        self.refresh_actions()
        self.tick()
        if self.autostart:
            self.start()

    # --- the run ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start (or, with `resume_from`, resume) the run in a worker."""
        self.phase = "starting"
        self.problem = ""
        self.result = None
        self.finished = None
        self.started_wall = time.monotonic()
        self.refresh_actions()
        self._run()

    @work(group="run", exit_on_error=False)
    async def _run(self) -> None:
        backend = self.wizard.backend
        if backend is None:
            self.post_message(RunCompleted(None, "no Azure connection: start with --demo"))
            return
        try:
            result = await backend.run(
                self.spec,
                self.plan,
                on_event=[self._forward],
                handle=self.handle,
                run_id=self.run_id,
                resume_from=self.resume_from,
            )
        except Exception as exc:
            self.post_message(RunCompleted(None, _problem(exc)))
            return
        self.post_message(RunCompleted(result))

    def _forward(self, event: Event) -> None:
        """The engine's subscriber: the one way from the run into the UI."""
        self.post_message(EngineEvent(event))

    @on(EngineEvent)
    def _engine_event(self, message: EngineEvent) -> None:
        message.stop()
        self.feed(message.event)

    def feed(self, event: Event) -> None:
        """Fold one engine event into the panel's state (redrawn on the next frame)."""
        self.received[type(event).__name__] += 1
        if isinstance(event, StepLog):
            self._log(event.step_id, event.level, event.message)
            return
        self.tracker.apply(event)
        if isinstance(event, RunStarted):
            self.run_id = event.run_id
            self.phase = "running" if self.phase == "starting" else self.phase
            self.refresh_actions()
            return
        if isinstance(event, RunFinished):
            self.finished = event
            return
        step_id = event.step_id
        self.dirty.add(step_id)
        if isinstance(event, StepStarted):
            again = f" (attempt {event.attempt})" if event.attempt > 1 else ""
            self._log(step_id, "info", f"▶ {run_view.short_operation(event.operation, 70)}{again}")
        elif isinstance(event, StepOperation):
            self._log(step_id, "info", f"→ {run_view.short_operation(event.operation, 70)}")
        elif isinstance(event, StepFinished):
            self._log_finish(event)

    def _log(self, step_id: str, level: str, message: str) -> None:
        self.query_one(LogPane).add(step_id, level, message)
        kept = self.step_logs.get(step_id)
        if kept is None:
            kept = self.step_logs[step_id] = deque(maxlen=STEP_LOG_KEEP)
        kept.append((level, message))

    def _log_finish(self, event: StepFinished) -> None:
        status = event.status
        took = f" in {event.duration_s:.1f}s" if event.duration_s else ""
        again = " (re-checked from the journal)" if event.resumed else ""
        if status is StepStatus.FAILED and event.error is not None:
            self._log(event.step_id, "error", f"✗ failed{took}: {event.error}")
            if event.error.fix:
                self._log(event.step_id, "info", f"  fix: {event.error.fix}")
        elif status in (StepStatus.SKIPPED, StepStatus.CANCELLED):
            self._log(event.step_id, "warning", f"{status.value}: {event.reason}")
        else:
            self._log(event.step_id, "info", f"✓ {status.value}{took}{again}")

    @on(RunCompleted)
    def _completed(self, message: RunCompleted) -> None:
        message.stop()
        self.result = message.result
        if message.result is None:
            self.phase = "error"
            self.problem = message.problem
            self.notify(message.problem, title="The run did not start", severity="error")
        else:
            self.phase = message.result.status.value
        self.tick()
        self.refresh_actions()
        if self.phase == RunStatus.SUCCEEDED.value:
            self.action_summary()
        elif self.phase in (RunStatus.FAILED.value, RunStatus.CANCELLED.value):
            first = next(
                (r for r in self.tracker.rows.values() if r.status is StepStatus.FAILED), None
            )
            if first is not None:
                table = self.query_one(StepTable)
                table.select(first.step.id)
                self.call_after_refresh(table.select, first.step.id)
            self.notify(
                "Retry failed re-runs what did not finish; Edit answers goes back to the wizard.",
                title=f"The run {self.phase}",
                severity="error" if self.phase == "failed" else "warning",
            )

    # --- drawing ----------------------------------------------------------------------------
    def tick(self) -> None:
        """One frame: redraw changed and running rows, the header, the log and the detail."""
        now = self.clock()
        rows = self.tracker.rows
        changed = {sid for sid in self.dirty if sid in rows}
        changed |= {sid for sid, row in rows.items() if row.running}
        self.dirty.clear()
        table = self.query_one(StepTable)
        table.show((rows[sid] for sid in changed), now)
        self.query_one(LogPane).flush()
        self._draw_header()
        selected = self.selected_step()
        if selected is not None:
            self.query_one(FailureDetail).show_row(rows.get(selected))

    def _draw_header(self) -> None:
        tracker = self.tracker
        total = len(tracker.rows)
        done = tracker.done_count()
        running = sum(1 for r in tracker.rows.values() if r.running)
        failed = sum(1 for r in tracker.rows.values() if r.status is StepStatus.FAILED)
        skipped = sum(1 for r in tracker.rows.values() if r.status is StepStatus.SKIPPED)
        header = self.query_one(RunHeader)
        resumed = " (resumed)" if self.resume_from is not None else ""
        words = {
            "starting": "Starting",
            "running": "Running",
            "cancelling": "Cancelling: waiting for running steps",
            "succeeded": "✓ Succeeded",
            "failed": "✗ Failed",
            "cancelled": "■ Cancelled",
            "error": "✗ Did not run",
        }
        header.headline = f"{words[self.phase]} · run {self.run_id}{resumed}"
        parts = [f"{done}/{total} done"]
        if running:
            parts.append(f"{running} running")
        if failed:
            parts.append(f"{failed} failed")
        if skipped:
            parts.append(f"{skipped} skipped")
        parts.append(f"{run_view.clock(tracker.elapsed_s())} elapsed")
        if self.phase in ("starting", "running", "cancelling"):
            parts.append(f"ETA ~{run_view.clock(self.eta_s())}")
        header.detail = " · ".join(parts)
        header.percent = 100.0 * (1.0 if self.phase == "succeeded" else tracker.fraction())

    def eta_s(self) -> float:
        """Seconds left, in this target's time: Azure estimates times the demo's time scale."""
        backend = self.wizard.backend
        scale = backend.time_scale if backend is not None and backend.time_scale else 1.0
        return self.tracker.eta_s() * scale

    def selected_step(self) -> str | None:
        table = self.query_one(StepTable)
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # an empty or resetting table
            return None
        return str(key.value) if key.value is not None else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        step_id = str(event.row_key.value) if event.row_key.value is not None else ""
        self.query_one(FailureDetail).show_row(self.tracker.rows.get(step_id))
        pane = self.query_one(LogPane)
        if pane.step_filter:
            pane.step_filter = step_id

    # --- actions ----------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.phase in ("starting", "running", "cancelling")

    def refresh_actions(self) -> None:
        ended = not self.active
        retryable = ended and self.phase in ("failed", "cancelled", "error")
        self.query_one("#cancel-run", Button).disabled = self.phase not in ("starting", "running")
        self.query_one("#retry", Button).disabled = not retryable
        self.query_one("#edit", Button).disabled = not ended
        self.query_one("#summary", Button).disabled = self.result is None
        hints = {
            "starting": "starting…",
            "cancelling": "cancelling: running steps finish in Azure",
            "error": self.problem,
        }
        self.query_one("#run-hint", Label).update(Text(hints.get(self.phase, ""), style="dim"))
        self.refresh_bindings()

    @on(Button.Pressed, "#cancel-run")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel_run()

    def action_cancel_run(self) -> None:
        """Ask, naming what runs in Azure now; then stop launching steps."""
        if self.phase not in ("starting", "running"):
            return
        running = [r for r in self.tracker.rows.values() if r.running]
        body = Text("No new steps will start. ")
        writes = [r for r in running if r.operation.split(" ", 1)[0] in ("PUT", "PATCH", "POST")]
        if writes:
            body.append("These operations are running in Azure and will finish there:\n")
            for row in writes:
                body.append(f"  {row.step.id}: ", style="bold")
                body.append(f"{run_view.short_operation(row.operation, 60)}\n")
        else:
            body.append("Nothing is being written in Azure right now.\n")
        body.append("Retry later resumes the run from its journal.", style="dim")

        def decided(ok: bool | None) -> None:
            if ok and self.phase in ("starting", "running"):
                self.phase = "cancelling"
                self.handle.cancel("cancelled in the wizard")
                self.refresh_actions()

        self.app.push_screen(
            ConfirmScreen("Cancel the run?", body, confirm_label="Cancel the run"), decided
        )

    @on(Button.Pressed, "#retry")
    def _retry_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_retry()

    def action_retry(self) -> None:
        """Resume this run from its journal: what finished is re-checked, the rest runs."""
        if self.phase not in ("failed", "cancelled", "error"):
            return
        from aksiso_tui.engine import load_journal

        try:
            self.resume_from = load_journal(self.run_id)
        except (FileNotFoundError, ValueError):
            self.resume_from = None  # nothing was journaled: start the run afresh
        self.handle = RunHandle()
        self.tracker = self._new_tracker()
        self.step_logs.clear()
        self.query_one(StepTable).set_steps(self.tracker.rows.values(), self.clock())
        self.query_one(LogPane).add("", "info", "── retry: resuming from the journal ──")
        self.start()

    @on(Button.Pressed, "#edit")
    def _edit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        """Back to the wizard, at the step that owns the first failure (or the review)."""
        if self.active:
            self.notify("Cancel the run first (esc).", severity="warning")
            return
        target = "review"
        failed = next((r for r in self.tracker.rows.values() if r.error is not None), None)
        if failed is not None:
            target = WIZARD_STEP_OF_AREA.get(failed.step.area, "review")
        self.wizard.leave_run(target)

    @on(Button.Pressed, "#summary")
    def _summary_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_summary()

    def action_summary(self) -> None:
        if self.result is None:
            return
        from aksiso_tui.ui.screens.summary import SummaryScreen

        self.app.push_screen(SummaryScreen(self))

    def action_toggle_logs(self) -> None:
        pane = self.query_one(LogPane)
        pane.step_filter = "" if pane.step_filter else (self.selected_step() or "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_run":
            return self.phase in ("starting", "running")
        if action == "retry":
            return self.phase in ("failed", "cancelled", "error")
        if action == "edit":
            return not self.active
        if action == "summary":
            return self.result is not None
        return True


def _problem(exc: BaseException) -> str:
    """One line for an exception that stopped a run before it started (login, refused resume)."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
