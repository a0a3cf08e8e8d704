"""Azure's naming rules for the resources aksiso names, as diagnoses a person can act on.

From Microsoft's "Naming rules and restrictions for Azure resources". Unlike ARM, which answers
one `InvalidResourceName` for anything wrong, a rule here says *what* is wrong (length, which
characters, first or last character, case) and proposes a corrected name.

Pure stdlib; used by `validate.py` (and usable by the wizard for live checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class NameRule:
    """Length bounds and character classes of one resource type's names."""

    what: str
    """How the message names the thing, e.g. "AKS cluster name"."""
    min_len: int
    max_len: int
    allowed: str
    """A regex character class of every character allowed anywhere, e.g. `[A-Za-z0-9_-]`."""
    allowed_text: str
    start: str
    start_text: str
    end: str
    end_text: str
    lowercase: bool = False

    def problems(self, name: object) -> list[str]:
        """Everything wrong with `name` (empty if Azure accepts it)."""
        if not isinstance(name, str):
            return [f"{self.what} must be text, not {type(name).__name__}"]
        if not name:
            return [f"{self.what} is empty"]
        found: list[str] = []
        if not self.min_len <= len(name) <= self.max_len:
            found.append(
                f"{self.what} {name!r} has {len(name)} character(s); "
                f"it must be {self.min_len}-{self.max_len}"
            )
        bad = sorted({ch for ch in name if not re.fullmatch(self.allowed, ch)})
        if bad:
            shown = " ".join(repr(ch) for ch in bad[:8])
            found.append(
                f"{self.what} {name!r} contains {shown}; only {self.allowed_text} are allowed"
            )
        if self.lowercase and name != name.lower():
            found.append(f"{self.what} {name!r} must be lowercase")
        if not re.fullmatch(self.start, name[0]) and name[0] not in bad:
            found.append(f"{self.what} {name!r} must start with {self.start_text}")
        if not re.fullmatch(self.end, name[-1]) and name[-1] not in bad:
            found.append(f"{self.what} {name!r} must end with {self.end_text}")
        return found

    def suggest(self, name: object) -> str | None:
        """A corrected name close to `name` that this rule accepts, or None."""
        if not isinstance(name, str):
            return None
        text = name.lower() if self.lowercase else name
        text = "".join(ch if re.fullmatch(self.allowed, ch) else "-" for ch in text)
        if not re.fullmatch(self.allowed, "-"):
            text = "".join(ch for ch in name.lower() if re.fullmatch(self.allowed, ch))
        text = re.sub(r"-{2,}", "-", text)[: self.max_len]
        while text and not re.fullmatch(self.start, text[0]):
            text = text[1:]
        while text and not re.fullmatch(self.end, text[-1]):
            text = text[:-1]
        if len(text) < self.min_len or self.problems(text):
            return None
        return text if text != name else None


_ALNUM = "[A-Za-z0-9]"
_NETWORK_CHARS = "letters, digits, '_', '.' and '-'"

RESOURCE_GROUP = NameRule(
    "resource group name",
    1,
    90,
    r"[\w().-]",
    "letters, digits, '_', '-', '.', '(' and ')'",
    r"[\w().-]",
    "a letter, digit or one of _-.()",
    r"[\w()-]",
    "a letter, digit or one of _-() (not a period)",
)
AKS_CLUSTER = NameRule(
    "AKS cluster name",
    1,
    63,
    "[A-Za-z0-9_-]",
    "letters, digits, '_' and '-'",
    _ALNUM,
    "a letter or digit",
    _ALNUM,
    "a letter or digit",
)
MANAGED_IDENTITY = NameRule(
    "managed identity name",
    3,
    128,
    "[A-Za-z0-9_-]",
    "letters, digits, '-' and '_'",
    _ALNUM,
    "a letter or digit",
    "[A-Za-z0-9_-]",
    "a letter, digit, '-' or '_'",
)
CONTAINER_REGISTRY = NameRule(
    "registry name",
    5,
    50,
    "[A-Za-z0-9]",
    "letters and digits",
    "[A-Za-z0-9]",
    "a letter or digit",
    "[A-Za-z0-9]",
    "a letter or digit",
    lowercase=True,
)


def _network_rule(what: str, min_len: int, max_len: int) -> NameRule:
    return NameRule(
        what,
        min_len,
        max_len,
        "[A-Za-z0-9_.-]",
        _NETWORK_CHARS,
        _ALNUM,
        "a letter or digit",
        "[A-Za-z0-9_]",
        "a letter, digit or '_'",
    )


VIRTUAL_NETWORK = _network_rule("VNet name", 2, 64)
SUBNET = _network_rule("subnet name", 1, 80)
PRIVATE_ENDPOINT = _network_rule("private endpoint name", 2, 64)
FIREWALL = _network_rule("firewall name", 1, 80)

RESERVED_SUBNET_NAMES: dict[str, str] = {
    "azurefirewallsubnet": "AzureFirewallSubnet (Azure Firewall)",
    "azurefirewallmanagementsubnet": "AzureFirewallManagementSubnet (Azure Firewall)",
    "gatewaysubnet": "GatewaySubnet (VPN/ExpressRoute gateways)",
    "azurebastionsubnet": "AzureBastionSubnet (Azure Bastion)",
    "routeserversubnet": "RouteServerSubnet (Azure Route Server)",
}
"""Subnet names Azure reserves for one service; a cluster's own subnets must not use them."""
