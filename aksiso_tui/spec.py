"""The operator's choices, as one pydantic model: the config file's contract and the wizard's state.

Every field carries an attribute docstring. Those docstrings are written once and used three times:
as the wizard's help text, as the JSON Schema descriptions (`aksiso schema`), and in the README.
Names and settings the operator does not give are derived from `cluster.name` when the spec is
loaded, so the smallest valid file names only the subscription, resource group, location and
cluster.

This module only describes and loads; it never judges whether a choice is *allowed* — that is
`validate.py`, which returns every problem at once instead of stopping at the first.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_SERVICE_CIDRS = ("10.0.0.0/16", "172.16.0.0/16", "10.254.0.0/16", "192.168.240.0/20")
"""Candidates for the Kubernetes service CIDR, tried in order until one overlaps no VNet."""

DEFAULT_POD_CIDR = "10.244.0.0/16"


class Scenario(StrEnum):
    CREATE = "create"
    MIGRATE = "migrate"
    DISABLE = "disable"


class RegistryMode(StrEnum):
    MANAGED = "managed"
    BYO = "byo"


class ApiServerMode(StrEnum):
    PRIVATE_LINK = "private_link"
    VNET_INTEGRATION = "vnet_integration"


class OutboundType(StrEnum):
    NONE = "none"
    BLOCK = "block"


class DisableOutboundType(StrEnum):
    """Outbound types a cluster can return to when network isolation is disabled."""

    LOAD_BALANCER = "loadBalancer"
    USER_DEFINED_ROUTING = "userDefinedRouting"
    MANAGED_NAT_GATEWAY = "managedNATGateway"


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
        validate_assignment=True,
    )


class ClusterSpec(_Model):
    name: str
    """Name of the AKS cluster. Other names (identities, VNet, registry) are derived from it."""

    kubernetes_version: str | None = None
    """Kubernetes version, e.g. "1.30.3". Network isolated clusters need 1.30 or later. Leave empty
    to take the newest supported version in the location at apply time."""

    node_count: int = Field(default=3, ge=1, le=1000)
    """Number of nodes in the system node pool."""

    vm_size: str = "Standard_D4ds_v5"
    """VM size of the system node pool's nodes."""

    service_cidr: str | None = None
    """Kubernetes service address range. It must not overlap any VNet the cluster can reach
    (its own, the hub, peered VNets). Left empty, the first of 10.0.0.0/16, 172.16.0.0/16, ...
    that overlaps none is chosen."""

    dns_service_ip: str | None = None
    """IP of the cluster DNS service, inside the service CIDR. Left empty: the .10 address of it."""


class RegistrySpec(_Model):
    mode: RegistryMode = RegistryMode.MANAGED
    """Where nodes pull the images they need to start, since they have no internet access.
    `managed`: AKS creates and reconciles a private Azure Container Registry for you in the node
    resource group — nothing to maintain, nothing to pay attention to.
    `byo` (bring your own): you own a Premium registry with a private endpoint in your VNet; aksiso
    creates it with its cache rule, private endpoint, DNS zone and records, and the AcrPull grant.
    Needs a custom VNet. Costs a Premium ACR."""

    name: str | None = None
    """Name of your own registry (5-50 lowercase letters and digits, unique across Azure).
    `byo` only; created if it does not exist. Left empty: derived from the cluster name."""

    anonymous_pull: bool = False
    """Let anyone who can reach the registry's private endpoint pull without credentials. No longer
    needed for network isolated clusters (the kubelet identity gets AcrPull); leave off."""

    private_endpoint_name: str | None = None
    """Name of the registry's private endpoint. Left empty: `pe-<registry>`."""


class VnetSpec(_Model):
    name: str
    """Name of the virtual network."""

    address_space: str
    """Address space of the virtual network, as a CIDR (e.g. 192.168.0.0/16)."""


class SubnetSpec(_Model):
    name: str
    """Name of the subnet."""

    prefix: str
    """Address range of the subnet, as a CIDR inside its VNet's address space."""


class NetworkSpec(_Model):
    vnet: VnetSpec
    """The cluster's virtual network (the "spoke" when a hub is used)."""

    aks_subnet: SubnetSpec
    """Subnet of the cluster's nodes. Its default outbound access is turned off."""

    acr_subnet: SubnetSpec | None = None
    """Subnet of the registry's private endpoint (`byo` registry). Required for `byo`."""

    apiserver_subnet: SubnetSpec | None = None
    """Subnet delegated to AKS for the API server (`vnet_integration` only): at least /28 and
    holding nothing else."""


class IdentitiesSpec(_Model):
    control_plane: str | None = None
    """User-assigned managed identity of the cluster's control plane. Left empty:
    `id-<cluster>-control-plane`."""

    kubelet: str | None = None
    """User-assigned managed identity of the nodes (kubelet); it is granted AcrPull on a `byo`
    registry. Left empty: `id-<cluster>-kubelet`."""


class HubSpec(_Model):
    vnet: VnetSpec
    """The hub virtual network that holds the Azure Firewall."""

    firewall_subnet_prefix: str
    """Address range of `AzureFirewallSubnet` in the hub (at least /26)."""

    allow_fqdns: list[str] = Field(default_factory=list)
    """Extra FQDNs the firewall lets the cluster reach (application rules, HTTP/HTTPS), e.g.
    auth.docker.io and registry-1.docker.io for Docker Hub. This is deliberate egress: everything
    else stays blocked."""

    firewall_name: str | None = None
    """Name of the Azure Firewall. Left empty: `fw-<cluster>`."""

    resource_group: str | None = None
    """Resource group of the hub's resources. Left empty: the cluster's resource group."""


class Spec(_Model):
    """Everything needed to set up, migrate or disable one network isolated AKS cluster."""

    scenario: Scenario = Scenario.CREATE
    """`create` a new network isolated cluster; `migrate` an existing cluster into isolation;
    `disable` isolation on an isolated cluster."""

    subscription: str
    """Azure subscription id (a GUID)."""

    resource_group: str
    """Resource group of the cluster and the resources aksiso creates (created if missing)."""

    location: str
    """Azure region, e.g. swedencentral."""

    cluster: ClusterSpec
    """The AKS cluster."""

    registry: RegistrySpec = Field(default_factory=RegistrySpec)
    """The private container registry the nodes bootstrap from."""

    api_server: ApiServerMode = ApiServerMode.PRIVATE_LINK
    """How the API server is reached privately.
    `private_link`: a private endpoint for the API server in your node subnet, with a private DNS
    zone; the classic private cluster.
    `vnet_integration`: the API server gets an IP in a delegated subnet of your VNet; no private
    endpoint, and can be toggled public/private later. Needs its own /28 subnet with a custom
    VNet."""

    outbound: OutboundType = OutboundType.NONE
    """What AKS sets up for egress.
    `none`: AKS creates no outbound path; you may add your own (e.g. a hub firewall).
    `block` (preview): AKS actively blocks all egress; only with an AKS-managed VNet, needs a
    preview API version and, in the `az` CLI, the aks-preview extension."""

    outbound_after_disable: DisableOutboundType = DisableOutboundType.LOAD_BALANCER
    """`disable` only: the outbound type the cluster returns to."""

    network: NetworkSpec | None = None
    """Your own (custom) VNet. Omit to let AKS create and manage the VNet (only with a `managed`
    registry and no hub)."""

    identities: IdentitiesSpec = Field(default_factory=IdentitiesSpec)
    """Managed identities of the control plane and the kubelet (custom VNet only)."""

    hub: HubSpec | None = None
    """Optional hub VNet with an Azure Firewall, peered with the cluster VNet, as the operator's
    own, deliberate egress path. Needs a custom VNet."""

    @model_validator(mode="after")
    def _derive_defaults(self) -> Spec:
        derive_defaults(self)
        return self

    # --- derived views -----------------------------------------------------------------------
    @property
    def custom_network(self) -> bool:
        return self.network is not None

    @property
    def hub_resource_group(self) -> str:
        return (self.hub.resource_group if self.hub else None) or self.resource_group


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", name).strip("-") or "aks"


def derived_registry_name(cluster_name: str) -> str:
    """A registry name from a cluster name: lowercase alphanumerics, 5-50 characters."""
    base = re.sub(r"[^a-z0-9]", "", cluster_name.lower())
    name = f"acr{base}"[:50]
    return name if len(name) >= 5 else (name + "00000")[:5]


def choose_service_cidr(networks: list[str]) -> str:
    """The first default service CIDR that overlaps none of the given address ranges."""
    parsed = []
    for cidr in networks:
        try:
            parsed.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            continue
    for candidate in DEFAULT_SERVICE_CIDRS:
        net = ipaddress.ip_network(candidate)
        if not any(net.overlaps(other) for other in parsed):
            return candidate
    return DEFAULT_SERVICE_CIDRS[0]


def derive_defaults(spec: Spec) -> None:
    """Fill every name and setting the operator left empty from `cluster.name` (in place).

    Assignments go through `__dict__` so that `validate_assignment` does not re-enter the model
    validator for each of them.
    """
    cluster = spec.cluster.name
    slug = _slug(cluster)
    if spec.registry.mode is RegistryMode.BYO:
        if not spec.registry.name:
            spec.registry.__dict__["name"] = derived_registry_name(cluster)
        if not spec.registry.private_endpoint_name:
            spec.registry.__dict__["private_endpoint_name"] = f"pe-{spec.registry.name}"
    if not spec.identities.control_plane:
        spec.identities.__dict__["control_plane"] = f"id-{slug}-control-plane"
    if not spec.identities.kubelet:
        spec.identities.__dict__["kubelet"] = f"id-{slug}-kubelet"
    if spec.hub is not None and not spec.hub.firewall_name:
        spec.hub.__dict__["firewall_name"] = f"fw-{slug}"
    if spec.cluster.service_cidr is None:
        ranges: list[str] = []
        if spec.network is not None:
            ranges.append(spec.network.vnet.address_space)
        if spec.hub is not None:
            ranges.append(spec.hub.vnet.address_space)
        spec.cluster.__dict__["service_cidr"] = choose_service_cidr(ranges)
    if spec.cluster.dns_service_ip is None:
        try:
            net = ipaddress.ip_network(spec.cluster.service_cidr or "", strict=False)
            spec.cluster.__dict__["dns_service_ip"] = str(net.network_address + 10)
        except ValueError:
            pass


def submodel_of(annotation: object) -> type[BaseModel] | None:
    """The pydantic model inside a field annotation (`X`, `X | None`, `list[X]`), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = submodel_of(arg)
        if found is not None:
            return found
    return None


def spec_to_data(spec: Spec) -> dict[str, Any]:
    """The spec as plain data for YAML, without keys that hold nothing."""
    return spec.model_dump(mode="json", exclude_none=True)


def json_schema() -> dict[str, Any]:
    """The config file's JSON Schema, with the field docstrings as descriptions."""
    schema = Spec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "aksiso config"
    return schema
