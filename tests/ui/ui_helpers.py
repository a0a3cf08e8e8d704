"""Helpers for the wizard's tests: a fake catalog and an app builder."""

from __future__ import annotations

from pathlib import Path

from aksiso_tui.config import load_spec_file
from aksiso_tui.spec import Spec
from aksiso_tui.ui.app import AksisoApp
from aksiso_tui.ui.catalog import CatalogData, OfflineCatalog, demo_data

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class FakeCatalog(OfflineCatalog):
    """The UI's own `ArmCatalog` interface over the demo data, recording registry name checks."""

    def __init__(self, data: CatalogData | None = None) -> None:
        super().__init__(data or demo_data(), label="fake")
        self.checked: list[str] = []

    async def check_registry_name(self, subscription: str, name: str) -> tuple[bool, str]:
        self.checked.append(name)
        return await super().check_registry_name(subscription, name)


def example(name: str) -> Spec:
    spec, findings = load_spec_file(EXAMPLES / name)
    assert spec is not None, findings
    return spec


def make_app(
    spec: Spec | None = None, catalog: OfflineCatalog | None = None, **kwargs: object
) -> AksisoApp:
    return AksisoApp(
        spec,
        catalog or FakeCatalog(),
        False,
        cursor_blink=False,
        check_delay_s=0,
        **kwargs,  # type: ignore[arg-type]
    )
