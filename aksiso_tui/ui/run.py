"""`aksiso [--demo] [--config FILE]`: start the wizard. Imported only when the wizard runs."""

from __future__ import annotations

import sys

from aksiso_tui.findings import Severity
from aksiso_tui.ui.catalog import ArmCatalog


def live_catalog() -> ArmCatalog:
    """The catalog over Azure Resource Manager (the Azure SDK is imported on first use)."""
    from aksiso_tui.azure.catalog import AzureCatalog
    from aksiso_tui.azure.target import resolve_target

    return AzureCatalog(resolve_target())


def run_wizard(config: str | None, demo: bool) -> int:
    """Run the wizard, pre-filled from `config` if given; return the exit code."""
    spec = None
    if config:
        from aksiso_tui.config import load_spec_file

        spec, findings = load_spec_file(config)
        if spec is None:
            for finding in findings:
                if finding.severity is not Severity.INFO:
                    print(finding.line(), file=sys.stderr)
            return 2
    if demo:
        from aksiso_tui.ui.catalog import make_demo_catalog

        catalog = make_demo_catalog()
    else:
        catalog = live_catalog()
    from aksiso_tui.ui.app import AksisoApp

    app = AksisoApp(spec, catalog, demo, config_path=config)
    result = app.run()
    return int(result or 0)
