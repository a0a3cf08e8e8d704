"""Findings: the one shape in which validation, pre-flight checks and audits report problems.

A finding says where (a field path such as `network.aks_subnet.prefix`, or an ARM id), what is
wrong, and how to fix it, so every front end can show it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    where: str
    message: str
    fix: str = ""

    def line(self) -> str:
        """One line for a terminal: `error: network.aks_subnet.prefix: ... (fix: ...)`."""
        text = f"{self.severity.value}: {self.where}: {self.message}"
        return f"{text} Fix: {self.fix}" if self.fix else text

    def to_dict(self) -> dict[str, str]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def error(where: str, message: str, fix: str = "") -> Finding:
    return Finding(Severity.ERROR, where, message, fix)


def warning(where: str, message: str, fix: str = "") -> Finding:
    return Finding(Severity.WARNING, where, message, fix)


def info(where: str, message: str, fix: str = "") -> Finding:
    return Finding(Severity.INFO, where, message, fix)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
