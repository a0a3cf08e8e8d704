"""``--tls``: HTTPS with a generated self-signed certificate, plus the minimal endpoints a client
needs to "sign in" against the emulator, so the official ``az`` CLI can be pointed at it
(README "Rehearse a script offline"):

* ``GET /metadata/endpoints``: the cloud metadata ``az cloud register --endpoint-resource-manager``
  reads (sign-in at this server, Azure's usual token audience);
* OpenID discovery (``/{tenant}/v2.0/.well-known/openid-configuration``), which MSAL fetches for
  its authority once instance discovery is off (``AZURE_CORE_INSTANCE_DISCOVERY=false``; otherwise
  it asks login.microsoftonline.com), and ``/common/discovery/instance``;
* the token endpoint: any client id/secret gets an unsigned JWT the emulator accepts like any other
  bearer token.

Uses ``cryptography`` (a declared dependency), imported only when TLS is asked for.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import ssl
import time
import uuid
from pathlib import Path

from aiohttp import web

from aksiso_tui.emulator.context import TENANT_ID
from aksiso_tui.emulator.middleware import PUBLIC_ROUTE_PREFIX


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """Write ``cert.pem``/``key.pem`` for localhost, 127.0.0.1 and ::1 into ``directory``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "aksiso emulator")])
    now = dt.datetime.now(dt.UTC)
    san = x509.SubjectAlternativeName(
        [
            x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.IPAddress(ipaddress.ip_address("::1")),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def server_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert_path, key_path)
    return ctx


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def fake_access_token(base: str, tenant: str, client_id: str) -> str:
    now = int(time.time())
    claims = {
        "aud": "https://management.azure.com/",
        "iss": f"{base}/{tenant}/",
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "tid": tenant,
        "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, client_id)),
        "appid": client_id,
        "sub": client_id,
    }
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


def _base(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


async def _openid_configuration(request: web.Request) -> web.Response:
    base, tenant = _base(request), request.match_info.get("tenant", TENANT_ID)
    return web.json_response(
        {
            "issuer": f"{base}/{tenant}/v2.0",
            "authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/{tenant}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/devicecode",
            "jwks_uri": f"{base}/{tenant}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "tenant_region_scope": None,
        }
    )


async def _instance_discovery(request: web.Request) -> web.Response:
    host = request.host
    return web.json_response(
        {
            "tenant_discovery_endpoint": f"{_base(request)}/{TENANT_ID}/v2.0/"
            ".well-known/openid-configuration",
            "api-version": "1.1",
            "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
        }
    )


async def _cloud_metadata(request: web.Request) -> web.Response:
    """ARM's cloud metadata (``GET /metadata/endpoints``), which ``az cloud register
    --endpoint-resource-manager URL`` reads to learn every other endpoint: sign-in goes to this
    server, the token audience stays Azure's so the CLI's scopes look as usual."""
    base = _base(request)
    return web.json_response(
        {
            "name": "AksisoEmulator",
            "portal": f"{base}/",
            "resourceManager": f"{base}/",
            "authentication": {
                "loginEndpoint": base,
                "audiences": [
                    "https://management.core.windows.net/",
                    "https://management.azure.com/",
                ],
                "tenant": "common",
                "identityProvider": "AAD",
            },
            "graph": "https://graph.windows.net/",
            "graphAudience": "https://graph.windows.net/",
            "microsoftGraphResourceId": "https://graph.microsoft.com/",
            "gallery": "https://gallery.azure.com/",
            "media": "https://rest.media.azure.net",
            "batch": "https://batch.core.windows.net/",
            "sqlManagement": "https://management.core.windows.net:8443/",
            "vmImageAliasDoc": f"{base}/_emulator/none",
            "activeDirectoryDataLake": "https://datalake.azure.net/",
            "suffixes": {
                "acrLoginServer": "azurecr.io",
                "keyVaultDns": "vault.azure.net",
                "storage": "core.windows.net",
                "sqlServerHostname": "database.windows.net",
                "azureDataLakeStoreFileSystem": "azuredatalakestore.net",
                "azureDataLakeAnalyticsCatalogAndJob": "azuredatalakeanalytics.net",
            },
        }
    )


async def _token(request: web.Request) -> web.Response:
    form = await request.post()
    client_id = str(form.get("client_id") or "aksiso-emulator-client")
    tenant = request.match_info.get("tenant", TENANT_ID)
    return web.json_response(
        {
            "token_type": "Bearer",
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": fake_access_token(_base(request), tenant, client_id),
        }
    )


def add_openid_routes(app: web.Application) -> None:
    """The identity endpoints (added before the ARM catch-all route)."""
    routes = [
        ("GET", "/{tenant}/v2.0/.well-known/openid-configuration", _openid_configuration),
        ("GET", "/{tenant}/.well-known/openid-configuration", _openid_configuration),
        ("GET", "/common/discovery/instance", _instance_discovery),
        ("POST", "/{tenant}/oauth2/v2.0/token", _token),
        ("POST", "/{tenant}/oauth2/token", _token),
        # az sends //metadata/... when the registered ARM endpoint ends with a slash
        ("GET", "/metadata/endpoints", _cloud_metadata),
        ("GET", "//metadata/endpoints", _cloud_metadata),
    ]
    for i, (method, path, handler) in enumerate(routes):
        app.router.add_route(method, path, handler, name=f"{PUBLIC_ROUTE_PREFIX}openid{i}")
