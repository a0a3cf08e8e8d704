"""Welcome › Azure › Registry › … › Review: where the operator is, where they have been, and
links to jump back (or forward over steps that are already complete)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class StepBreadcrumb(Static):
    """Steps as clickable links (`app.goto_step`); the current one highlighted, visited ones ✓."""

    def __init__(self, steps: list[tuple[str, str]], current: str, visited: set[str]) -> None:
        super().__init__()
        self.steps = steps
        self.current = current
        self.visited = visited

    def on_mount(self) -> None:
        self.update(self._content(compact=False))

    def on_resize(self) -> None:
        full = self._content(compact=False)
        self.update(full if full.cell_length <= self.size.width else self._content(compact=True))

    def _content(self, *, compact: bool) -> Content:
        parts: list[Content] = []
        for key, label in self.steps:
            text = label
            if compact and key != self.current:
                text = label.split()[0][:3]
            if key == self.current:
                parts.append(Content.styled(f" {text} ", "bold reverse $accent"))
            else:
                mark = "✓" if key in self.visited else ""
                style = "$text" if key in self.visited else "$text-muted"
                parts.append(
                    Content.from_markup(f"[{style} @click=app.goto_step('{key}')]{mark}{text}[/]")
                )
        return Content(" › ").join(parts)
