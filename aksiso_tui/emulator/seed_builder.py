"""Building a seed: ARM writes sent through the emulator's own dispatcher, completed at once.

The same PUTs a client would send, in process and without HTTP, so the providers validate them
and add what Azure adds. Each operation finishes immediately: a seed costs no virtual time.
"""

from __future__ import annotations

import uuid
from typing import Any

from aksiso_tui.emulator import handlers
from aksiso_tui.emulator.context import Ctx, Emulator
from aksiso_tui.netpath.aks_lookup import MANAGED_IDENTITY_OPERATOR, NETWORK_CONTRIBUTOR

LOCATION = "swedencentral"
API = {
    "Microsoft.Resources": "2024-03-01",
    "Microsoft.Network": "2024-05-01",
    "Microsoft.ContainerRegistry": "2025-04-01",
    "Microsoft.ManagedIdentity": "2023-01-31",
    "Microsoft.Authorization": "2022-04-01",
    "Microsoft.ContainerService": "2025-07-01",
}

Json = dict[str, Any]


class SeedError(RuntimeError):
    """A seed PUT was refused: the seed and the providers disagree (a bug, not user input)."""


class SeedBuilder:
    """Sends ARM writes through the dispatcher and completes them immediately."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.sub = f"/subscriptions/{emu.subscription_id}"

    def rg(self, name: str) -> str:
        return f"{self.sub}/resourceGroups/{name}"

    def put(self, path: str, body: Json, namespace: str | None = None) -> Json:
        ns = namespace or namespace_of(path)
        api = API.get(ns, API["Microsoft.Network"])
        ctx = Ctx(self.emu, "http://127.0.0.1", path, api, {"api-version": api}, "PUT")
        try:
            reply = handlers.dispatch(ctx, body)
        except Exception as exc:
            raise SeedError(f"demo seed: PUT {path} was refused: {exc}") from exc
        self.emu.ops.finish_all()
        stored = self.emu.store.get(path)
        if stored is None and isinstance(reply.body, dict):
            return reply.body
        return stored or {}

    def group(self, name: str) -> str:
        self.put(self.rg(name), {"location": LOCATION}, "Microsoft.Resources")
        return self.rg(name)

    def resource(self, rg: str, rtype: str, name: str, body: Json) -> Json:
        return self.put(f"{self.rg(rg)}/providers/{rtype}/{name}", body)

    def vnet(self, rg: str, name: str, space: str, subnets: dict[str, Json]) -> str:
        vnet = self.resource(
            rg,
            "Microsoft.Network/virtualNetworks",
            name,
            {"location": LOCATION, "properties": {"addressSpace": {"addressPrefixes": [space]}}},
        )
        for subnet, properties in subnets.items():
            self.put(f"{vnet['id']}/subnets/{subnet}", {"properties": properties})
        return str(vnet["id"])

    def identity(self, rg: str, name: str) -> Json:
        return self.resource(
            rg, "Microsoft.ManagedIdentity/userAssignedIdentities", name, {"location": LOCATION}
        )

    def role(self, scope: str, role: str, principal: str) -> None:
        name = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{scope}|{role}|{principal}".lower()))
        self.put(
            f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
            {
                "properties": {
                    "roleDefinitionId": f"{self.sub}/providers/Microsoft.Authorization/"
                    f"roleDefinitions/{role}",
                    "principalId": principal,
                    "principalType": "ServicePrincipal",
                }
            },
        )

    def cluster(self, rg: str, name: str, body: Json) -> Json:
        return self.resource(rg, "Microsoft.ContainerService/managedClusters", name, body)

    def byo_registry(self, rg: str, registry: str, vnet: str, acr_subnet: str) -> str:
        """Seed 000's registry path: Premium ACR, cache rule, private endpoint, zone, records."""
        acr = self.resource(
            rg,
            "Microsoft.ContainerRegistry/registries",
            registry,
            {
                "location": LOCATION,
                "sku": {"name": "Premium"},
                "properties": {
                    "publicNetworkAccess": "Disabled",
                    "anonymousPullEnabled": False,
                    "networkRuleSet": {"defaultAction": "Deny"},
                },
            },
        )
        self.put(
            f"{acr['id']}/cacheRules/aks-managed-mcr",
            {
                "properties": {
                    "sourceRepository": "mcr.microsoft.com/*",
                    "targetRepository": "aks-managed-repository/*",
                }
            },
        )
        pe = self.resource(
            rg,
            "Microsoft.Network/privateEndpoints",
            f"pe-{registry}",
            {
                "location": LOCATION,
                "properties": {
                    "subnet": {"id": acr_subnet},
                    "privateLinkServiceConnections": [
                        {
                            "name": f"connection-{registry}",
                            "properties": {
                                "privateLinkServiceId": acr["id"],
                                "groupIds": ["registry"],
                            },
                        }
                    ],
                },
            },
        )
        nic = self.emu.store.get(pe["properties"]["networkInterfaces"][0]["id"]) or {}
        ips = {
            c["properties"]["privateLinkConnectionProperties"]["requiredMemberName"]: c[
                "properties"
            ]["privateIPAddress"]
            for c in nic["properties"]["ipConfigurations"]
        }
        zone = self.resource(
            rg,
            "Microsoft.Network/privateDnsZones",
            "privatelink.azurecr.io",
            {"location": "global"},
        )
        self.put(
            f"{zone['id']}/virtualNetworkLinks/link-{vnet.rsplit('/', 1)[-1]}",
            {
                "location": "global",
                "properties": {"virtualNetwork": {"id": vnet}, "registrationEnabled": False},
            },
        )
        for record, member in (
            (registry, "registry"),
            (f"{registry}.{LOCATION}.data", f"registry_data_{LOCATION}"),
        ):
            self.put(
                f"{zone['id']}/A/{record}",
                {"properties": {"ttl": 3600, "aRecords": [{"ipv4Address": ips[member]}]}},
            )
        return str(acr["id"])

    def user_identities(self, rg: str, cluster: str, node_subnet: str) -> tuple[str, str, str]:
        """Control-plane and kubelet identities with the roles `az aks create` would grant."""
        cp = self.identity(rg, f"id-{cluster}-control-plane")
        kubelet = self.identity(rg, f"id-{cluster}-kubelet")
        cp_principal = str(cp["properties"]["principalId"])
        self.role(kubelet["id"], MANAGED_IDENTITY_OPERATOR, cp_principal)
        self.role(node_subnet, NETWORK_CONTRIBUTOR, cp_principal)
        return cp["id"], kubelet["id"], str(kubelet["properties"]["principalId"])


def namespace_of(path: str) -> str:
    parts = path.split("/providers/")
    if len(parts) < 2:
        return "Microsoft.Resources"
    return parts[-1].split("/", 1)[0]
