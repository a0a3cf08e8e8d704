"""Turning azure-core exceptions into the engine's :class:`StepError` (code, message, retryable).

azure-core already retried 429/5xx at the HTTP layer; what reaches us is Azure's final answer.
The code is ARM's `error.code` (what FIXES and the retry tables key on), never parsed from the
message. A few answers are transient even though their code is not in the engine's table: a busy
AKS cluster (`OperationNotAllowed` "Another operation ... is in progress"), server errors that
outlived azure-core's retries, and dropped connections. Messages never carry request headers, so
no token can leak through an error.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.engine import StepError

_TRANSIENT_STATUS = {408, 429, 500, 502, 503, 504}
_TRANSIENT_CODES = {
    "InternalOperationError",
    "InternalServerError",
    "ServiceUnavailable",
    "GatewayTimeout",
    "Conflict",
}


def step_error(exc: BaseException) -> StepError | None:
    """The StepError for an azure-core exception; None if `exc` is not one."""
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ServiceRequestError,
        ServiceResponseError,
    )

    if isinstance(exc, StepError):
        return exc
    if isinstance(exc, ClientAuthenticationError):
        return StepError(
            "AuthenticationFailed",
            "Azure refused the credential (expired or revoked login?).",
            "Sign in again (`az login`) and resume the run.",
        )
    if isinstance(exc, HttpResponseError):
        error: Any = exc.error
        status = exc.status_code or 0
        code = (getattr(error, "code", None) or "") if error is not None else ""
        message = (getattr(error, "message", None) or "") if error is not None else ""
        if not code:
            code = f"Http{status}" if status else "HttpResponseError"
        if not message:
            message = exc.message or str(exc)
        busy = code == "OperationNotAllowed" and "in progress" in message.lower()
        retryable = status in _TRANSIENT_STATUS or code in _TRANSIENT_CODES or busy
        return StepError(code, message.strip(), retryable=retryable, details={"status": status})
    if isinstance(exc, ServiceRequestError | ServiceResponseError):
        return StepError(
            "ConnectionError",
            f"could not reach Azure Resource Manager: {type(exc).__name__}: {exc}".strip(),
            "Check the network path to the ARM endpoint and resume the run.",
            retryable=True,
        )
    return None


def error_code(exc: BaseException) -> str:
    """ARM's error code of an azure-core exception ('' if none)."""
    err = step_error(exc)
    return err.code if err is not None else ""
