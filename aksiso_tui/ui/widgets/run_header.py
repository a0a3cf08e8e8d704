"""The execution panel's header: what the run is doing in one line, and the overall progress bar
(bound to `percent` with `data_bind`, as toolong does)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Label, ProgressBar


class RunHeader(Vertical):
    """`Run 20261123-140512-ab12 · 12/25 done · 3 running · 0:23 elapsed · ETA ~0:31` + a bar."""

    percent: reactive[float] = reactive(0.0)
    headline: reactive[str] = reactive("")
    detail: reactive[str] = reactive("")

    def compose(self) -> ComposeResult:
        with Horizontal(id="run-line"):
            yield Label("", id="run-headline")
            yield Label("", id="run-detail")
        yield ProgressBar(total=100, show_eta=False, id="run-bar").data_bind(
            progress=RunHeader.percent
        )

    def watch_headline(self, text: str) -> None:
        self.query_one("#run-headline", Label).update(text)

    def watch_detail(self, text: str) -> None:
        self.query_one("#run-detail", Label).update(text)
