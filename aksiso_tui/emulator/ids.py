"""Parsing ARM resource ids and request paths.

ARM ids look like ``/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name}
[/{childType}/{childName}...]``; extension resources hang below any scope
(``{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}``). Everything here is pure
string work, case-insensitive on the keywords, and returns ids with ARM's canonical keyword casing
(``subscriptions``, ``resourceGroups``, ``providers``) so the store, errors and router agree.
"""

from __future__ import annotations

from dataclasses import dataclass

RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups"
SUBSCRIPTION_TYPE = "Microsoft.Resources/subscriptions"


@dataclass(frozen=True)
class ResourceId:
    """A parsed resource id (or, with ``collection`` set, a path naming a list of resources).

    ``types``/``names`` are the segments after the *last* ``/providers/{namespace}``; for a
    resource group: ``("resourceGroups",)``/``(rg,)`` with namespace ``Microsoft.Resources``.
    """

    scope: str
    """Everything before the last ``/providers/`` ('' for a subscription, the subscription id for
    a resource group)."""
    namespace: str
    types: tuple[str, ...]
    names: tuple[str, ...]
    subscription: str | None = None
    resource_group: str | None = None

    @property
    def id(self) -> str:
        if self.namespace == "Microsoft.Resources" and self.types == ("subscriptions",):
            return f"/subscriptions/{self.names[0]}"
        if self.namespace == "Microsoft.Resources" and self.types == ("resourceGroups",):
            return f"{self.scope}/resourceGroups/{self.names[0]}"
        parts = [p for pair in zip(self.types, self.names, strict=False) for p in pair]
        if len(self.types) > len(self.names):
            parts.append(self.types[-1])
        return f"{self.scope}/providers/{self.namespace}/" + "/".join(parts)

    @property
    def full_type(self) -> str:
        """``Microsoft.Network/virtualNetworks/subnets``."""
        return self.namespace + "/" + "/".join(self.types)

    @property
    def type_path(self) -> str:
        """``Microsoft.Network/virtualNetworks/vnet1/subnets/s1`` (ARM's not-found wording)."""
        parts = [p for pair in zip(self.types, self.names, strict=False) for p in pair]
        return self.namespace + "/" + "/".join(parts)

    @property
    def name(self) -> str:
        return self.names[-1] if self.names else ""

    @property
    def is_resource_group(self) -> bool:
        return self.full_type.lower() == RESOURCE_GROUP_TYPE.lower()

    @property
    def is_subscription(self) -> bool:
        return self.full_type.lower() == SUBSCRIPTION_TYPE.lower()

    @property
    def is_child(self) -> bool:
        """True for nested resources (subnets, routes, record sets, agent pools...)."""
        return len(self.types) > 1

    @property
    def parent(self) -> str:
        """The id this one hangs below: the parent resource, else the scope."""
        if self.is_subscription:
            return ""
        if len(self.names) > 1:
            return self._with(self.types[:-1], self.names[:-1]).id
        return self.scope

    @property
    def collection_owner(self) -> ResourceId:
        """For a list or action path (one more type than names, e.g.
        ``.../virtualNetworks/v/subnets`` or ``.../managedClusters/c/runCommand``): the resource
        the collection or action belongs to."""
        return self._with(self.types[:-1], self.names)

    def _with(self, types: tuple[str, ...], names: tuple[str, ...]) -> ResourceId:
        return ResourceId(
            self.scope, self.namespace, types, names, self.subscription, self.resource_group
        )


def _segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s]


def _scope_from(segs: list[str]) -> tuple[str, str | None, str | None]:
    """Canonicalise a scope's keywords; returns (scope, subscription, resource_group)."""
    out: list[str] = []
    sub = rg = None
    i = 0
    while i < len(segs):
        low = segs[i].lower()
        if i == 0 and low == "subscriptions":
            out.append("subscriptions")
            if i + 1 < len(segs):
                sub = segs[i + 1]
        elif i == 2 and low == "resourcegroups" and sub is not None:
            out.append("resourceGroups")
            if i + 1 < len(segs):
                rg = segs[i + 1]
        elif low == "providers" and i % 2 == 0:
            out.append("providers")
        else:
            out.append(segs[i])
        i += 1
    return ("/" + "/".join(out)) if out else "", sub, rg


def parse_path(path: str) -> ResourceId | None:
    """Parse a request path or id. ``len(types) == len(names) + 1`` means a collection (or an
    action name on the parent: the router decides). Returns None for paths that are not ARM
    resource paths (``/subscriptions``, ``/subscriptions/{sub}/providers/{ns}``...)."""
    segs = _segments(path)
    low = [s.lower() for s in segs]
    last_providers = -1
    for i in range(len(segs) - 1, -1, -1):
        if low[i] == "providers" and i % 2 == 0 and i + 2 < len(segs):
            last_providers = i
            break
    if last_providers >= 0:
        scope, sub, rg = _scope_from(segs[:last_providers])
        rest = segs[last_providers + 2 :]
        return ResourceId(
            scope, segs[last_providers + 1], tuple(rest[0::2]), tuple(rest[1::2]), sub, rg
        )
    if len(segs) >= 2 and low[0] == "subscriptions":
        sub = segs[1]
        if len(segs) == 2:
            return ResourceId("", "Microsoft.Resources", ("subscriptions",), (sub,), sub, None)
        if low[2] == "resourcegroups" and len(segs) <= 4:
            names = (segs[3],) if len(segs) == 4 else ()
            rg = names[0] if names else None
            return ResourceId(
                f"/subscriptions/{sub}", "Microsoft.Resources", ("resourceGroups",), names, sub, rg
            )
    return None


def split_id(rid: str) -> ResourceId:
    """Parse a full resource id; raises ValueError for anything that is not one."""
    parsed = parse_path(rid)
    if parsed is None or len(parsed.types) != len(parsed.names) or not parsed.names:
        raise ValueError(f"not an ARM resource id: {rid!r}")
    return parsed


def canonical(rid: str) -> str:
    """``rid`` with ARM's keyword casing (names and types untouched)."""
    try:
        return split_id(rid).id
    except ValueError:
        return rid


def parent_id(rid: str) -> str:
    """Parent resource or scope of an id ('' for a subscription or a non-id)."""
    try:
        return split_id(rid).parent
    except ValueError:
        return ""


def resource_group_id(rid: str) -> str | None:
    """``/subscriptions/{sub}/resourceGroups/{rg}`` containing ``rid``, if any."""
    parsed = parse_path(rid)
    if parsed is None or parsed.subscription is None or parsed.resource_group is None:
        return None
    return f"/subscriptions/{parsed.subscription}/resourceGroups/{parsed.resource_group}"
