"""Parse ARM resource ids into the pieces the SDK operations take as arguments."""

from __future__ import annotations

from dataclasses import dataclass

_AUTH = "/providers/microsoft.authorization/"


@dataclass(frozen=True)
class ArmId:
    subscription: str
    resource_group: str | None
    namespace: str | None
    types: tuple[str, ...]
    names: tuple[str, ...]
    scope: str | None = None
    """For extension resources (role assignments): the id of the resource they extend."""

    @property
    def type(self) -> str:
        if self.namespace is None:
            return "Microsoft.Resources/resourceGroups" if self.resource_group else ""
        return "/".join((self.namespace, *self.types))

    @property
    def name(self) -> str:
        return self.names[-1] if self.names else (self.resource_group or "")


def parse(rid: str) -> ArmId:
    """Split `/subscriptions/s/resourceGroups/rg/providers/NS/t1/n1/t2/n2` (any casing)."""
    lowered = rid.lower()
    scope: str | None = None
    if _AUTH in lowered:
        idx = lowered.rindex(_AUTH)
        scope = rid[:idx]
        tail = rid[idx + len("/providers/") :].strip("/").split("/")
        base = parse(scope) if scope.lower().startswith("/subscriptions/") else None
        return ArmId(
            subscription=base.subscription if base else "",
            resource_group=base.resource_group if base else None,
            namespace=tail[0],
            types=tuple(tail[1::2]),
            names=tuple(tail[2::2]),
            scope=scope,
        )
    parts = rid.strip("/").split("/")
    if len(parts) < 2 or parts[0].lower() != "subscriptions":
        raise ValueError(f"not an ARM id: {rid!r}")
    sub = parts[1]
    rg: str | None = None
    rest = parts[2:]
    if len(rest) >= 2 and rest[0].lower() == "resourcegroups":
        rg = rest[1]
        rest = rest[2:]
    if not rest:
        return ArmId(sub, rg, None, (), ())
    if rest[0].lower() != "providers" or len(rest) < 4:
        raise ValueError(f"not an ARM resource id: {rid!r}")
    ns = rest[1]
    pairs = rest[2:]
    return ArmId(sub, rg, ns, tuple(pairs[0::2]), tuple(pairs[1::2]))
