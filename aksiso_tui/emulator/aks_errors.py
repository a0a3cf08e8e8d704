"""The error a rejected managed-cluster PUT raises, and where each ARM code it uses comes from.

The provider turns a `RuleError` into ARM's `{"error": {...}}` body.
"""

from __future__ import annotations

from dataclasses import dataclass

# code -> (confirmed?, where it comes from). Documentation only; the tests assert the codes.
CODES: dict[str, str] = {
    "AgentPoolK8sVersionNotSupported": "confirmed (public AKS error reports)",
    "BootstrapArtifactSourceNotAllowed": "confirmed for ServicePrincipalCluster and Cache->Direct;"
    " reused (guess) for Windows pools, kubenet, Kubernetes < 1.30, Unmanaged node OS channel",
    "InvalidNetworkIsolatedClusterConfiguration": "confirmed (outbound none/block without Cache;"
    " Cache + none in one update; outbound none before reimage)",
    "SubnetIsDelegated": "confirmed (message from public reports)",
    "SubnetNotFound": "confirmed (message from public reports)",
    "CustomKubeletIdentityMissingPermissionError": "named in the brief as the real code",
    "ExistingRouteTableNotAssociatedWithSubnet": "known AKS code for UDR without a route table",
    "PropertyChangeNotAllowed": "known AKS code for immutable properties",
    "InvalidRequestContent": "ARM code for unknown fields (message shape guessed)",
    "InvalidParameter": "generic AKS code; used for block/custom VNet (message by analogy with"
    " managedNATGateway), block on a stable api-version, API-server subnet rules, missing"
    " identities and registries (guesses)",
    "LinkedAuthorizationFailed": "ARM code; used (guess) when the control-plane identity lacks"
    " Network Contributor on the API-server subnet",
}


@dataclass
class RuleError(Exception):
    """A rejected PUT: HTTP status, ARM error code and message."""

    status: int
    code: str
    message: str
    target: str | None = None

    def __str__(self) -> str:
        return f"({self.code}) {self.message}"


def bad(code: str, message: str, target: str | None = None) -> RuleError:
    """A 400 `RuleError` (what nearly every rule answers)."""
    return RuleError(400, code, message, target)
