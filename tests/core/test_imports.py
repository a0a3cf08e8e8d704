"""The import contract (DESIGN.md): only `ui/` imports Textual; the pure core imports no SDK either.

Each check runs in a fresh interpreter, so modules other tests loaded cannot hide a violation.
Modules are discovered with pkgutil, so new ones are covered without editing this file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from aksiso_tui.cli import main

ROOT = Path(__file__).parents[2]

PURE_CORE = (
    "aksiso_tui.spec",
    "aksiso_tui.findings",
    "aksiso_tui.config",
    "aksiso_tui.validate",
    "aksiso_tui.naming",
    "aksiso_tui.regions",
    "aksiso_tui.plan",
    "aksiso_tui.export",
    "aksiso_tui.preflight",
    "aksiso_tui.audit",
    "aksiso_tui.netpath",
    "aksiso_tui.cli",
)
"""Packages and modules of the pure core (DESIGN.md, "Layers"); their submodules count too."""

HEAVY = ("textual", "azure.mgmt", "azure.core", "aiohttp")


def _run(code: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


_DISCOVER = """
import importlib, json, pkgutil, sys, traceback
import aksiso_tui

def modules(prefixes):
    # pkgutil.walk_packages would import every package to recurse (ui/ and the SDK users too),
    # so walk with iter_modules over the directories instead: nothing is imported here.
    names = []
    def walk(paths, prefix):
        for info in pkgutil.iter_modules(paths, prefix):
            names.append(info.name)
            if info.ispkg:
                sub = info.module_finder.path + "/" + info.name.rpartition(".")[2]
                walk([sub], info.name + ".")
    walk(aksiso_tui.__path__, "aksiso_tui.")
    return sorted(
        n for n in names
        if prefixes is None or any(n == p or n.startswith(p + ".") for p in prefixes)
    )
"""


def test_no_module_outside_ui_imports_textual() -> None:
    data = _run(
        _DISCOVER
        + """
failed = {}
imported = []
for name in modules(None):
    if name == "aksiso_tui.ui" or name.startswith("aksiso_tui.ui."):
        continue
    try:
        importlib.import_module(name)
        imported.append(name)
    except Exception:
        failed[name] = traceback.format_exc(limit=3)
print(json.dumps({"imported": imported, "failed": failed, "textual": "textual" in sys.modules}))
"""
    )
    assert data["failed"] == {}, data["failed"]
    assert "aksiso_tui.validate" in data["imported"]
    assert data["textual"] is False


def test_pure_core_imports_no_sdk() -> None:
    data = _run(
        _DISCOVER
        + f"""
core = modules({PURE_CORE!r})
for name in core:
    importlib.import_module(name)
heavy = sorted(m for m in sys.modules if m.startswith({HEAVY!r}))
print(json.dumps({{"core": core, "heavy": heavy}}))
"""
    )
    assert {"aksiso_tui.config", "aksiso_tui.plan.model"} <= set(data["core"])
    assert data["heavy"] == []


def test_schema_is_json_schema_with_docstrings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    assert set(schema["required"]) == {"subscription", "resource_group", "location", "cluster"}
    props = schema["properties"]
    assert props["subscription"]["description"] == "Azure subscription id (a GUID)."
    assert "preview" in props["outbound"]["description"]
    cluster = schema["$defs"]["ClusterSpec"]["properties"]
    assert "1.30 or later" in cluster["kubernetes_version"]["description"]
    assert schema["$defs"]["ClusterSpec"]["additionalProperties"] is False
