"""Running the emulator: the aiohttp application, :class:`EmulatorServer` (async context
manager), :class:`EmulatorThread` (the same in a background thread, for sync code) and
:func:`serve` (the ``aksiso emulator`` command).

The server binds loopback only: it accepts any bearer token, so it must never be reachable from
another machine.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import signal
import sys
import tempfile
import threading
from collections import deque
from pathlib import Path
from typing import Any

from aiohttp import web

from aksiso_tui.emulator import handlers
from aksiso_tui.emulator.context import Ctx, Emulator
from aksiso_tui.emulator.errors import ArmError, invalid_request_content
from aksiso_tui.emulator.faults import FaultConfig, Faults
from aksiso_tui.emulator.lro import Clock
from aksiso_tui.emulator.middleware import (
    FAULTS_KEY,
    REQUEST_LOG_KEY,
    arm_gate,
    envelope,
    inject_faults,
    json_response,
)
from aksiso_tui.emulator.routing import Registry
from aksiso_tui.emulator.store import Store
from aksiso_tui.emulator.tls import add_openid_routes, make_certificate, server_context

EMULATOR_KEY: web.AppKey[Emulator] = web.AppKey("emulator")
REQUEST_LOG_SIZE = 20_000
SAVE_DEBOUNCE_SECONDS = 0.2
_SLASHES = re.compile(r"/{2,}")


def check_loopback(host: str) -> None:
    """Refuse anything but a loopback address: the emulator trusts every token."""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(
        f"the emulator binds loopback only (127.0.0.1, ::1 or localhost), not {host!r}: "
        "it accepts any token, so it must not be reachable from other machines"
    )


def default_registry() -> Registry:
    from aksiso_tui.emulator.providers import load_providers

    return Registry(load_providers())


async def _arm(request: web.Request) -> web.StreamResponse:
    emu = request.app[EMULATOR_KEY]
    body: Any = None
    if request.can_read_body:
        raw = await request.read()
        if raw.strip():
            try:
                body = json.loads(raw)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise invalid_request_content(
                    f"The request content was invalid and could not be deserialized: {exc}."
                ) from None
    ctx = Ctx(
        emu,
        base_url=f"{request.scheme}://{request.host}",
        path=_SLASHES.sub("/", request.path).rstrip("/") or "/",
        api_version=request.query.get("api-version", ""),
        query=dict(request.query),
        method=request.method,
    )
    reply = handlers.dispatch(ctx, body)
    return json_response(
        reply.status, None if request.method == "HEAD" else reply.body, reply.headers
    )


async def _requests(request: web.Request) -> web.StreamResponse:
    entries = request.app[REQUEST_LOG_KEY]
    return json_response(200, [*entries])


async def _state(request: web.Request) -> web.StreamResponse:
    request.app[EMULATOR_KEY].ops.settle()
    return json_response(200, request.app[EMULATOR_KEY].store.dump())


async def _reset(request: web.Request) -> web.StreamResponse:
    emu = request.app[EMULATOR_KEY]
    emu.ops.clear()
    emu.store.clear()
    emu.runtime.clear()
    request.app[REQUEST_LOG_KEY].clear()
    return json_response(200, {"status": "reset"})


async def _advance(request: web.Request) -> web.StreamResponse:
    """Jump the virtual clock: ``POST /_emulator/advance?seconds=600``."""
    emu = request.app[EMULATOR_KEY]
    try:
        seconds = float(request.query.get("seconds", "0"))
    except ValueError:
        raise invalid_request_content("seconds must be a number") from None
    emu.clock.advance(seconds)
    emu.ops.settle()
    return json_response(200, {"advanced": seconds})


def create_app(emu: Emulator, faults: Faults, *, openid: bool = False) -> web.Application:
    """The aiohttp application serving ``emu``."""
    app = web.Application(middlewares=[envelope, arm_gate, inject_faults], client_max_size=32 << 20)
    app[EMULATOR_KEY] = emu
    app[FAULTS_KEY] = faults
    app[REQUEST_LOG_KEY] = deque(maxlen=REQUEST_LOG_SIZE)
    app.router.add_get("/_emulator/requests", _requests)
    app.router.add_get("/_emulator/state", _state)
    app.router.add_post("/_emulator/reset", _reset)
    app.router.add_post("/_emulator/advance", _advance)
    if openid:
        add_openid_routes(app)
    app.router.add_route("*", "/{tail:.*}", _arm)
    return app


def _settle_loaded(emu: Emulator) -> None:
    """A state file saved mid-operation: finish what was in flight as if it had succeeded."""
    for res in list(emu.store):
        state = (res.get("properties") or {}).get("provisioningState")
        if state == "Deleting":
            Ctx(emu, "", "/", "", {}).delete_tree(res["id"])
        elif state in ("Creating", "Updating", "Accepted"):
            Ctx(emu, "", "/", "", {}).set_provisioning_state(res["id"], "Succeeded")


class EmulatorServer:
    """``async with EmulatorServer(time_scale=0.0) as emu: emu.base_url``."""

    def __init__(
        self,
        time_scale: float = 0.0,
        faults: str | FaultConfig | None = None,
        seed: str | None = None,
        state_file: str | Path | None = None,
        port: int = 0,
        host: str = "127.0.0.1",
        registry: Registry | None = None,
        tls: bool = False,
        tls_dir: str | Path | None = None,
    ) -> None:
        check_loopback(host)
        self.tls = tls
        self.tls_dir = Path(tls_dir) if tls_dir else None
        self.ca_cert_path: Path | None = None
        """With ``tls``: the self-signed certificate clients must trust."""
        self.host = host
        self.port = port
        self.state_file = Path(state_file) if state_file else None
        cfg = faults if isinstance(faults, FaultConfig) else FaultConfig.parse(faults)
        self.clock = Clock(time_scale)
        self.faults = Faults(cfg, time_scale=time_scale)
        store = Store.load(self.state_file) if self.state_file else Store()
        self.emulator = Emulator(store, registry or default_registry(), self.clock, self.faults)
        _settle_loaded(self.emulator)
        if seed:
            from aksiso_tui.emulator.seeds import apply_seed

            apply_seed(seed, self.emulator)
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._save_handle: asyncio.Handle | None = None
        self._save_pending = False

    @property
    def state(self) -> Store:
        return self.emulator.store

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self.state_file:
            self.state.add_listener(self._schedule_save)
        ssl_context = None
        if self.tls:
            directory = self.tls_dir or Path(tempfile.mkdtemp(prefix="aksiso-emulator-tls-"))
            self.ca_cert_path, key_path = make_certificate(directory)
            ssl_context = server_context(self.ca_cert_path, key_path)
        app = create_app(self.emulator, self.faults, openid=self.tls)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, self.host, self.port, ssl_context=ssl_context, reuse_address=True
        )
        await site.start()
        sockets = getattr(site._server, "sockets", None)
        if sockets:
            self.port = sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._save_handle is not None:
            self._save_handle.cancel()
        self.save_now()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> EmulatorServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def save_now(self) -> None:
        """Write the state file now (no-op without ``state_file``)."""
        self._save_pending = False
        if self.state_file:
            self.state.save(self.state_file)

    def _schedule_save(self) -> None:
        if self._save_pending or self._loop is None:
            return
        self._save_pending = True

        def arm() -> None:
            assert self._loop is not None
            self._save_handle = self._loop.call_later(SAVE_DEBOUNCE_SECONDS, self._flush)

        self._loop.call_soon_threadsafe(arm)

    def _flush(self) -> None:
        if self._save_pending:
            self.save_now()


class EmulatorThread:
    """The emulator on a private event loop in a daemon thread, for sync code and tests::

    with EmulatorThread() as emu:
        client = make_client(ResourceManagementClient, emu.base_url, aio=False)
    """

    def __init__(self, **kwargs: Any) -> None:
        self.server = EmulatorServer(**kwargs)
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="aksiso-emulator", daemon=True)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def state(self) -> Store:
        return self.server.state

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            await self.server.start()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self.server.close()

    def __enter__(self) -> EmulatorThread:
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)


def az_hint(base_url: str, ca_cert: Path) -> str:
    """What to type to point the official az CLI at a ``--tls`` emulator (README: "Rehearse a
    script offline")."""
    from aksiso_tui.emulator.context import TENANT_ID

    return (
        f"aksiso emulator: TLS certificate {ca_cert} "
        f"(trust it, e.g. REQUESTS_CA_BUNDLE={ca_cert})\n"
        "aksiso emulator: to use the az CLI, in a shell with AZURE_CONFIG_DIR set to a scratch "
        "directory:\n"
        f"  export REQUESTS_CA_BUNDLE={ca_cert} AZURE_CORE_INSTANCE_DISCOVERY=false\n"
        f"  az cloud register -n AksisoEmulator --endpoint-resource-manager {base_url}/\n"
        "  az cloud set -n AksisoEmulator\n"
        f"  az login --service-principal -u aksiso -p any --tenant {TENANT_ID}"
    )


def serve(
    port: int = 8765,
    host: str = "127.0.0.1",
    time_scale: float = 1.0,
    faults: str | None = None,
    seed: str | None = None,
    state_file: str | None = None,
    tls: bool = False,
    tls_dir: str | None = None,
) -> int:
    """Run until SIGINT/SIGTERM; prints one ``listening on`` line (with ``tls``, how to point the
    az CLI at it goes to stderr). Returns the exit code."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with EmulatorServer(
            time_scale, faults, seed, state_file, port, host, tls=tls, tls_dir=tls_dir
        ) as emu:
            print(f"aksiso emulator listening on {emu.base_url}", flush=True)
            if emu.ca_cert_path is not None:
                print(az_hint(emu.base_url, emu.ca_cert_path), file=sys.stderr, flush=True)
            await stop.wait()

    try:
        asyncio.run(main())
    except (ValueError, OSError, ArmError) as exc:
        print(f"aksiso emulator: {exc}", file=sys.stderr)
        return 2
    return 0
