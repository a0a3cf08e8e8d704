"""Judge a Spec: every rule that can be known from the spec alone, all problems at once.

`validate(spec)` returns Findings (error | warning | info), each with the field path, what is
wrong (with the offending value) and a concrete fix, sorted in the order the fields appear in the
config file. It never raises, whatever the spec holds: a Spec built with `model_construct` or
mutated by the wizard may carry anything, so every value is type-checked before it is parsed.

The rules come from AZURE_FACTS.md and Microsoft's docs; `choices` checks names, ids, versions
and modes, `addresses` checks CIDRs, subnets, the hub and FQDNs. Rules that need Azure (does the
VNet exist, is the registry name free) belong to the pre-flight checks, not here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from aksiso_tui.findings import Finding, Severity
from aksiso_tui.spec import Scenario, Spec, submodel_of
from aksiso_tui.validate.addresses import check_hub, check_network, check_service_network
from aksiso_tui.validate.choices import (
    check_basics,
    check_cluster,
    check_identities,
    check_modes,
    check_registry,
    check_scenario,
)
from aksiso_tui.validate.common import Out, attr, same

__all__ = ["errors_only", "validate"]


def _field_order() -> dict[str, int]:
    order: dict[str, int] = {}

    def visit(model: type[BaseModel], prefix: str) -> None:
        for name, info_ in model.model_fields.items():
            path = f"{prefix}{name}"
            order[path] = len(order)
            sub = submodel_of(info_.annotation)
            if sub is not None:
                visit(sub, f"{path}.")

    visit(Spec, "")
    return order


_ORDER = _field_order()


def _sort_key(finding: Finding) -> tuple[int, int]:
    match = re.fullmatch(r"([\w.]+?)(?:\[(\d+)\])?", finding.where or "")
    if not match:
        return (-1, 0)
    path, index = match.group(1), int(match.group(2) or 0)
    while path and path not in _ORDER:
        path = path.rpartition(".")[0]
    return (_ORDER.get(path, -1), index)


_CHECKS: tuple[Callable[[Any, Out], None], ...] = (
    check_basics,
    check_cluster,
    check_service_network,
    check_registry,
    check_modes,
    check_network,
    check_identities,
    check_hub,
    check_scenario,
)

_DISABLE_CHECKS = (check_basics, check_cluster, check_scenario)


def validate(spec: Spec) -> list[Finding]:
    """Every problem with `spec`, sorted by field path in config-file order. Never raises."""
    out = Out()
    disable = same(attr(spec, "scenario"), Scenario.DISABLE)
    for check in _DISABLE_CHECKS if disable else _CHECKS:
        try:
            check(spec, out)
        except Exception as exc:  # a check must never take the others down with it
            out.error(
                "(spec)",
                f"could not finish the {check.__name__.removeprefix('_check_')} checks: "
                f"{type(exc).__name__}: {exc}",
                "report this as a bug in aksiso, with the config file",
            )
    return sorted(out.findings, key=_sort_key)


def errors_only(findings: list[Finding]) -> list[Finding]:
    """The findings that block: severity error."""
    return [f for f in findings if f.severity is Severity.ERROR]
