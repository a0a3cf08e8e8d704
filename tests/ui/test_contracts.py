"""Import and wiring contracts of the wizard: fast start, no Azure SDK at startup, CLI entry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from ui_helpers import EXAMPLES

from aksiso_tui import cli
from aksiso_tui.ui import run
from aksiso_tui.ui.catalog import ArmCatalog, OfflineCatalog, make_demo_catalog
from aksiso_tui.ui.help import choice_help, field_help


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_app_import_loads_no_azure_sdk() -> None:
    loaded = _modules_after("import aksiso_tui.ui.app, aksiso_tui.ui.run")
    assert not {m for m in loaded if m == "azure" or m.startswith("azure.")}


def test_catalog_and_state_do_not_import_textual() -> None:
    loaded = _modules_after(
        "import aksiso_tui.ui.catalog, aksiso_tui.ui.state, aksiso_tui.ui.help, "
        "aksiso_tui.azure.catalog"
    )
    assert "textual" not in loaded


def test_catalogs_implement_the_protocol() -> None:
    from aksiso_tui.azure.catalog import AzureCatalog
    from aksiso_tui.azure.target import resolve_target

    assert isinstance(make_demo_catalog(), ArmCatalog)
    assert isinstance(OfflineCatalog(), ArmCatalog)
    assert isinstance(AzureCatalog(resolve_target(arm_endpoint="http://127.0.0.1:1")), ArmCatalog)


def test_help_comes_from_the_spec_docstrings() -> None:
    from aksiso_tui.spec import RegistrySpec

    help_ = choice_help("registry.mode")
    assert set(help_.values) == {"managed", "byo"}
    assert "Premium" in help_.values["byo"]
    assert help_.values["byo"] in " ".join(
        (RegistrySpec.model_fields["mode"].description or "").split()
    )
    assert choice_help("outbound").aside["block"] == "preview"
    assert field_help("network.aks_subnet.prefix").startswith("Address range")


def test_no_subcommand_runs_the_wizard(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str | None, bool]] = []

    def fake_wizard(config: str | None, demo: bool) -> int:
        calls.append((config, demo))
        return 0

    monkeypatch.setattr(run, "run_wizard", fake_wizard)
    assert cli.main(["--demo", "--config", "x.yaml"]) == 0
    assert calls == [("x.yaml", True)]


def test_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("subscription: [\n")
    assert run.run_wizard(str(bad), demo=True) == 2
    assert "malformed YAML" in capsys.readouterr().err


def test_examples_exist() -> None:
    assert (EXAMPLES / "hub-firewall-spoke.yaml").exists()
