"""The values a step records for later steps, read from the resource Azure returned.

One function per kind that has more than an `id`: identities (principal and client ids), the
registry (login server), the private endpoint (its NIC, and the two private IPs read from the
NIC's `privateLinkConnectionProperties.requiredMemberName`), the firewall (private IP) and the
cluster (node resource group, private FQDN and DNS zone, identities). Every ensure step also
records `id` (the resource's real id), which is what `aksiso destroy` deletes.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.azure.arm_id import parse
from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.azure.resources import read
from aksiso_tui.engine import StepError
from aksiso_tui.plan import kinds

Json = dict[str, Any]


def props(resource: Json | None) -> Json:
    return (resource or {}).get("properties") or {}


def get_path(data: Any, path: str) -> Any:
    """`a.b.c` in a wire dict, keys matched case-insensitively; None if missing."""
    cur = data
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        if part in cur:
            cur = cur[part]
            continue
        cur = next((v for k, v in cur.items() if k.lower() == part.lower()), None)
    return cur


def _identity(res: Json) -> Json:
    p = props(res)
    return {"principal_id": p.get("principalId"), "client_id": p.get("clientId")}


def _firewall(res: Json) -> Json:
    configs = props(res).get("ipConfigurations") or []
    ip = next(
        (props(c).get("privateIPAddress") for c in configs if props(c).get("privateIPAddress")),
        None,
    )
    if not ip:
        raise StepError(
            "FirewallPrivateIpMissing",
            "the firewall reports no private IP address in its ipConfigurations",
            "Check the firewall in the portal; its IP configuration must use AzureFirewallSubnet.",
            retryable=True,
        )
    return {"private_ip": ip}


async def _private_endpoint(factory: ClientFactory, res: Json, params: Json) -> Json:
    nics = props(res).get("networkInterfaces") or []
    nic_id = (nics[0] or {}).get("id") if nics else None
    out: Json = {"nic_id": nic_id}
    wanted: dict[str, str] = params.get("ip_outputs") or {}
    if not wanted:
        return out
    found: dict[str, str] = {}
    if nic_id:
        nic = await read(factory, nic_id)
        for config in props(nic).get("ipConfigurations") or []:
            cp = props(config)
            member = (cp.get("privateLinkConnectionProperties") or {}).get("requiredMemberName")
            if member and cp.get("privateIPAddress"):
                found[str(member).lower()] = cp["privateIPAddress"]
    for name, member in wanted.items():
        ip = found.get(member.lower())
        if not ip:
            raise StepError(
                "PrivateEndpointIpMissing",
                f"the private endpoint's NIC has no IP for member {member!r} "
                f"(found: {', '.join(sorted(found)) or 'none'})",
                "The endpoint's connection may not be approved yet, or it targets another "
                "group id; check privateLinkServiceConnections (group id 'registry').",
                retryable=True,
            )
        out[name] = ip
    return out


async def private_dns_zone_of(factory: ClientFactory, cluster: Json) -> str | None:
    """The name of the private cluster's API server DNS zone (in the node resource group)."""
    p = props(cluster)
    configured = str((p.get("apiServerAccessProfile") or {}).get("privateDNSZone") or "")
    if configured.lower().startswith("/subscriptions/"):
        return configured.rsplit("/", 1)[-1]
    fqdn = str(p.get("privateFQDN") or "").lower()
    node_rg = p.get("nodeResourceGroup")
    if not fqdn or not node_rg:
        return None
    zones = factory.get("privatedns").private_zones
    names = [z.name async for z in zones.list_by_resource_group(node_rg)]
    matching = [n for n in names if fqdn.endswith("." + n.lower())]
    return max(matching, key=len) if matching else None


def _cluster_identity(res: Json) -> str | None:
    identity = res.get("identity") or {}
    if identity.get("principalId"):
        return str(identity["principalId"])
    users = identity.get("userAssignedIdentities") or {}
    for value in users.values():
        if (value or {}).get("principalId"):
            return str(value["principalId"])
    return None


async def cluster_outputs(factory: ClientFactory, res: Json, wanted: tuple[str, ...]) -> Json:
    p = props(res)
    kubelet = (p.get("identityProfile") or {}).get("kubeletidentity") or {}
    pools = p.get("agentPoolProfiles") or []
    out: Json = {
        "node_resource_group": p.get("nodeResourceGroup"),
        "private_fqdn": p.get("privateFQDN"),
        "principal_id": _cluster_identity(res),
        "kubelet_object_id": kubelet.get("objectId"),
        "node_subnet_id": next(
            (x.get("vnetSubnetID") for x in pools if x.get("vnetSubnetID")), None
        ),
        "pools": [x.get("name") for x in pools],
        "outbound_type": (p.get("networkProfile") or {}).get("outboundType"),
        "artifact_source": (p.get("bootstrapProfile") or {}).get("artifactSource") or "Direct",
    }
    if "private_dns_zone" in wanted:
        out["private_dns_zone"] = await private_dns_zone_of(factory, res)
    return out


async def outputs_for(
    factory: ClientFactory, kind: str, res: Json, wanted: tuple[str, ...], params: Json
) -> Json:
    """The outputs `wanted` (plus `id`) of a resource of `kind`."""
    k = kind.lower()
    out: Json = {}
    if k == kinds.IDENTITY.lower():
        out = _identity(res)
    elif k == kinds.REGISTRY.lower():
        out = {"login_server": props(res).get("loginServer")}
    elif k == kinds.PRIVATE_ENDPOINT.lower():
        out = await _private_endpoint(factory, res, params)
    elif k == kinds.FIREWALL.lower():
        out = _firewall(res)
    elif k == kinds.MANAGED_CLUSTER.lower():
        out = await cluster_outputs(factory, res, wanted)
    result = {name: out.get(name) for name in wanted if name != "id"}
    result["id"] = res.get("id")
    return result


def resource_group_of(rid: str) -> str:
    return parse(rid).resource_group or ""
