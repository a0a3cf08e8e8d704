"""The plan builder's working state: the spec, derived names and ids, and the steps so far.

Every `add_*` function in this package takes a `Ctx`, reads the spec through it and appends steps.
Names that the spec does not carry (route table, firewall policy, DNS links, ...) are derived here,
once, so the steps and the `az` export agree on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aksiso_tui.plan.ids import Ids
from aksiso_tui.plan.model import Step
from aksiso_tui.spec import ApiServerMode, OutboundType, RegistryMode, Scenario, Spec

ACR_ZONE = "privatelink.azurecr.io"
CACHE_RULE_NAME = "aks-managed-mcr"
"""AKS looks the cache rule up by this exact name; the user must not rename it."""
CACHE_SOURCE = "mcr.microsoft.com/*"
CACHE_TARGET = "aks-managed-repository/*"
FIREWALL_SUBNET = "AzureFirewallSubnet"
NODE_POOL = "nodepool1"
PREVIEW_API_VERSION = "2025-10-02-preview"
"""AKS api-version for outbound type `block`, which stable versions do not accept."""
PROVIDERS = (
    "Microsoft.ContainerService",
    "Microsoft.ContainerRegistry",
    "Microsoft.Network",
    "Microsoft.ManagedIdentity",
)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", name).strip("-") or "aks"


@dataclass
class Ctx:
    spec: Spec
    ids: Ids
    steps: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _last_write: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_spec(cls, spec: Spec) -> Ctx:
        return cls(spec=spec, ids=Ids(spec.subscription))

    # --- building ------------------------------------------------------------------------------
    def add(self, step: Step) -> Step:
        self.steps.append(step)
        return step

    def has(self, step_id: str) -> bool:
        return any(s.id == step_id for s in self.steps)

    def deps(self, *candidates: str | None) -> tuple[str, ...]:
        """The candidates that are steps of this plan, in order, without repeats.

        Steps that a choice leaves out (no hub, no provider step in `disable`) simply drop out, so
        callers can name every dependency a step *could* have.
        """
        present = {s.id for s in self.steps}
        out: list[str] = []
        for c in candidates:
            if c and c in present and c not in out:
                out.append(c)
        return tuple(out)

    def chain(self, vnet_key: str, step_id: str) -> str | None:
        """Record `step_id` as the newest write on one VNet; return the previous one.

        ARM serializes writes below one VNet (subnets, peerings) and answers concurrent ones with
        `AnotherOperationInProgress`, so they run one after another in the order they are added.
        """
        previous = self._last_write.get(vnet_key)
        self._last_write[vnet_key] = step_id
        return previous

    # --- choices -------------------------------------------------------------------------------
    @property
    def scenario(self) -> Scenario:
        return self.spec.scenario

    @property
    def byo(self) -> bool:
        return self.spec.registry.mode is RegistryMode.BYO

    @property
    def custom_network(self) -> bool:
        return self.spec.network is not None

    @property
    def vnet_integration(self) -> bool:
        return self.spec.api_server is ApiServerMode.VNET_INTEGRATION

    @property
    def block(self) -> bool:
        return self.spec.outbound is OutboundType.BLOCK

    @property
    def hub(self) -> bool:
        """A hub firewall is part of the plan: only when creating, and only with a custom VNet."""
        return (
            self.spec.hub is not None
            and self.spec.network is not None
            and self.spec.scenario is Scenario.CREATE
        )

    @property
    def user_assigned(self) -> bool:
        """User-assigned control-plane and kubelet identities: with a custom VNet (AKS needs a
        known identity to hold Network Contributor on the subnets before it exists)."""
        return self.custom_network

    # --- names ---------------------------------------------------------------------------------
    @property
    def rg(self) -> str:
        return self.spec.resource_group

    @property
    def hub_rg(self) -> str:
        return self.spec.hub_resource_group

    @property
    def slug(self) -> str:
        return _slug(self.spec.cluster.name)

    @property
    def registry_name(self) -> str:
        return self.spec.registry.name or ""

    @property
    def private_endpoint_name(self) -> str:
        return self.spec.registry.private_endpoint_name or f"pe-{self.registry_name}"

    @property
    def control_plane_name(self) -> str:
        return self.spec.identities.control_plane or f"id-{self.slug}-control-plane"

    @property
    def kubelet_name(self) -> str:
        return self.spec.identities.kubelet or f"id-{self.slug}-kubelet"

    @property
    def firewall_name(self) -> str:
        return (self.spec.hub.firewall_name if self.spec.hub else None) or f"fw-{self.slug}"

    @property
    def firewall_policy_name(self) -> str:
        return f"{self.firewall_name}-policy"

    @property
    def public_ip_name(self) -> str:
        return f"{self.firewall_name}-pip"

    @property
    def route_table_name(self) -> str:
        return f"rt-{self.slug}-egress"

    def link_name(self, vnet: str) -> str:
        return f"link-{vnet}"

    @property
    def dns_prefix(self) -> str:
        """What `az aks create` derives: cluster[:10]-rg[:16]-sub[:6], letters first."""
        name = re.sub(r"[^A-Za-z0-9]", "", self.spec.cluster.name)[:10] or "aks"
        if not name[0].isalpha():
            name = "a" + name[:9]
        rg = re.sub(r"[^A-Za-z0-9-]", "", self.rg)[:16].strip("-")
        sub = re.sub(r"[^A-Za-z0-9]", "", self.spec.subscription)[:6]
        return "-".join(p for p in (name, rg, sub) if p)

    # --- ids -----------------------------------------------------------------------------------
    @property
    def cluster_id(self) -> str:
        return self.ids.cluster(self.rg, self.spec.cluster.name)

    @property
    def vnet_id(self) -> str:
        net = self.spec.network
        return self.ids.vnet(self.rg, net.vnet.name) if net else ""

    def subnet_id(self, which: str) -> str:
        net = self.spec.network
        sub = getattr(net, which, None) if net else None
        if net is None or sub is None:
            return ""
        return self.ids.subnet(self.rg, net.vnet.name, sub.name)

    @property
    def hub_vnet_id(self) -> str:
        return self.ids.vnet(self.hub_rg, self.spec.hub.vnet.name) if self.spec.hub else ""

    @property
    def registry_id(self) -> str:
        return self.ids.registry(self.rg, self.registry_name)

    @property
    def control_plane_id(self) -> str:
        return self.ids.identity(self.rg, self.control_plane_name)

    @property
    def kubelet_id(self) -> str:
        return self.ids.identity(self.rg, self.kubelet_name)

    @property
    def route_table_id(self) -> str:
        return self.ids.route_table(self.rg, self.route_table_name)


def shell_variables(spec: Spec) -> list[tuple[str, str]]:
    """The variables block at the top of the `az` export, named as in the seeds.

    Every `az` line of a plan uses these (and values captured by earlier steps), never literals
    for names, so an operator can edit one line to rename a resource.
    """
    ctx = Ctx.for_spec(spec)
    out: list[tuple[str, str]] = [
        ("SUBSCRIPTION_ID", spec.subscription),
        ("RESOURCE_GROUP", spec.resource_group),
        ("LOCATION", spec.location),
    ]
    net = spec.network
    if net is not None:
        out.append(("VNET_NAME", net.vnet.name))
        out.append(("AKS_SUBNET_NAME", net.aks_subnet.name))
        if net.acr_subnet is not None:
            out.append(("ACR_SUBNET_NAME", net.acr_subnet.name))
        if net.apiserver_subnet is not None:
            out.append(("APISERVER_SUBNET_NAME", net.apiserver_subnet.name))
    if ctx.byo:
        out.append(("REGISTRY_NAME", ctx.registry_name))
        out.append(("PRIVATE_ENDPOINT_NAME", ctx.private_endpoint_name))
    if ctx.user_assigned and spec.scenario is Scenario.CREATE:
        out.append(("CLUSTER_IDENTITY_NAME", ctx.control_plane_name))
        out.append(("KUBELET_IDENTITY_NAME", ctx.kubelet_name))
    out.append(("AKS_NAME", spec.cluster.name))
    if ctx.hub and spec.hub is not None:
        out.append(("HUB_RESOURCE_GROUP", ctx.hub_rg))
        out.append(("HUB_VNET_NAME", spec.hub.vnet.name))
        out.append(("FIREWALL_NAME", ctx.firewall_name))
        out.append(("FIREWALL_POLICY_NAME", ctx.firewall_policy_name))
        out.append(("FIREWALL_PUBLIC_IP_NAME", ctx.public_ip_name))
        out.append(("ROUTE_TABLE_NAME", ctx.route_table_name))
    return out
