"""An in-memory copy of the ARM resources around one cluster: the `Lookup` the audit reads.

`aksiso_tui.azure.gather` fills it through the Azure SDK (wire-format dicts, as ARM returns
them); the pure network-path logic in `aksiso_tui.netpath` and the pre-flight and audit checks
read it exactly as the emulator's network simulator reads the emulator's store. Ids are compared
lower-cased, as ARM does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]


def type_of(rid: str) -> str:
    """The ARM resource type an id names (`.../virtualNetworks/v/subnets/s` -> `.../subnets`)."""
    parts = rid.strip("/").split("/")
    lowered = [p.lower() for p in parts]
    if "providers" not in lowered:
        return "Microsoft.Resources/resourceGroups" if "resourcegroups" in lowered else ""
    index = len(lowered) - 1 - lowered[::-1].index("providers")
    namespace, rest = parts[index + 1], parts[index + 2 :]
    return "/".join([namespace, *rest[0::2]])


@dataclass
class Snapshot:
    """ARM resources by lower-cased id, plus what pre-flight needs that is not a resource."""

    resources: dict[str, Json] = field(default_factory=dict)
    cluster_id: str | None = None
    """The cluster this snapshot was gathered for."""
    extensions: list[Json] = field(default_factory=list)
    """The cluster's extensions (Microsoft.KubernetesConfiguration/extensions)."""
    kubernetes_versions: list[str] = field(default_factory=list)
    """Patch versions the cluster's region offers (for the upgrade path), oldest first."""
    notes: list[str] = field(default_factory=list)
    """What could not be read (permissions, missing providers): shown as info findings."""

    # -- the Lookup protocol ---------------------------------------------------------------
    def get(self, rid: str) -> Json | None:
        return self.resources.get(rid.rstrip("/").lower())

    def list_by_type(self, rtype: str, scope: str | None = None) -> list[Json]:
        wanted = rtype.lower()
        prefix = scope.rstrip("/").lower() + "/" if scope else ""
        return [
            res
            for key, res in self.resources.items()
            if str(res.get("type") or type_of(key)).lower() == wanted and key.startswith(prefix)
        ]

    # -- filling -----------------------------------------------------------------------------
    def add(self, resource: Json | None) -> Json | None:
        """Store a resource (wire format) under its id; fills a missing `type` from the id."""
        if not resource or not resource.get("id"):
            return None
        rid = str(resource["id"])
        if not resource.get("type") or "/" not in str(resource["type"]):
            resource = {**resource, "type": type_of(rid)}
        self.resources[rid.rstrip("/").lower()] = resource
        return resource

    @property
    def cluster(self) -> Json:
        """The cluster (with `agentPoolProfiles`), or an empty dict."""
        return (self.get(self.cluster_id) if self.cluster_id else None) or {}
