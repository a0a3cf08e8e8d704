"""Exports: the JSON contract of `aksiso plan --format json`, the text summary, and `az` scripts
that bash accepts."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from plan_checks import VALID_COMBOS, combo_id, make_spec

from aksiso_tui.cli import main
from aksiso_tui.export import render
from aksiso_tui.plan import build_plan

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def _plan_output(capsys: pytest.CaptureFixture[str], path: Path, fmt: str) -> str:
    code = main(["plan", str(path), "--format", fmt])
    out = capsys.readouterr().out
    assert code == 0
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_json_matches_the_contract(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    data = json.loads(_plan_output(capsys, path, "json"))
    assert isinstance(data["steps"], list) and data["steps"]
    ids = [s["id"] for s in data["steps"]]
    for step in data["steps"]:
        for key in ("id", "title", "kind", "resource_id"):
            assert isinstance(step[key], str) and step[key], key
        assert isinstance(step["depends_on"], list)
        assert all(
            isinstance(d, str) and ids.index(d) < ids.index(step["id"]) for d in step["depends_on"]
        )
        assert isinstance(step["az"], list) and all(isinstance(line, str) for line in step["az"])
        assert isinstance(step["estimate_s"], int | float)


def test_json_refs_are_dollar_ref(capsys: pytest.CaptureFixture[str]) -> None:
    path = next(p for p in EXAMPLES if p.stem.startswith("seed000"))
    data = json.loads(_plan_output(capsys, path, "json"))
    record = next(s for s in data["steps"] if s["id"] == "registry.dns_record.registry")
    ip = record["body"]["properties"]["aRecords"][0]["ipv4Address"]
    assert ip == {"$ref": "registry.private_endpoint#registry_ip"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_text_shows_tree_and_totals(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    out = _plan_output(capsys, path, "text")
    assert "Total, one step after another:" in out
    assert "Critical path (independent steps in parallel):" in out
    assert "verify.show" in out


def test_unknown_format_is_refused() -> None:
    spec = make_spec()
    with pytest.raises(ValueError):
        render(build_plan(spec), spec, "arm")


def _bash_n(script: str) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    result = subprocess.run([bash, "-n"], input=script, text=True, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_az_script_of_every_example_parses(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    script = _plan_output(capsys, path, "az")
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script
    assert "2.71" in script
    assert "az account set --subscription ${SUBSCRIPTION_ID}" in script
    _bash_n(script)


@pytest.mark.parametrize("combo", VALID_COMBOS, ids=combo_id)
def test_az_script_of_every_combination_parses(combo: dict[str, Any]) -> None:
    spec = make_spec(**combo)
    script = render(build_plan(spec), spec, "az")
    _bash_n(script)
    if combo["outbound"] == "block":
        assert "az extension add --name aks-preview" in script
        assert "--outbound-type block" in script
    else:
        assert "aks-preview" not in script
    for step in build_plan(spec).steps:
        assert f"# --- {step.id}: {step.title} ---" in script


def test_az_values_are_quoted() -> None:
    spec = make_spec(resource_group="rg with space")
    script = render(build_plan(spec), spec, "az")
    assert "RESOURCE_GROUP='rg with space'" in script
    _bash_n(script)
