"""Shared checks for plan tests: the structural invariants every plan must satisfy, and a spec
factory for the combinations of choices."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

from aksiso_tui.plan.context import shell_variables
from aksiso_tui.plan.model import Plan, Ref
from aksiso_tui.spec import Spec

SUB = "00000000-0000-0000-0000-000000000000"
DOCKER_HUB = ["auth.docker.io", "registry-1.docker.io", "production.cloudflare.docker.com"]

AXES = {
    "registry": ("managed", "byo"),
    "api_server": ("private_link", "vnet_integration"),
    "outbound": ("none", "block"),
    "hub": (False, True),
    "network": ("managed", "custom"),
}


def make_spec(
    registry: str = "byo",
    api_server: str = "private_link",
    outbound: str = "none",
    hub: bool = False,
    network: str = "custom",
    scenario: str = "create",
    allow_fqdns: list[str] | None = None,
    **extra: Any,
) -> Spec:
    data: dict[str, Any] = {
        "scenario": scenario,
        "subscription": SUB,
        "resource_group": "rg-aks",
        "location": "swedencentral",
        "cluster": {"name": "aks1", "kubernetes_version": "1.30.3"},
        "registry": {"mode": registry},
        "api_server": api_server,
        "outbound": outbound,
    }
    if network == "custom":
        net: dict[str, Any] = {
            "vnet": {"name": "vnet-spoke", "address_space": "192.168.0.0/16"},
            "aks_subnet": {"name": "snet-aks", "prefix": "192.168.1.0/24"},
        }
        if registry == "byo":
            net["acr_subnet"] = {"name": "snet-acr", "prefix": "192.168.2.0/24"}
        if api_server == "vnet_integration":
            net["apiserver_subnet"] = {"name": "snet-apiserver", "prefix": "192.168.3.0/28"}
        data["network"] = net
    if hub:
        data["hub"] = {
            "vnet": {"name": "vnet-hub", "address_space": "10.0.0.0/22"},
            "firewall_subnet_prefix": "10.0.0.0/26",
            "allow_fqdns": DOCKER_HUB if allow_fqdns is None else allow_fqdns,
        }
    data.update(extra)
    return Spec.model_validate(data)


def expected_valid(registry: str, api_server: str, outbound: str, hub: bool, network: str) -> bool:
    """The rules of AZURE_FACTS.md, independent of validate.py: BYO and a hub need a custom VNet;
    `block` only with an AKS-managed VNet (so never with a hub)."""
    if registry == "byo" and network != "custom":
        return False
    if hub and network != "custom":
        return False
    return not (outbound == "block" and (network == "custom" or hub))


def combinations() -> Iterator[dict[str, Any]]:
    for values in itertools.product(*AXES.values()):
        yield dict(zip(AXES, values, strict=True))


def combo_id(combo: dict[str, Any]) -> str:
    return "-".join(f"hub={v}" if k == "hub" else f"{k}={v}" for k, v in combo.items())


# --- graph helpers ------------------------------------------------------------------------------
def ancestors(plan: Plan, step_id: str) -> set[str]:
    by_id = {s.id: s for s in plan.steps}
    seen: set[str] = set()
    todo = list(by_id[step_id].depends_on)
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(by_id[current].depends_on)
    return seen


def refs_in(value: Any) -> Iterator[Ref]:
    if isinstance(value, Ref):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from refs_in(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from refs_in(v)


_VAR_USE = re.compile(r"\$\{?([A-Z_][A-Z0-9_]*)\}?")
_VAR_SET = re.compile(r"^(?:export\s+)?([A-Z_][A-Z0-9_]*)=")


def check_structure(plan: Plan, spec: Spec) -> None:
    """Ids unique, dependencies exist and come earlier (so: no cycles), Refs resolvable, and every
    shell variable an `az` line uses is defined at the top or captured by an ancestor step."""
    ids = [s.id for s in plan.steps]
    assert len(ids) == len(set(ids)), "duplicate step ids"
    seen: set[str] = set()
    for step in plan.steps:
        assert re.fullmatch(r"[a-z_]+(\.[A-Za-z_]+)*", step.id), step.id
        assert step.title and step.kind and step.resource_id, step.id
        assert len(set(step.depends_on)) == len(step.depends_on), f"{step.id}: repeated deps"
        for dep in step.depends_on:
            assert dep in seen, f"{step.id} depends on {dep}, which is missing or later"
        seen.add(step.id)
        assert step.az, f"{step.id} has no az lines"
        assert step.estimate_s > 0

    by_id = {s.id: s for s in plan.steps}
    defined = {name for name, _ in shell_variables(spec)}
    captured: dict[str, set[str]] = {}
    for step in plan.steps:
        up = ancestors(plan, step.id)
        for ref in refs_in([step.body, step.params]):
            assert ref.step in up, f"{step.id} refers to {ref.step}, not one of its dependencies"
            assert ref.output in by_id[ref.step].outputs, f"{step.id}: {ref} is not an output"
        available = set(defined)
        for a in up:
            available |= captured.get(a, set())
        own: set[str] = set()
        for line in step.az:
            for name in _VAR_USE.findall(line):
                assert name in available | own, f"{step.id}: ${name} is not set before use"
            m = _VAR_SET.match(line)
            if m:
                own.add(m.group(1))
        captured[step.id] = own


def body_at(step_body: dict[str, Any] | None, *path: str) -> Any:
    value: Any = step_body
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


VALID_COMBOS = [c for c in combinations() if expected_valid(**c)]
