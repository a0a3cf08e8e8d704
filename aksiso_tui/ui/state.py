"""The wizard's one piece of state: the Spec being edited, and what validation says about it.

Screens read and write the Spec through `Draft` by field path (`network.aks_subnet.prefix`);
widgets hold no state of their own, so answers survive going back and forth and the plan is always
computed from the same object.

Names the operator never typed (identities, the registry, the firewall, the service CIDR) are
derived from the cluster name by `spec.derive_defaults` when the Spec is built. A value that still
equals what derivation gives is treated as derived and follows later edits (rename the cluster and
the identities follow); a value the operator typed stays.

Sections that are switched off (a custom VNet, a hub) are kept aside, so switching them back on
restores what was typed. No Textual here: this module is tested without an app.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from aksiso_tui.findings import Finding, Severity, error
from aksiso_tui.spec import ApiServerMode, ClusterSpec, RegistryMode, Spec
from aksiso_tui.validate import validate

DERIVED_PATHS = (
    "registry.name",
    "registry.private_endpoint_name",
    "identities.control_plane",
    "identities.kubelet",
    "hub.firewall_name",
    "cluster.service_cidr",
    "cluster.dns_service_ip",
)
"""Fields `derive_defaults` fills when they are empty."""

DEFAULT_CLUSTER_NAME = "aks-isolated"


def blank_spec() -> Spec:
    """The spec a fresh wizard starts from: only a suggested cluster name."""
    return Spec(
        subscription="",
        resource_group="",
        location="",
        cluster=ClusterSpec(name=DEFAULT_CLUSTER_NAME),
    )


def _get(data: Any, path: str) -> Any:
    current = data
    for part in path.split("."):
        if current is None:
            return None
        current = current.get(part) if isinstance(current, dict) else getattr(current, part, None)
    return current


def _dict_get(data: dict[str, Any], path: str) -> Any:
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def _dict_set(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    current = data
    for part in parts[:-1]:
        nxt = current.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            current[part] = nxt
        current = nxt
    current[parts[-1]] = value


ALL = "*"
"""A prefix that matches every finding (the review shows them all)."""


def matches(where: str, prefixes: Iterable[str]) -> bool:
    """True if the finding location `where` is at or under one of the field paths."""
    for prefix in prefixes:
        if prefix == ALL or where == prefix or where.startswith((prefix + ".", prefix + "[")):
            return True
    return False


class Draft:
    """The Spec under edit, with its findings and the sections switched off for now."""

    def __init__(self, spec: Spec | None = None) -> None:
        self.spec: Spec = spec if spec is not None else blank_spec()
        self.revision = 0
        self.input_errors: dict[str, Finding] = {}
        """Values that could not be put into the Spec at all (e.g. a node count of "abc")."""
        self.stash: dict[str, Any] = {}
        """Sections switched off, by path, to restore when switched back on."""
        self.auto_sections: set[str] = set()
        """Sections the wizard switched on because a choice needed them (not the operator)."""
        self._findings: tuple[int, list[Finding]] | None = None

    # --- reading ---------------------------------------------------------------------------
    def get(self, path: str) -> Any:
        return _get(self.spec, path)

    def findings(self) -> list[Finding]:
        """validate(spec) plus the values that could not be taken, cached per revision."""
        if self._findings is None or self._findings[0] != self.revision:
            found = list(self.input_errors.values()) + validate(self.spec)
            self._findings = (self.revision, found)
        return self._findings[1]

    def findings_under(self, prefixes: Iterable[str]) -> list[Finding]:
        wanted = tuple(prefixes)
        return [f for f in self.findings() if matches(f.where, wanted)]

    def errors_under(self, prefixes: Iterable[str]) -> list[Finding]:
        return [f for f in self.findings_under(prefixes) if f.severity is Severity.ERROR]

    # --- writing ---------------------------------------------------------------------------
    def _operator_data(self) -> dict[str, Any]:
        """The spec as data, with derived values that still follow their derivation cleared."""
        data = self.spec.model_dump(mode="json")
        cleared = copy.deepcopy(data)
        for path in DERIVED_PATHS:
            if _dict_get(cleared, path.rpartition(".")[0]) is not None:
                _dict_set(cleared, path, None)
        try:
            fresh = Spec.model_validate(cleared)
        except ValidationError:
            return data
        for path in DERIVED_PATHS:
            if _dict_get(data, path.rpartition(".")[0]) is None:
                continue
            if _get(self.spec, path) == _get(fresh, path):
                _dict_set(data, path, None)
        return data

    def set(self, path: str, value: Any) -> bool:
        """Put `value` at `path` (None clears it). False, with an input error, if it cannot be."""
        data = self._operator_data()
        if isinstance(value, str) and value == "" and path in DERIVED_PATHS:
            value = None
        _dict_set(data, path, value)
        try:
            spec = Spec.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            self.input_errors[path] = error(path, str(first.get("msg", "invalid value")))
            self.revision += 1
            return False
        self.input_errors.pop(path, None)
        self.spec = spec
        self.revision += 1
        return True

    def replace(self, spec: Spec) -> None:
        """Start over from `spec` (a picked existing cluster): nothing typed or stashed stays."""
        self.spec = spec
        self.input_errors.clear()
        self.stash.clear()
        self.auto_sections.clear()
        self.revision += 1

    def switch_off(self, path: str) -> None:
        """Set the optional section at `path` to None, keeping its value to restore later."""
        current = _dict_get(self._operator_data(), path)
        if current is not None:
            self.stash[path] = current
        self.set(path, None)

    def switch_on(self, path: str, default: Any = None) -> None:
        """Turn the section at `path` on: what was stashed (over a derived value), else
        `default` if the section is empty."""
        if path in self.stash:
            self.set(path, self.stash.pop(path))
        elif default is not None and _dict_get(self.spec.model_dump(mode="json"), path) is None:
            self.set(path, default)


def default_network(spec: Spec) -> dict[str, Any]:
    """A suggested custom VNet (the walkthrough's ranges), with the subnets the choices need."""
    network: dict[str, Any] = {
        "vnet": {"name": "vnet-spoke", "address_space": "192.168.0.0/16"},
        "aks_subnet": {"name": "snet-aks", "prefix": "192.168.1.0/24"},
    }
    if spec.registry.mode is RegistryMode.BYO:
        network["acr_subnet"] = DEFAULT_ACR_SUBNET
    if spec.api_server is ApiServerMode.VNET_INTEGRATION:
        network["apiserver_subnet"] = DEFAULT_APISERVER_SUBNET
    return network


DEFAULT_ACR_SUBNET = {"name": "snet-acr", "prefix": "192.168.2.0/24"}
DEFAULT_APISERVER_SUBNET = {"name": "snet-apiserver", "prefix": "192.168.3.0/28"}
DEFAULT_HUB = {
    "vnet": {"name": "vnet-hub", "address_space": "10.0.0.0/22"},
    "firewall_subnet_prefix": "10.0.0.0/26",
    "allow_fqdns": [],
}
DOCKER_HUB_FQDNS = ("auth.docker.io", "registry-1.docker.io", "production.cloudflare.docker.com")


def fit_network(draft: Draft) -> list[str]:
    """Make the network section fit the registry and API server choices; say what changed.

    A `byo` registry, API Server VNet Integration and a hub all need a custom VNet, with a
    registry subnet or an API server subnet; `block` needs an AKS-managed one. Sections switched
    off are stashed, so switching a choice back restores what was typed.
    """
    changes: list[str] = []
    spec = draft.spec
    byo = spec.registry.mode is RegistryMode.BYO
    integrated = spec.api_server is ApiServerMode.VNET_INTEGRATION
    needs_custom = byo or integrated or spec.hub is not None
    if needs_custom and spec.network is None:
        draft.switch_on("network", default_network(spec))
        draft.auto_sections.add("network")
        changes.append("Network: your own VNet (this choice needs one)")
    elif not needs_custom and spec.network is not None and "network" in draft.auto_sections:
        draft.switch_off("network")
        draft.auto_sections.discard("network")
        changes.append("Network: AKS-managed VNet again")
    network = draft.spec.network
    if network is not None:
        if byo and network.acr_subnet is None:
            draft.switch_on("network.acr_subnet", DEFAULT_ACR_SUBNET)
            changes.append("Network: added a registry subnet")
        if not byo and network.acr_subnet is not None:
            draft.switch_off("network.acr_subnet")
        if integrated and draft.spec.network and draft.spec.network.apiserver_subnet is None:
            draft.switch_on("network.apiserver_subnet", DEFAULT_APISERVER_SUBNET)
            changes.append("Network: added an API server subnet (/28)")
        if not integrated and network.apiserver_subnet is not None:
            draft.switch_off("network.apiserver_subnet")
        if draft.spec.outbound.value == "block":
            draft.set("outbound", "none")
            changes.append("Outbound: none (block works only with an AKS-managed VNet)")
    return changes
