"""ARM-shaped errors for the emulator.

Every failure the emulator reports is an :class:`ArmError`; the server turns it into ARM's JSON body
``{"error": {"code", "message", "target"?, "details"?}}`` so the SDK's ``ARMErrorFormat`` surfaces
``e.error.code`` exactly as Azure would. The helpers build the errors that many providers need,
with ARM's real wording (see ``arm-reference/errors.md``); providers raise their own codes with
``ArmError(status, code, message)``.

Never attach ``Retry-After`` to an ordinary error: azure-core retries *any* status >= 400 that
carries it, for every HTTP method.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.emulator import ids


class ArmError(Exception):
    """An ARM error response: HTTP ``status`` plus the ``error`` object of the body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        target: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"({code}) {message}")
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.details = details
        self.headers = headers or {}

    def error_object(self) -> dict[str, Any]:
        """The ``error`` object, also used inside failed operation-status bodies."""
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.target is not None:
            err["target"] = self.target
        if self.details is not None:
            err["details"] = self.details
        return err

    def body(self) -> dict[str, Any]:
        return {"error": self.error_object()}


def not_found(rid: str) -> ArmError:
    """404 for a missing resource with ARM's wording.

    Resource groups answer ``ResourceGroupNotFound``; everything else ``ResourceNotFound`` naming
    the resource by its type path (``Microsoft.Network/virtualNetworks/vnet1/subnets/s1``).
    """
    parsed = ids.split_id(rid)
    if parsed.is_resource_group:
        return resource_group_not_found(parsed.resource_group or "")
    type_path = parsed.type_path
    if parsed.resource_group:
        where = f"under resource group '{parsed.resource_group}'"
    else:
        where = f"under scope '{parsed.scope or '/'}'"
    return ArmError(
        404,
        "ResourceNotFound",
        f"The Resource '{type_path}' {where} was not found. "
        "For more details please go to https://aka.ms/ARMResourceNotFoundFix",
    )


def resource_group_not_found(name: str) -> ArmError:
    return ArmError(404, "ResourceGroupNotFound", f"Resource group '{name}' could not be found.")


def parent_not_found(parent_rid: str) -> ArmError:
    """404 ``ParentResourceNotFound`` for a child whose parent resource is missing."""
    parent_names = "/".join(ids.split_id(parent_rid).names)
    return ArmError(
        404,
        "ParentResourceNotFound",
        "Can not perform requested operation on nested resource. "
        f"Parent resource '{parent_names}' not found.",
    )


def subscription_not_found(sub: str) -> ArmError:
    return ArmError(404, "SubscriptionNotFound", f"The subscription '{sub}' could not be found.")


def invalid_name(name: str, message: str | None = None) -> ArmError:
    """400 ``InvalidResourceName``; the default message is the Network RP's rule."""
    return ArmError(
        400,
        "InvalidResourceName",
        message
        or (
            f"Resource name {name} is invalid. The name can be up to 80 characters long. "
            "It must begin with a word character, and it must end with a word character or "
            "with '_'. The name may contain word characters or '.', '-', '_'."
        ),
    )


def conflict(code: str, message: str) -> ArmError:
    """409 (the SDK raises ``ResourceExistsError``)."""
    return ArmError(409, code, message)


def bad_request(message: str, code: str = "BadRequest", target: str | None = None) -> ArmError:
    return ArmError(400, code, message, target=target)


def invalid_request_content(message: str) -> ArmError:
    return ArmError(400, "InvalidRequestContent", message)


def missing_api_version() -> ArmError:
    return ArmError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
    )


def no_registered_provider(namespace: str, rtype: str, api_version: str) -> ArmError:
    return ArmError(
        404,
        "NoRegisteredProviderFound",
        f"No registered resource provider found for location 'global' and API version "
        f"'{api_version}' for type '{rtype}'. The namespace '{namespace}' is not served "
        "by the aksiso emulator.",
    )


def invalid_resource_type(namespace: str, rtype: str, api_version: str) -> ArmError:
    return ArmError(
        404,
        "InvalidResourceType",
        f"The resource type '{rtype}' could not be found in the namespace '{namespace}' "
        f"for api version '{api_version}'.",
    )


def method_not_allowed(method: str, path: str) -> ArmError:
    return ArmError(
        405,
        "MethodNotAllowed",
        f"The requested resource does not support http method '{method}'.",
        target=path,
    )
