"""What every validation module shares: the findings collector, safe attribute access, limits.

A Spec may hold anything (built with `model_construct`, mutated by the wizard), so checks read
values through `attr()` and compare through `same()`, which never raise.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from aksiso_tui import naming
from aksiso_tui.findings import Finding, error, info, warning
from aksiso_tui.plan.firewall_rules import AKS_FQDNS

MIN_KUBERNETES = (1, 30)
AZURE_RESERVED_PER_SUBNET = 5
PODS_PER_NODE_CNI = 30
SMALLEST_SUBNET = 29
APISERVER_SUBNET_LARGEST_PREFIX = 28
FIREWALL_SUBNET_LARGEST_PREFIX = 26
SERVICE_CIDR_SMALLEST_PREFIX = 12

GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")

K8S_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")

VM_SIZE = re.compile(r"[A-Za-z0-9_]+")

DNS_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")

PRIVATE_RANGES = tuple(
    ipaddress.IPv4Network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)
"""RFC 1918, plus the shared address space Azure also accepts as private."""

AZURE_REFUSED = tuple(
    (ipaddress.IPv4Network(n), why)
    for n, why in (
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "broadcast"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("168.63.129.16/32", "Azure's internal DNS/health address"),
        ("0.0.0.0/8", "'this network'"),
    )
)
"""Ranges Azure refuses in a VNet address space."""

AKS_RESERVED = tuple(
    ipaddress.IPv4Network(n) for n in ("172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")
)
"""Ranges the AKS docs say the cluster's address ranges must not use."""

AKS_REQUIRED_FQDNS = frozenset(AKS_FQDNS)
"""FQDNs aksiso already allows on a hub firewall for AKS itself (AZURE_FACTS.md)."""

Net = ipaddress.IPv4Network


def attr(obj: Any, *names: str) -> Any:
    """`obj.a.b.c`, or None as soon as any part is missing."""
    for name in names:
        if obj is None:
            return None
        try:
            obj = getattr(obj, name, None)
        except Exception:
            return None
    return obj


def given(obj: Any, name: str) -> bool:
    """Whether the operator set `name` (rather than it keeping its default)."""
    try:
        return name in (getattr(obj, "model_fields_set", None) or set())
    except Exception:
        return False


def same(value: Any, member: Any) -> bool:
    try:
        return bool(value == member)
    except Exception:
        return False


class Out:
    """Collects findings; one instance per `validate` call."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def error(self, where: str, message: str, fix: str) -> None:
        self.findings.append(error(where, message, fix))

    def warning(self, where: str, message: str, fix: str) -> None:
        self.findings.append(warning(where, message, fix))

    def info(self, where: str, message: str, fix: str = "") -> None:
        self.findings.append(info(where, message, fix))

    def name(self, where: str, value: Any, rule: naming.NameRule) -> None:
        problems = rule.problems(value)
        if not problems:
            return
        suggestion = rule.suggest(value)
        fix = (
            f"use e.g. {suggestion!r}"
            if suggestion
            else f"use {rule.min_len}-{rule.max_len} characters: {rule.allowed_text}, "
            f"starting with {rule.start_text} and ending with {rule.end_text}"
        )
        for problem in problems:
            self.error(where, problem, fix)

    def cidr(self, where: str, value: Any, what: str) -> Net | None:
        """Parse an IPv4 CIDR strictly; report why not and return None if it is not one."""
        example = "e.g. 192.168.1.0/24"
        if not isinstance(value, str) or not value:
            self.error(
                where, f"{what} is missing or not text ({value!r})", f"write a CIDR, {example}"
            )
            return None
        if value != value.strip():
            self.error(where, f"{what} {value!r} has surrounding spaces", f"use {value.strip()!r}")
            return None
        _, slash, length = value.partition("/")
        if not slash or not length.isdigit():
            self.error(
                where,
                f"{what} {value!r} is not in CIDR notation (address/prefix length)",
                f"add a prefix length, {example}",
            )
            return None
        try:
            net = ipaddress.ip_network(value, strict=True)
        except ValueError:
            try:
                loose = ipaddress.ip_network(value, strict=False)
            except ValueError:
                self.error(where, f"{what} {value!r} is not a valid CIDR", f"write one, {example}")
                return None
            self.error(
                where,
                f"{what} {value!r} has host bits set; {loose} is the network it lies in",
                f"use {loose}",
            )
            # Reported; keep checking the rest against the network it was meant to be.
            return loose if isinstance(loose, ipaddress.IPv4Network) else None
        if not isinstance(net, ipaddress.IPv4Network):
            self.error(where, f"{what} {value!r} is IPv6; aksiso supports IPv4 only", example)
            return None
        return net
