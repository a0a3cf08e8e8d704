"""Verify & summary: the checks with their kubectl output, what was created, time taken against
the estimates, where the journal and exports are, how to reach the private API server, and for
demo runs a clean-up that deletes what this session's runs created (the code `aksiso destroy`
runs, against the embedded emulator)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, RichLog, Static

from aksiso_tui.ui import run_summary
from aksiso_tui.ui.run_messages import CleanupDone, CleanupLine
from aksiso_tui.ui.screens.confirm import ConfirmScreen
from aksiso_tui.ui.widgets.wizard_header import WizardHeader

if TYPE_CHECKING:
    from aksiso_tui.ui.app import AksisoApp
    from aksiso_tui.ui.screens.execute import ExecuteScreen


class SummaryScreen(Screen[None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "Back to the panel"),
        Binding("d", "cleanup", "Clean up (demo)"),
        Binding("n", "new", "New cluster"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, run: ExecuteScreen) -> None:
        super().__init__()
        self.run = run
        self.cleaned = False
        self.cleaning = False
        self.sections: dict[str, Any] = {}
        """What each section shows (tests read it as text)."""

    @property
    def wizard(self) -> AksisoApp:
        return cast("AksisoApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.wizard
        yield WizardHeader("Verify & summary", app.catalog.label, app.demo)
        with VerticalScroll(id="summary-body"):
            yield Static(self.headline(), id="summary-headline")
            for name in ("verification", "reach", "created", "timing", "files"):
                yield Static(id=f"summary-{name}", classes="summary-section")
            yield RichLog(id="cleanup-log", max_lines=500, wrap=True, markup=False)
        with Horizontal(id="summary-actions"):
            yield Button("‹ Panel", id="back", compact=True)
            yield Label("", id="summary-hint")
            if app.backend is not None and app.backend.demo:
                yield Button("Clean up demo resources…", id="cleanup", compact=True)
            yield Button("New cluster", id="new", compact=True)
            yield Button("Quit", id="quit", variant="primary", compact=True)
        yield Footer()

    def headline(self) -> Text:
        run = self.run
        spec = run.spec
        result = run.result
        text = Text()
        if result is not None and result.status.value == "succeeded":
            text.append("✓ ", style="bold green")
            text.append(f"{spec.cluster.name}", style="bold")
            text.append(" is created and verified network isolated", style="bold green")
        else:
            status = result.status.value if result is not None else "did not run"
            text.append(f"✗ The run {status}", style="bold red")
        text.append(f"\nrun {run.run_id} · {len(run.plan)} steps · {self.wizard.backend_where()}")
        return text

    def on_mount(self) -> None:
        run = self.run
        result = run.result
        assert result is not None
        from aksiso_tui.commands.wizard_backend import answers_path
        from aksiso_tui.engine import journal_path

        backend = self.wizard.backend
        scale = backend.time_scale if backend is not None else None
        self._put(
            "verification", run_summary.verification(run.plan, run.tracker.rows, run.step_logs)
        )
        self._put("created", run_summary.created(run.plan, result))
        self._put("timing", run_summary.timing(run.plan, result, scale))
        self._put("reach", run_summary.reach_api_server(run.spec, result.outputs))
        self._put(
            "files",
            run_summary.files(
                run.run_id,
                journal_path(run.run_id),
                answers_path(run.run_id),
                self.wizard.exported,
            ),
        )
        log = self.query_one("#cleanup-log", RichLog)
        log.display = False
        log.border_title = "Clean-up"
        self.query_one("#summary-body").focus()
        self._hint()

    def _put(self, name: str, renderable: Any) -> None:
        self.sections[name] = renderable
        self.query_one(f"#summary-{name}", Static).update(renderable)

    def _hint(self) -> None:
        text = ""
        if self.cleaning:
            text = "deleting…"
        elif self.cleaned:
            text = "cleaned up"
        self.query_one("#summary-hint", Label).update(Text(text, style="dim"))

    # --- actions ----------------------------------------------------------------------------
    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#new")
    def action_new(self) -> None:
        self.wizard.leave_run("welcome")

    @on(Button.Pressed, "#quit")
    def _quit(self) -> None:
        self.app.exit(0)

    @on(Button.Pressed, "#cleanup")
    def action_cleanup(self) -> None:
        backend = self.wizard.backend
        if backend is None or not backend.demo or self.cleaning or self.cleaned:
            return
        runs = list(reversed(self.wizard.session_runs))
        body = Text("Deletes, in the emulator, every resource that ")
        body.append(f"{'these runs' if len(runs) > 1 else 'this run'} created", style="bold")
        body.append(f" ({', '.join(runs)}), newest first, dependents before what they need. ")
        body.append("Resources that were already there stay.", style="dim")

        def decided(ok: bool | None) -> None:
            if ok:
                self._cleanup(runs)

        self.app.push_screen(ConfirmScreen("Clean up the demo?", body, "Delete"), decided)

    @work(group="cleanup", exit_on_error=False)
    async def _cleanup(self, runs: list[str]) -> None:
        backend = self.wizard.backend
        assert backend is not None
        self.cleaning = True
        log = self.query_one("#cleanup-log", RichLog)
        log.display = True
        self._hint()
        try:
            code = await backend.destroy(runs, self._post_cleanup_line)
        except Exception as exc:
            self.post_message(CleanupDone(1, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(CleanupDone(code))

    def _post_cleanup_line(self, line: str) -> None:
        """What destroy reports, one line at a time, as a message (it runs in a worker)."""
        self.post_message(CleanupLine(line))

    @on(CleanupLine)
    def _cleanup_line(self, message: CleanupLine) -> None:
        log = self.query_one("#cleanup-log", RichLog)
        log.write(Text(message.line))
        log.scroll_visible()

    @on(CleanupDone)
    def _cleanup_done(self, message: CleanupDone) -> None:
        self.cleaning = False
        self.cleaned = message.code == 0
        log = self.query_one("#cleanup-log", RichLog)
        if message.problem:
            log.write(Text(message.problem, style="red"))
        verdict = "Everything this session created is gone." if self.cleaned else "Some remain."
        log.write(Text(verdict, style="green" if self.cleaned else "yellow"))
        if self.cleaned:
            self.wizard.session_runs.clear()
        self._hint()
        for button in self.query("#cleanup"):
            button.disabled = True
