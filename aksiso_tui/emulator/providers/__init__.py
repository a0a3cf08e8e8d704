"""The resource providers the emulator serves, one module per provider.

To add one: write ``providers/<name>.py`` exposing ``PROVIDER = Provider(...)`` (see
``aksiso_tui.emulator.routing``) and append its module name below.
"""

from __future__ import annotations

import importlib

from aksiso_tui.emulator.routing import Provider

PROVIDER_MODULES: list[str] = [
    "resources",
    "features",
    "identity",
    "authorization",
    "containerservice",
    "network",
    "registry",
    "privatedns",
    "kubernetesconfiguration",
]


def load_providers() -> list[Provider]:
    return [importlib.import_module(f"{__name__}.{name}").PROVIDER for name in PROVIDER_MODULES]
