"""Step errors: what went wrong, whether waiting helps, and what the user should do about it.

A :class:`StepError` is both the exception an executor raises and the data the events, journal
and summary carry. The runner retries a failed attempt when the error says ``retryable`` or its
code is one of Azure's documented eventual-consistency errors (:data:`RETRYABLE_CODES`).
azure-core already retries 429/5xx honouring ``Retry-After`` at the HTTP layer; the codes here are
failures that ARM reports as ordinary 4xx answers (or as a ``Failed`` long-running operation) but
that go away once replication or another write has finished.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INTERNAL_ERROR = "InternalError"
"""The code for an unexpected exception in an executor: a bug in aksiso, never Azure's answer."""

UNRESOLVED_REFERENCE = "UnresolvedReference"
"""A step's body references an output that the producing step did not record."""


@dataclass(eq=True)
class StepError(Exception):
    """An Azure (or engine) error for one step, with a suggested fix."""

    code: str
    message: str
    fix: str = ""
    retryable: bool = False
    """The executor knows that waiting and retrying helps (besides :data:`RETRYABLE_CODES`)."""
    details: dict[str, Any] | None = field(default=None)

    __hash__ = Exception.__hash__

    def __post_init__(self) -> None:
        super().__init__(f"({self.code}) {self.message}")

    def __str__(self) -> str:
        return f"({self.code}) {self.message}"

    def with_fix(self, kind: str | None = None) -> StepError:
        """This error with :func:`suggest_fix`'s advice filled in when the executor gave none."""
        if self.fix:
            return self
        fix = suggest_fix(self.code, kind)
        if not fix:
            return self
        return StepError(self.code, self.message, fix, self.retryable, self.details)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fix:
            data["fix"] = self.fix
        if self.retryable:
            data["retryable"] = True
        if self.details is not None:
            data["details"] = self.details
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepError:
        return cls(
            code=str(data.get("code", "")),
            message=str(data.get("message", "")),
            fix=str(data.get("fix", "")),
            retryable=bool(data.get("retryable", False)),
            details=data.get("details"),
        )


RETRYABLE_CODES: dict[str, str] = {
    "PrincipalNotFound": (
        "A managed identity created seconds ago is not yet replicated in Entra ID; role "
        "assignments to it fail until it is. Microsoft documents retrying (propagation can "
        "take minutes)."
    ),
    "AnotherOperationInProgress": (
        "ARM serializes writes to one VNet (and to one cluster): a subnet, peering or route-table "
        "write fails while another write on the same parent runs. It succeeds once that finishes."
    ),
    "RetryableError": (
        "The network resource provider's own 'try again' code (e.g. a transient conflict in its "
        "internal state); documented as safe to retry."
    ),
    "ReferencedResourceNotProvisioned": (
        "A referenced resource (subnet, VNet, NIC) is still Updating after a previous write; the "
        "reference is accepted once it reaches Succeeded."
    ),
    "OperationPreempted": (
        "AKS cancelled this operation because a newer one on the same cluster started; the ensure "
        "re-reads the cluster and sends what is still needed."
    ),
    "TooManyRequests": (
        "azure-core already retried throttling honouring Retry-After and gave up; "
        "subscription-level throttling windows can outlast its retries, so wait more within "
        "the step's budget."
    ),
}
"""Codes the runner always retries, each with why waiting helps. Every retry happens inside the
step's total budget, so a code that is not transient after all ends as a failed step, not a hang."""

RETRYABLE_AFTER_ROLE_ASSIGNMENT: dict[str, str] = {
    "AuthorizationFailed": (
        "Role assignments take effect after propagation (up to 30 minutes in the worst case): a "
        "cluster create using an identity that was granted a role moments ago can be refused."
    ),
    "LinkedAuthorizationFailed": (
        "As AuthorizationFailed, for the permission on a linked resource (subnet, registry)."
    ),
}
"""Codes retried only when this run has just written a role assignment: otherwise the caller
really lacks the permission and waiting would only hide that for the whole budget."""

NOT_RETRYABLE: dict[str, str] = {
    "InUseSubnetCannotBeDeleted": (
        "Something (a NIC, a private endpoint, a cluster) still sits in the subnet. That is not "
        "eventual consistency while creating; `destroy` deletes in reverse order instead."
    ),
    "NetcfgSubnetRangesOverlap": (
        "The address prefixes really overlap; validation should have caught it. Waiting won't help."
    ),
    "SubnetIsFull": "The subnet has no free addresses; it needs a larger prefix.",
    "RoleAssignmentExists": (
        "Not a failure: an executor treats it as 'unchanged'. Listed so nobody retries on it."
    ),
}
"""Codes that look transient but are not, with why. Documentation only; the runner never retries
codes that are in neither table unless the executor marks the error ``retryable``."""


def is_retryable(error: StepError, *, role_assignment_written: bool = False) -> bool:
    """Whether waiting and retrying the whole (idempotent) step can help."""
    if error.retryable or error.code in RETRYABLE_CODES:
        return True
    return role_assignment_written and error.code in RETRYABLE_AFTER_ROLE_ASSIGNMENT


FIXES: dict[str, str] = {
    "AlreadyInUse": "The name is taken by another resource; choose another name.",
    "RegistryNameNotAvailable": (
        "Registry names are global across Azure; choose another registry.name."
    ),
    "BootstrapArtifactSourceNotAllowed": (
        "Some clusters cannot switch artifactSource from 'Cache' back to 'Direct'. Keep Cache and "
        "allow egress instead (outbound loadBalancer or a hub firewall), or open a support case."
    ),
    "InvalidNetworkIsolatedClusterConfiguration": (
        "Migrate in AKS's order: first set bootstrapProfile.artifactSource=Cache, then reimage "
        "every node pool (node-image upgrade) and wait, and only then set outboundType=none. "
        "Use `scenario: migrate`, which plans exactly that."
    ),
    "PrincipalNotFound": (
        "The identity has not replicated in Entra ID yet. Resume the run in a few minutes; role "
        "assignments are sent with principalType ServicePrincipal to shorten the wait."
    ),
    "AnotherOperationInProgress": (
        "Another write on the same VNet or cluster is running (maybe from another tool). Wait for "
        "it to finish, then resume the run."
    ),
    "AuthorizationFailed": (
        "The signed-in identity lacks permission for this operation; it needs Owner, or "
        "Contributor plus User Access Administrator, on the resource group. If a role was granted "
        "moments ago, resume the run after it has propagated."
    ),
    "LinkedAuthorizationFailed": (
        "The signed-in identity lacks permission on a linked resource (a subnet, a registry); "
        "grant it there, or resume after a recent role assignment has propagated."
    ),
    "SubnetIsDelegated": (
        "The AKS node subnet must not be delegated; remove the delegation or choose another subnet."
    ),
    "NetcfgSubnetRangesOverlap": "Choose subnet prefixes that do not overlap (`aksiso validate`).",
    "SubnetIsFull": "Use a larger prefix for the subnet, or a different subnet.",
    "InUseSubnetCannotBeDeleted": "Delete what is in the subnet first (private endpoints, NICs).",
    "QuotaExceeded": (
        "Request more vCPU quota for this VM family in this region, or choose a smaller "
        "cluster.vm_size or cluster.node_count."
    ),
    "OperationNotAllowed": (
        "Usually a quota limit; read the message, then request quota or change the size or region."
    ),
    "SkuNotAvailable": "The VM size is not offered in this region or zone; choose another vm_size.",
    "MissingSubscriptionRegistration": (
        "Register the resource provider: az provider register --namespace <namespace> --wait."
    ),
    "NoRegisteredProviderFound": (
        "The api-version or location is not supported for this resource type; upgrade aksiso or "
        "choose another location."
    ),
    "ResourceGroupNotFound": "Create the resource group (the plan does, unless it was deleted).",
    "ServicePrincipalCluster": (
        "Network isolated clusters need managed identity; migrate the cluster off its service "
        "principal first (az aks update --enable-managed-identity)."
    ),
    "TooManyRequests": "Azure is throttling this subscription; resume the run in a few minutes.",
    INTERNAL_ERROR: (
        "This is a bug in aksiso, not an Azure error. Report it with the run's journal file; "
        "resuming the run may get past it."
    ),
    UNRESOLVED_REFERENCE: (
        "A value this step needs was not recorded by an earlier step (or was a secret, which is "
        "never journaled). Resume the run so the earlier step is re-read."
    ),
}
"""Suggested fixes per Azure error code, shown in the run's summary."""

_KIND_FIXES: dict[tuple[str, str], str] = {
    ("AlreadyInUse", "microsoft.containerregistry/registries"): FIXES["RegistryNameNotAvailable"],
}


def suggest_fix(code: str, kind: str | None = None) -> str:
    """The advice for an error code, refined by the step's kind when that matters."""
    if kind:
        specific = _KIND_FIXES.get((code, kind.lower()))
        if specific:
            return specific
    return FIXES.get(code, "")
