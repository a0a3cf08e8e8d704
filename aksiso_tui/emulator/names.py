"""Azure's resource naming rules, answered with the error codes ARM uses.

The SDKs never validate names client-side (``client_side_validation = False``), so a bad name
must be refused by the emulator, as Azure would. Rules come from Microsoft's "Naming rules and
restrictions for Azure resources" page; error codes and messages from what the services answer:

* Network RP (``InvalidResourceName``): "Resource name {name} is invalid. The name can be up to 80
  characters long. It must begin with a word character, and it must end with a word character or
  with '_'. The name may contain word characters or '.', '-', '_'." — used for every
  ``Microsoft.Network`` type; VNets and private endpoints are 2–64 characters per the docs.
* Resource groups (``InvalidResourceGroupName``): 1–90 characters of letters, digits (Unicode
  allowed), ``_ ( ) - .``, not ending in a period.
* Container registries: 5–50 alphanumerics, globally unique. The message is the one ACR tooling
  shows ("Registry names may contain only alpha numeric characters and must be between 5 and 50
  characters"); the error code the RP uses for it is not documented — ``InvalidResourceName`` is
  our best match (unconfirmed).
* Private DNS zones: 2–34 labels of letters, digits, ``_`` and ``-``, each label 1–63 characters,
  253 characters in all.

Pure stdlib; providers turn :class:`InvalidNameError` into an ARM 400 error body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class InvalidNameError(Exception):
    """A name Azure would refuse: the ARM error ``code`` and ``message`` to answer with."""

    code: str
    message: str

    def __str__(self) -> str:
        return f"({self.code}) {self.message}"


@dataclass(frozen=True)
class NameRule:
    """Length bounds, an allowed-character pattern and the error Azure gives on violation."""

    min_len: int
    max_len: int
    pattern: re.Pattern[str]
    code: str
    message: str  # str.format template with {name}, {min}, {max}

    def problem(self, name: str) -> InvalidNameError | None:
        """The error for ``name``, or None if Azure would accept it."""
        if self.min_len <= len(name) <= self.max_len and self.pattern.fullmatch(name):
            return None
        text = self.message.format(name=name, min=self.min_len, max=self.max_len)
        return InvalidNameError(self.code, text)


_NRP_MESSAGE = (
    "Resource name {name} is invalid. The name can be up to {max} characters long. It must begin "
    "with a word character, and it must end with a word character or with '_'. The name may "
    "contain word characters or '.', '-', '_'."
)
_NRP_PATTERN = re.compile(r"\w(?:[\w.-]*\w)?", re.ASCII)


def _nrp(min_len: int = 1, max_len: int = 80) -> NameRule:
    return NameRule(min_len, max_len, _NRP_PATTERN, "InvalidResourceName", _NRP_MESSAGE)


RESOURCE_GROUP = NameRule(
    1,
    90,
    re.compile(r"[-\w._()]*[-\w_()]"),
    "InvalidResourceGroupName",
    "The specified resource group name '{name}' is invalid. Resource group names only allow "
    "alphanumeric characters, periods, underscores, hyphens and parenthesis and cannot end in a "
    "period. Length must be between {min} and {max} characters.",
)

REGISTRY = NameRule(
    5,
    50,
    re.compile(r"[A-Za-z0-9]+"),
    "InvalidResourceName",
    "Registry names may contain only alpha numeric characters and must be between {min} and "
    "{max} characters. Name: '{name}'.",
)

CACHE_RULE = NameRule(
    5,
    50,
    re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*", re.ASCII),
    "InvalidResourceName",
    "Cache rule name '{name}' is invalid. It must be between {min} and {max} characters and may "
    "contain only alphanumerics, hyphens and underscores, starting with an alphanumeric.",
)

MANAGED_CLUSTER = NameRule(
    1,
    63,
    re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?"),
    "InvalidResourceName",
    "Resource name '{name}' is invalid. A managed cluster name must be {min} to {max} characters "
    "of letters, numbers, underscores and hyphens, and start and end with a letter or number.",
)

USER_ASSIGNED_IDENTITY = NameRule(
    3,
    128,
    re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*"),
    "InvalidResourceName",
    "Resource name '{name}' is invalid. A user assigned identity name must be {min} to {max} "
    "characters of letters, numbers, hyphens and underscores, and start with a letter or number.",
)

_DNS_LABEL = re.compile(r"[A-Za-z0-9_-]{1,63}")

#: Rules by lower-cased ARM resource type.
RULES: dict[str, NameRule] = {
    "microsoft.resources/resourcegroups": RESOURCE_GROUP,
    "microsoft.network/virtualnetworks": _nrp(2, 64),
    "microsoft.network/virtualnetworks/subnets": _nrp(),
    "microsoft.network/virtualnetworks/virtualnetworkpeerings": _nrp(),
    "microsoft.network/routetables": _nrp(),
    "microsoft.network/routetables/routes": _nrp(),
    "microsoft.network/publicipaddresses": _nrp(),
    "microsoft.network/networkinterfaces": _nrp(),
    "microsoft.network/networksecuritygroups": _nrp(),
    "microsoft.network/privateendpoints": _nrp(2, 64),
    "microsoft.network/azurefirewalls": _nrp(),
    "microsoft.network/firewallpolicies": _nrp(),
    "microsoft.network/firewallpolicies/rulecollectiongroups": _nrp(),
    "microsoft.network/privatednszones/virtualnetworklinks": _nrp(),
    "microsoft.containerregistry/registries": REGISTRY,
    "microsoft.containerregistry/registries/cacherules": CACHE_RULE,
    "microsoft.containerservice/managedclusters": MANAGED_CLUSTER,
    "microsoft.managedidentity/userassignedidentities": USER_ASSIGNED_IDENTITY,
}


def name_problem(resource_type: str, name: str) -> InvalidNameError | None:
    """The error Azure gives for ``name`` as a ``resource_type``, or None if it is fine.

    Types without a rule here are accepted (anything the URL router already matched).
    """
    rtype = resource_type.lower()
    if rtype == "microsoft.network/privatednszones":
        return private_dns_zone_problem(name)
    rule = RULES.get(rtype)
    return rule.problem(name) if rule else None


def validate_name(resource_type: str, name: str) -> None:
    """Raise :class:`InvalidNameError` if Azure would refuse ``name`` for ``resource_type``."""
    problem = name_problem(resource_type, name)
    if problem is not None:
        raise problem


def private_dns_zone_problem(name: str) -> InvalidNameError | None:
    """Private DNS zone names: 2–34 labels, each 1–63 of ``[A-Za-z0-9_-]``, 253 chars in all."""
    labels = name.rstrip(".").split(".")
    if (
        len(name) <= 253
        and 2 <= len(labels) <= 34
        and all(_DNS_LABEL.fullmatch(label) for label in labels)
    ):
        return None
    return InvalidNameError(
        "BadRequest",
        f"The zone name '{name}' is invalid. A private DNS zone name must have between 2 and 34 "
        "labels separated by periods; each label can contain letters, digits, underscores and "
        "hyphens and be up to 63 characters long.",
    )


def record_set_problem(relative_name: str) -> InvalidNameError | None:
    """A record set's relative name: ``@`` (apex), or labels (a leading ``*`` wildcard allowed)."""
    if relative_name == "@":
        return None
    labels = relative_name.split(".")
    if labels and labels[0] == "*":
        labels = labels[1:]
    if len(relative_name) <= 253 and all(_DNS_LABEL.fullmatch(label) for label in labels):
        return None
    return InvalidNameError(
        "BadRequest",
        f"The record set name '{relative_name}' is invalid. Each label can contain letters, "
        "digits, underscores and hyphens and be up to 63 characters long.",
    )
