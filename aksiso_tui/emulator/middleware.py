"""aiohttp middlewares giving every answer ARM's envelope.

Outermost first: ``envelope`` (request ids, JSON errors for everything, the request log),
``arm_gate`` (bearer token and api-version, as ARM requires), ``inject_faults`` (``--faults``).
The ``/_emulator/`` control endpoints bypass the gate and the faults.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from aksiso_tui.emulator import errors
from aksiso_tui.emulator.errors import ArmError
from aksiso_tui.emulator.faults import Faults

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CONTROL_PREFIX = "/_emulator/"
REQUEST_LOG_KEY: web.AppKey[deque[dict[str, Any]]] = web.AppKey("request_log")
FAULTS_KEY: web.AppKey[Faults] = web.AppKey("faults")
_SECRET_QUERY_KEYS = ("secret", "password", "assertion", "access_token", "refresh_token", "code")
PUBLIC_ROUTE_PREFIX = "public-"


def _is_public(request: web.Request) -> bool:
    """Control endpoints and the OpenID endpoints of ``--tls``: no token, no faults."""
    if request.path.startswith(CONTROL_PREFIX):
        return True
    name = request.match_info.route.name
    return bool(name and name.startswith(PUBLIC_ROUTE_PREFIX))


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    text = None if body is None else json.dumps(body, separators=(",", ":"))
    return web.Response(
        status=status,
        text=text,
        content_type="application/json" if text is not None else None,
        charset="utf-8" if text is not None else None,
        headers=headers,
    )


def error_response(err: ArmError) -> web.Response:
    return json_response(err.status, err.body(), dict(err.headers))


def _safe_query(request: web.Request) -> dict[str, str]:
    return {
        k: ("***" if any(s in k.lower() for s in _SECRET_QUERY_KEYS) else v)
        for k, v in request.query.items()
    }


@web.middleware
async def envelope(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Request/correlation ids on every answer, ArmError -> JSON, and the request log."""
    started = time.perf_counter()
    try:
        response = await handler(request)
    except ArmError as err:
        response = error_response(err)
    except ConnectionResetError:
        raise  # an emulated dropped connection: nothing to answer
    except web.HTTPException as exc:
        code = "NotFound" if exc.status == 404 else exc.reason.replace(" ", "")
        response = json_response(exc.status, {"error": {"code": code, "message": exc.reason}})
    except Exception:
        log.exception("emulator: unhandled error for %s %s", request.method, request.path)
        response = json_response(
            500,
            {"error": {"code": "InternalServerError", "message": "Emulator internal error."}},
        )
    client_id = request.headers.get("x-ms-client-request-id")
    correlation = request.headers.get("x-ms-correlation-request-id") or client_id
    response.headers["x-ms-request-id"] = str(uuid.uuid4())
    response.headers["x-ms-correlation-request-id"] = correlation or str(uuid.uuid4())
    if client_id:
        response.headers["x-ms-client-request-id"] = client_id
    if request.method in ("GET", "HEAD"):
        response.headers["x-ms-ratelimit-remaining-subscription-reads"] = "11999"
    else:
        response.headers["x-ms-ratelimit-remaining-subscription-writes"] = "1199"
    if not request.path.startswith(CONTROL_PREFIX):
        request.app[REQUEST_LOG_KEY].append(
            {
                "method": request.method,
                "path": request.path,
                "query": _safe_query(request),
                "status": response.status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            }
        )
    return response


@web.middleware
async def arm_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """ARM's preconditions: a bearer token (any token on loopback) and an api-version."""
    if _is_public(request):
        return await handler(request)
    auth = request.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    if not auth:
        raise ArmError(
            401,
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
        )
    if scheme.lower() != "bearer" or not token.strip():
        raise ArmError(
            401,
            "InvalidAuthenticationToken",
            "The access token is invalid. The 'Authorization' header must be 'Bearer <token>'.",
        )
    if not request.query.get("api-version"):
        raise errors.missing_api_version()
    return await handler(request)


@web.middleware
async def inject_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Throttling, server errors and dropped connections, drawn per request (``--faults``)."""
    if _is_public(request):
        return await handler(request)
    faults = request.app[FAULTS_KEY]
    kind = faults.request_fault()
    if kind is None:
        return await handler(request)
    if kind == "drop":
        transport = request.transport
        if transport is not None:
            transport.abort()
        raise ConnectionResetError("emulated dropped connection")
    raise faults.error_for(kind)
