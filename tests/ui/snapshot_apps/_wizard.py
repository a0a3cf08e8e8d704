"""Builds the wizard for a snapshot: demo data, a fixed start step, no cursor blink."""

from __future__ import annotations

from pathlib import Path

from aksiso_tui.config import load_spec_file
from aksiso_tui.ui.app import AksisoApp
from aksiso_tui.ui.catalog import make_demo_catalog

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def build(step: str, example: str | None = None, demo: bool = True) -> AksisoApp:
    spec = None
    if example is not None:
        spec, findings = load_spec_file(EXAMPLES / example)
        assert spec is not None, findings
    return AksisoApp(
        spec,
        make_demo_catalog(),
        demo,
        start_at=step,
        cursor_blink=False,
        check_delay_s=0,
        export_dir=Path("/tmp"),
    )
