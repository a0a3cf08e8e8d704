"""Kubernetes versions the emulated AKS offers, and how a requested version resolves.

One table serves the `locations/{loc}/kubernetesVersions` endpoint (the shape of the SDK's
`KubernetesVersionListResult`) and the validation of `kubernetesVersion` /
`orchestratorVersion` in cluster and agent-pool PUTs. Every location offers the same list.

1.29 is kept as a long-term-support-only minor (`capabilities.supportPlan` lists only
`AKSLongTermSupport`): it is listed and accepted, so the demo seed can hold a 1.29 cluster to
migrate, and the network-isolation rules reject it (they need 1.30 or later).
"""

from __future__ import annotations

from dataclasses import dataclass

LTS_ONLY = ["AKSLongTermSupport"]
BOTH_PLANS = ["KubernetesOfficial", "AKSLongTermSupport"]


@dataclass(frozen=True)
class Minor:
    """One major.minor release with its patch versions, oldest patch first."""

    version: str
    patches: tuple[str, ...]
    support_plans: tuple[str, ...]
    is_default: bool = False
    is_preview: bool = False


MINORS: tuple[Minor, ...] = (
    Minor("1.29", ("1.29.13", "1.29.14", "1.29.15"), tuple(LTS_ONLY)),
    Minor("1.30", ("1.30.3", "1.30.10", "1.30.12", "1.30.14"), tuple(BOTH_PLANS)),
    Minor("1.31", ("1.31.2", "1.31.7", "1.31.9", "1.31.10"), tuple(BOTH_PLANS)),
    Minor("1.32", ("1.32.4", "1.32.5", "1.32.6"), tuple(BOTH_PLANS), is_default=True),
    Minor("1.33", ("1.33.1", "1.33.2"), tuple(BOTH_PLANS)),
    Minor("1.34", ("1.34.0",), ("KubernetesOfficial",), is_preview=True),
)


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def default_version() -> str:
    """The newest patch of the default minor: what an empty `kubernetesVersion` resolves to."""
    minor = next(m for m in MINORS if m.is_default)
    return minor.patches[-1]


def resolve(version: str | None) -> str | None:
    """Resolve `""`/None to the default, `1.31` to its newest patch, `1.31.7` to itself.

    Returns None when the version is not offered.
    """
    if not version:
        return default_version()
    text = version.strip()
    for minor in MINORS:
        if text == minor.version:
            return minor.patches[-1]
        if text in minor.patches:
            return text
    return None


def is_at_least(version: str, minimum: str) -> bool:
    """True when `version` (major.minor[.patch]) is >= `minimum`."""
    try:
        have = _key(version)
        want = _key(minimum)
    except ValueError:
        return False
    return have[: len(want)] >= want


def kubernetes_version_list() -> dict[str, object]:
    """The body of `GET .../locations/{loc}/kubernetesVersions` (KubernetesVersionListResult)."""
    values: list[dict[str, object]] = []
    all_patches = [p for m in MINORS for p in m.patches]
    for minor in MINORS:
        patch_versions: dict[str, object] = {}
        for patch in minor.patches:
            upgrades = [p for p in all_patches if _key(p) > _key(patch)]
            # AKS only offers upgrades to the same or the next minor.
            nxt = (_key(patch)[0], _key(patch)[1] + 1)
            upgrades = [u for u in upgrades if _key(u)[:2] <= nxt]
            patch_versions[patch] = {"upgrades": upgrades}
        entry: dict[str, object] = {
            "version": minor.version,
            "capabilities": {"supportPlan": list(minor.support_plans)},
            "patchVersions": patch_versions,
        }
        if minor.is_default:
            entry["isDefault"] = True
        if minor.is_preview:
            entry["isPreview"] = True
        values.append(entry)
    return {"values": values}


def orchestrators_list(location: str) -> dict[str, object]:
    """The older `orchestrators` shape, for clients that still ask for it."""
    orchestrators: list[dict[str, object]] = []
    all_patches = [p for m in MINORS for p in m.patches]
    for minor in MINORS:
        for patch in minor.patches:
            upgrades = [
                {"orchestratorType": "Kubernetes", "orchestratorVersion": u}
                for u in all_patches
                if _key(u) > _key(patch) and _key(u)[:2] <= (_key(patch)[0], _key(patch)[1] + 1)
            ]
            item: dict[str, object] = {
                "orchestratorType": "Kubernetes",
                "orchestratorVersion": patch,
                "upgrades": upgrades,
            }
            if minor.is_default and patch == minor.patches[-1]:
                item["default"] = True
            if minor.is_preview:
                item["isPreview"] = True
            orchestrators.append(item)
    return {
        "id": f"providers/Microsoft.ContainerService/locations/{location}/orchestrators",
        "name": "default",
        "type": "Microsoft.ContainerService/locations/orchestrators",
        "properties": {"orchestrators": orchestrators},
    }
