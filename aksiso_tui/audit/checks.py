"""The audit: how isolated one cluster really is, from state read through the SDK (pure).

Each piece a reviewer asks about becomes a Finding: outbound type, artifact source, the registry
path, API server exposure, node public IPs, the node subnets' default outbound access and NAT
gateways, where their route table sends 0.0.0.0/0, and what an egress firewall lets out. The
network answers come from `aksiso_tui.netpath`, the code the emulator uses to decide
whether an image pulls, so the audit and the emulator cannot disagree.

Verdict: any error -> not isolated; otherwise, if a firewall on the nodes' default route lets
something out -> isolated with egress via firewall (deliberate egress, listed); else isolated.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.audit.report import AuditReport, Verdict
from aksiso_tui.audit.snapshot import Snapshot
from aksiso_tui.findings import Finding, Severity, error, info, warning
from aksiso_tui.netpath import netsim
from aksiso_tui.netpath.aks_lookup import last_segment, props, subnet_networks, vnet_of_subnet
from aksiso_tui.netpath.cluster import artifact_source, outbound_type
from aksiso_tui.netpath.firewall import (
    firewall_allowed_destinations,
    firewall_decision,
    firewall_with_ip,
    fqdn_matches,
)
from aksiso_tui.preflight import registry as registry_checks

Json = dict[str, Any]
PROBE_FQDN = "www.example.com"
"""An arbitrary internet host: if the nodes reach it, they reach the internet."""


class _Audit:
    def __init__(self, snapshot: Snapshot, cluster_id: str) -> None:
        self.snap = snapshot
        self.cluster = snapshot.get(cluster_id) or {}
        self.cid = str(self.cluster.get("id") or cluster_id)
        self.name = str(self.cluster.get("name") or last_segment(cluster_id))
        self.findings: list[Finding] = []
        self.egress_allowed: list[str] = []
        self.firewall_id: str | None = None
        self.egress_explained = False
        """A specific finding already says how the nodes reach the internet."""

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def az(self) -> str:
        parts = self.cid.split("/")
        return f"-g {parts[4] if len(parts) > 4 else '<rg>'} -n {self.name}"

    # -- the cluster's own settings ------------------------------------------------------------
    def settings(self) -> None:
        outbound = outbound_type(self.cluster)
        if outbound.lower() in ("none", "block"):
            self.add(info(self.cid, f"Outbound type {outbound}: AKS sets up no egress path."))
        else:
            self.egress_explained = True
            self.add(
                error(
                    self.cid,
                    f"Outbound type {outbound}: AKS gives the nodes internet egress.",
                    "Migrate the cluster to network isolation (aksiso, scenario: migrate), "
                    "which ends with outbound type none.",
                )
            )
        source = artifact_source(self.cluster)
        if source == "Cache":
            self.add(
                info(self.cid, "Artifact source Cache: nodes bootstrap from a private registry.")
            )
        else:
            self.add(
                error(
                    self.cid,
                    "Artifact source Direct: nodes pull their bootstrap images from "
                    "mcr.microsoft.com over the internet.",
                    f"az aks update {self.az()} --bootstrap-artifact-source Cache, then reimage "
                    "every node pool before setting the outbound type to none.",
                )
            )

    def api_server(self) -> None:
        profile = props(self.cluster).get("apiServerAccessProfile") or {}
        if profile.get("enableVnetIntegration"):
            mode = "API Server VNet Integration"
            if not profile.get("enablePrivateCluster"):
                self.add(
                    warning(
                        self.cid,
                        f"{mode} with public access: the API server also has a public endpoint.",
                        f"az aks update {self.az()} --enable-private-cluster",
                    )
                )
                return
            self.add(info(self.cid, f"API server: {mode}, private (an IP in the VNet)."))
        elif profile.get("enablePrivateCluster"):
            extra = (
                " (its public FQDN resolves to the private IP)"
                if profile.get("enablePrivateClusterPublicFQDN")
                else ""
            )
            self.add(info(self.cid, f"API server: private link{extra}."))
        else:
            ranges = profile.get("authorizedIPRanges") or []
            who = f"from {', '.join(ranges)}" if ranges else "from any IP address"
            self.add(
                warning(
                    self.cid,
                    f"API server is public, reachable {who}.",
                    "Create private clusters, or set --api-server-authorized-ip-ranges.",
                )
            )

    # -- nodes and their subnets ---------------------------------------------------------------
    def pools(self) -> list[Json]:
        return list(props(self.cluster).get("agentPoolProfiles") or [])

    def node_public_ips(self) -> None:
        for pool in self.pools():
            if pool.get("enableNodePublicIP"):
                self.egress_explained = True
                self.add(
                    error(
                        f"{self.cid}/agentPools/{pool.get('name')}",
                        f"Node pool {pool.get('name')} gives each node a public IP: the nodes "
                        "reach the internet whatever the outbound type.",
                        "Recreate the pool without --enable-node-public-ip.",
                    )
                )

    def subnets(self) -> None:
        seen: set[str] = set()
        outbound = outbound_type(self.cluster).lower()
        for pool in self.pools():
            sid = str(pool.get("vnetSubnetID") or "")
            if not sid or sid.lower() in seen:
                continue
            seen.add(sid.lower())
            subnet = self.snap.get(sid)
            if subnet is None:
                self.add(warning(sid, f"Node subnet {last_segment(sid)} could not be read."))
                continue
            self.subnet(subnet, outbound)
        if not seen:
            self.add(info(self.cid, "The nodes are in an AKS-managed VNet."))

    def subnet(self, subnet: Json, outbound: str) -> None:
        sid = str(subnet.get("id"))
        name = last_segment(sid)
        p = props(subnet)
        route = netsim.default_route(self.snap, subnet)
        default_access = p.get("defaultOutboundAccess")
        if default_access is True:
            used = outbound == "none" and route is None and not (p.get("natGateway") or {})
            if used:
                self.egress_explained = True
            self.add(
                Finding(
                    Severity.ERROR if used else Severity.WARNING,
                    sid,
                    f"Subnet {name} has default outbound access enabled"
                    + (
                        ": Azure's implicit public IP gives the nodes internet egress."
                        if used
                        else "; another path wins today, but the subnet is not private."
                    ),
                    f"az network vnet subnet update --name {name} --vnet-name "
                    f"{last_segment(vnet_of_subnet(sid))} --default-outbound-access false",
                )
            )
        elif default_access is None:
            self.add(
                warning(
                    sid,
                    f"Subnet {name} does not set defaultOutboundAccess: it is private only if its "
                    "VNet was created with an API version that defaults to private subnets.",
                    f"az network vnet subnet update --name {name} --default-outbound-access false",
                )
            )
        if (p.get("natGateway") or {}).get("id"):
            self.egress_explained = True
            self.add(
                error(
                    sid,
                    f"Subnet {name} has a NAT gateway: the nodes reach the internet through it.",
                    "Remove the NAT gateway from the node subnet.",
                )
            )
        self.route(subnet, route)

    def route(self, subnet: Json, route: Json | None) -> None:
        sid = str(subnet.get("id"))
        name = last_segment(sid)
        if route is None:
            table = (props(subnet).get("routeTable") or {}).get("id")
            what = "its route table has no 0.0.0.0/0 route" if table else "no route table"
            self.add(info(sid, f"Subnet {name}: {what}."))
            return
        rp = props(route)
        hop = str(rp.get("nextHopType") or "")
        where = str(route.get("id") or sid)
        if hop.lower() == "internet":
            self.egress_explained = True
            self.add(
                error(
                    where,
                    f"Subnet {name} sends 0.0.0.0/0 straight to the Internet.",
                    "Point 0.0.0.0/0 at your firewall (VirtualAppliance) or remove the route.",
                )
            )
        elif hop.lower() == "virtualappliance":
            self.firewall_route(subnet, str(rp.get("nextHopIpAddress") or ""), where)
        elif hop.lower() == "none":
            self.add(info(where, f"Subnet {name} drops 0.0.0.0/0 (next hop None)."))
        else:
            self.add(
                warning(
                    where,
                    f"Subnet {name} sends 0.0.0.0/0 to {hop}: what leaves depends on the "
                    "network behind it, which this audit cannot see.",
                )
            )

    def firewall_route(self, subnet: Json, ip: str, where: str) -> None:
        name = last_segment(str(subnet.get("id")))
        firewall = firewall_with_ip(self.snap, ip)
        if firewall is None:
            self.egress_explained = True
            self.add(
                error(
                    where,
                    f"Subnet {name} sends 0.0.0.0/0 to {ip}, which is not an Azure Firewall this "
                    "audit can read: what it lets out cannot be checked.",
                    "Route 0.0.0.0/0 to an Azure Firewall (or check the appliance by hand).",
                )
            )
            return
        fw_id = str(firewall.get("id"))
        fw_name = last_segment(fw_id)
        _, why = netsim.egress_verdict(self.cluster, PROBE_FQDN, self.snap)
        sources = subnet_networks(subnet)
        allowed = firewall_allowed_destinations(self.snap, firewall, sources)
        if "not reachable" in why or "has no public IP" in why:
            self.add(
                info(where, f"Subnet {name} sends 0.0.0.0/0 to firewall {fw_name}, but {why}.")
            )
            return
        self.firewall_id = fw_id
        self.add(info(where, f"Subnet {name} sends 0.0.0.0/0 to Azure Firewall {fw_name} ({ip})."))
        if firewall_decision(self.snap, firewall, PROBE_FQDN, sources) == "allow":
            self.egress_explained = True
            wide = [a for a in allowed if _opens_everything(a)]
            self.add(
                error(
                    fw_id,
                    f"Firewall {fw_name} lets the nodes reach any internet host (HTTPS to "
                    f"{PROBE_FQDN} is allowed" + (f" by {', '.join(wide)}" if wide else "") + ").",
                    "Replace wildcard rules (*, * FQDNs, 0.0.0.0/0) with the FQDNs the cluster "
                    "needs.",
                )
            )
        for entry in allowed:
            if entry not in self.egress_allowed:
                self.egress_allowed.append(entry)
        if allowed:
            self.add(
                info(
                    fw_id,
                    f"Firewall {fw_name} deliberately lets out: {', '.join(allowed)}.",
                )
            )

    # -- the registry path and the overall egress answer ----------------------------------------
    def registry(self) -> None:
        if artifact_source(self.cluster) != "Cache":
            return
        registry_id = (props(self.cluster).get("bootstrapProfile") or {}).get("containerRegistryId")
        if not registry_id:
            self.add(
                info(
                    self.cid,
                    "AKS-managed cache registry: AKS builds and reconciles its private path.",
                )
            )
            return
        found = registry_checks.path_findings(self.snap, self.cluster, str(registry_id))
        if not any(f.message.startswith("Registry path") for f in found):
            self.add(
                info(
                    str(registry_id),
                    f"Registry path to {last_segment(str(registry_id))} is complete: private "
                    "endpoint, both A records on its IPs, zone link, AcrPull.",
                )
            )
        self.findings += found

    def egress(self) -> None:
        for pool in self.pools() or [{}]:
            ok, why = netsim.egress_verdict(self.cluster, PROBE_FQDN, self.snap, pool.get("name"))
            if ok and not self.egress_explained:
                self.add(
                    error(
                        self.cid,
                        f"Node pool {pool.get('name')} reaches the internet: {why}.",
                    )
                )
                return

    def report(self) -> AuditReport:
        if not self.cluster:
            self.add(error(self.cid, "The cluster was not found."))
        else:
            self.settings()
            self.api_server()
            self.node_public_ips()
            self.subnets()
            self.registry()
            self.egress()
        self.findings += [info(self.cid, f"Audit {note}.") for note in self.snap.notes]
        if any(f.severity is Severity.ERROR for f in self.findings):
            verdict = Verdict.NOT_ISOLATED
        elif self.egress_allowed:
            verdict = Verdict.ISOLATED_VIA_FIREWALL
        else:
            verdict = Verdict.ISOLATED
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        profile = props(self.cluster).get("apiServerAccessProfile") or {}
        return AuditReport(
            cluster_id=self.cid,
            cluster_name=self.name,
            verdict=verdict,
            findings=tuple(sorted(self.findings, key=lambda f: order[f.severity])),
            egress_allowed=tuple(self.egress_allowed),
            outbound_type=outbound_type(self.cluster) if self.cluster else "",
            artifact_source=artifact_source(self.cluster) if self.cluster else "",
            api_server_mode=(
                "vnet_integration"
                if profile.get("enableVnetIntegration")
                else "private_link"
                if profile.get("enablePrivateCluster")
                else "public"
            ),
            firewall_id=self.firewall_id,
        )


def _opens_everything(entry: str) -> bool:
    target = entry.split(":", 1)[0].strip()
    if entry.startswith("FQDN tag "):
        return False
    return target in ("*", "0.0.0.0/0", "Internet", "Any") or fqdn_matches(target, PROBE_FQDN)


def audit(snapshot: Snapshot, cluster_id: str | None = None) -> AuditReport:
    """The audit report of `cluster_id` (default: the snapshot's cluster)."""
    return _Audit(snapshot, cluster_id or snapshot.cluster_id or "").report()
