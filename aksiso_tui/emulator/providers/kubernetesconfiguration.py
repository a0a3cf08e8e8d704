"""Microsoft.KubernetesConfiguration: cluster extensions (Flux, Dapr, Azure ML, ...) on AKS.

Extensions are extension resources below a managed cluster
(`{cluster}/providers/Microsoft.KubernetesConfiguration/extensions/{name}`), so deleting the
cluster removes them. The emulator only stores them: pre-flight reads `extensionType` to find
the extensions network isolated clusters do not support yet.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.emulator.context import Ctx
from aksiso_tui.emulator.errors import ArmError
from aksiso_tui.emulator.routing import Provider, ResourceType, tracked_resource

EXTENSIONS = "Microsoft.KubernetesConfiguration/extensions"
_CLUSTER_SCOPE = "/providers/microsoft.containerservice/managedclusters/"


def _put_extension(
    ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None
) -> dict[str, Any]:
    scope = rid.lower().rsplit("/providers/microsoft.kubernetesconfiguration/", 1)[0]
    if _CLUSTER_SCOPE not in scope:
        raise ArmError(
            400,
            "InvalidParameter",
            "Cluster extensions can only be installed on a managed cluster.",
        )
    res = tracked_resource(rid, body, existing)
    res.pop("location", None)
    p = res["properties"]
    if not p.get("extensionType"):
        raise ArmError(400, "InvalidParameter", "properties.extensionType is required.")
    p.setdefault("autoUpgradeMinorVersion", True)
    p.setdefault("releaseTrain", "Stable")
    p.setdefault("configurationSettings", {})
    return res


PROVIDER = Provider(
    "Microsoft.KubernetesConfiguration",
    types=[ResourceType(EXTENSIONS, validate_put=_put_extension, duration=120)],
)
