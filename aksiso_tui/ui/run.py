"""`aksiso [--demo] [--config FILE]`: start the wizard. Imported only when the wizard runs.

With `--demo` the wizard lists and applies against the embedded emulator, started inside the
app's event loop once the first screen is up (`Backend.demo_default()`); without it, against
Azure through `DefaultAzureCredential` (the Azure screen says whether a sign-in was found). The
Azure SDK and aiohttp are imported in the background, never before the first screen.
"""

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
    from aksiso_tui.commands.wizard_backend import Backend

    backend = Backend.demo_default() if demo else Backend.azure()
    from aksiso_tui.ui.app import AksisoApp

    app = AksisoApp(spec, None, demo, config_path=config, backend=backend)
    result = app.run()
    return int(result or 0)
