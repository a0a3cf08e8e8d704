"""How fast is the emulator? Requests per second for GET and PUT, the latency it adds, and its
memory with many resources stored, at ``--time-scale 0``.

    python bench/emulator.py [--quick] [--json]

The emulator runs in its own process (``python -m aksiso_tui.emulator --port 0 --time-scale 0``
on 127.0.0.1), so client and server do not share a GIL; its memory is that process's RSS. Then:

1. fill it with 1,000 resources (200 virtual networks with 4 subnets each, in one group);
2. raw client (aiohttp, one keep-alive connection, one request at a time): GET a subnet and GET
   a virtual network (whose answer embeds its 4 subnets), PUT a subnet update; latency
   percentiles as the client saw them and as the server measured them (its request log:
   middleware in to middleware out, i.e. the time the emulator adds on top of HTTP);
3. raw client, 16 requests in flight: GET and PUT throughput;
4. the real SDK client (``NetworkManagementClient``, sync, keep-alive): ``subnets.get`` and
   ``begin_create_or_update(...).result()`` (a PUT plus its LRO poll), so the SDK's own overhead
   shows up next to the emulator's;
5. fill up to 10,000 resources (10 groups) and read the server's RSS.

Every loop is bounded; the run takes well under a minute and stops the server it started.
Targets (the emulator issue): server-side p99 under 5 ms for a GET with 1,000 resources stored,
RSS under 100 MB with 10,000 resources.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aksiso_tui.emulator.context import SUBSCRIPTION_ID  # noqa: E402

SUB = f"/subscriptions/{SUBSCRIPTION_ID}"
NET_API = "2026-03-01"
RG_API = "2025-04-01"
AUTH = {"Authorization": "Bearer bench", "Content-Type": "application/json"}
VNETS_PER_GROUP = 200
SUBNETS_PER_VNET = 4
RESOURCES_PER_GROUP = 1 + VNETS_PER_GROUP * (1 + SUBNETS_PER_VNET)  # group + vnets + subnets
GET_TARGET_MS = 5.0
RSS_TARGET_MB = 100.0


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of ``values`` (milliseconds in, milliseconds out)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 3),
        "p99_ms": round(percentile(values, 99), 3),
        "mean_ms": round(statistics.fmean(values), 3) if values else float("nan"),
    }


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    """The emulator in a child process on a free loopback port."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aksiso_tui.emulator", "--port", "0", "--time-scale", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.stop()
            raise RuntimeError(f"emulator did not start: {line!r}")
        self.base_url = line.rsplit(" ", 1)[-1].strip()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def vnet_id(group: int, v: int) -> str:
    return f"{SUB}/resourceGroups/bench{group}/providers/Microsoft.Network/virtualNetworks/vnet{v}"


def subnet_id(group: int, v: int, s: int) -> str:
    return f"{vnet_id(group, v)}/subnets/snet{s}"


def subnet_body(s: int, tag: int = 0) -> dict[str, Any]:
    body: dict[str, Any] = {"properties": {"addressPrefix": f"10.0.{s}.0/24"}}
    if tag:
        body["properties"]["privateEndpointNetworkPolicies"] = "Disabled" if tag % 2 else "Enabled"
    return body


class Raw:
    """A raw aiohttp client on one keep-alive connection pool."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.base = base_url

    async def call(self, method: str, path: str, api: str, body: Any = None) -> float:
        """One request; returns the client-side round trip in ms (raises on an error status)."""
        data = None if body is None else json.dumps(body)
        started = time.perf_counter()
        async with self.session.request(
            method, f"{self.base}{path}?api-version={api}", data=data, headers=AUTH
        ) as resp:
            await resp.read()
            took = (time.perf_counter() - started) * 1000
            if resp.status >= 400:
                raise RuntimeError(f"{method} {path}: {resp.status} {await resp.text()}")
        return took

    async def control(self, method: str, path: str) -> Any:
        async with self.session.request(method, f"{self.base}{path}") as resp:
            return await resp.json()


async def fill_group(raw: Raw, group: int, concurrency: int = 16) -> None:
    """One resource group with VNETS_PER_GROUP vnets of SUBNETS_PER_VNET subnets each."""
    await raw.call(
        "PUT", f"{SUB}/resourcegroups/bench{group}", RG_API, {"location": "swedencentral"}
    )

    async def one_vnet(v: int) -> None:
        await raw.call(
            "PUT",
            vnet_id(group, v),
            NET_API,
            {
                "location": "swedencentral",
                "tags": {"bench": str(v)},
                "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}},
            },
        )
        for s in range(SUBNETS_PER_VNET):
            await raw.call("PUT", subnet_id(group, v, s), NET_API, subnet_body(s))

    await bounded(concurrency, [lambda v=v: one_vnet(v) for v in range(VNETS_PER_GROUP)])


async def bounded(concurrency: int, jobs: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
    sem = asyncio.Semaphore(concurrency)

    async def run(job: Callable[[], Awaitable[Any]]) -> Any:
        async with sem:
            return await job()

    return await asyncio.gather(*(run(j) for j in jobs))


async def server_side(raw: Raw, method: str, count: int) -> list[float]:
    """The emulator's own duration_ms for the last ``count`` requests with ``method``."""
    log = await raw.control("GET", "/_emulator/requests")
    picked = [e["duration_ms"] for e in log if e["method"] == method]
    return picked[-count:]


async def sequential(raw: Raw, n: int, make: Callable[[int], tuple[str, str, Any]]) -> list[float]:
    out = []
    for i in range(n):
        m, path, body = make(i)
        out.append(await raw.call(m, path, NET_API, body))
    return out


async def throughput(raw: Raw, n: int, make: Callable[[int], tuple[str, str, Any]]) -> float:
    started = time.perf_counter()

    async def one(i: int) -> float:
        m, path, body = make(i)
        return await raw.call(m, path, NET_API, body)

    await bounded(16, [lambda i=i: one(i) for i in range(n)])
    return n / (time.perf_counter() - started)


def _get_subnet(i: int) -> tuple[str, str, Any]:
    v, s = i % VNETS_PER_GROUP, (i // VNETS_PER_GROUP) % SUBNETS_PER_VNET
    return "GET", subnet_id(0, v, s), None


def _get_vnet(i: int) -> tuple[str, str, Any]:
    return "GET", vnet_id(0, i % VNETS_PER_GROUP), None


def _put_subnet(i: int) -> tuple[str, str, Any]:
    v, s = i % VNETS_PER_GROUP, (i // VNETS_PER_GROUP) % SUBNETS_PER_VNET
    return "PUT", subnet_id(0, v, s), subnet_body(s, tag=i + 1)


async def raw_phase(base_url: str, n: int, report: dict[str, Any], pid: int) -> None:
    connector = aiohttp.TCPConnector(limit=16)
    async with aiohttp.ClientSession(connector=connector) as session:
        raw = Raw(session, base_url)
        report["rss_mb_empty"] = round(rss_mb(pid), 1)
        started = time.perf_counter()
        await fill_group(raw, 0)
        fill_seconds = time.perf_counter() - started
        report["fill_1000"] = {
            "resources": RESOURCES_PER_GROUP,
            "seconds": round(fill_seconds, 2),
            "puts_per_s": round(RESOURCES_PER_GROUP / fill_seconds),
        }
        await sequential(raw, 200, _get_subnet)  # warm-up
        latency: dict[str, Any] = {}
        for name, make in (
            ("GET subnet", _get_subnet),
            ("GET vnet (4 subnets embedded)", _get_vnet),
            ("PUT subnet (update)", _put_subnet),
        ):
            client = await sequential(raw, n, make)
            server = await server_side(raw, make(0)[0], n)
            latency[name] = {"client": summary(client), "server": summary(server)}
        report["raw_sequential"] = latency
        report["raw_concurrent_rps"] = {
            "GET subnet": round(await throughput(raw, n * 2, _get_subnet)),
            "PUT subnet (update)": round(await throughput(raw, n, _put_subnet)),
        }


def sdk_phase(base_url: str, n: int, report: dict[str, Any]) -> None:
    from azure.mgmt.network import NetworkManagementClient

    from aksiso_tui.emulator.testing import make_client

    client = make_client(NetworkManagementClient, base_url)
    with client:
        for _ in range(50):  # warm-up
            client.subnets.get("bench0", "vnet0", "snet0")
        gets = []
        for i in range(n):
            v, s = i % VNETS_PER_GROUP, (i // VNETS_PER_GROUP) % SUBNETS_PER_VNET
            started = time.perf_counter()
            client.subnets.get("bench0", f"vnet{v}", f"snet{s}")
            gets.append((time.perf_counter() - started) * 1000)
        puts = []
        for i in range(max(1, n // 4)):
            v, s = i % VNETS_PER_GROUP, i % SUBNETS_PER_VNET
            started = time.perf_counter()
            client.subnets.begin_create_or_update(
                "bench0", f"vnet{v}", f"snet{s}", subnet_body(s, tag=i + 1)
            ).result()
            puts.append((time.perf_counter() - started) * 1000)
    report["sdk_sequential"] = {
        "subnets.get": summary(gets),
        "subnets.begin_create_or_update().result() (PUT + 1 poll + final GET)": summary(puts),
        "get_per_s": round(1000 / statistics.fmean(gets)),
        "put_lro_per_s": round(1000 / statistics.fmean(puts)),
    }


async def fill_rest(base_url: str, groups: int, report: dict[str, Any], pid: int) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=16)) as session:
        raw = Raw(session, base_url)
        started = time.perf_counter()
        for g in range(1, groups):
            await fill_group(raw, g)
        seconds = time.perf_counter() - started
        state = await raw.control("GET", "/_emulator/state")
        stored = len(state["resources"])
        del state
        # the GET percentiles again, now with the store ten times bigger
        client = await sequential(raw, 1000, _get_subnet)
        server = await server_side(raw, "GET", 1000)
    report["fill_all"] = {
        "resources_stored": stored,
        "seconds": round(seconds, 2),
        "puts_per_s": round(RESOURCES_PER_GROUP * (groups - 1) / seconds) if seconds else None,
        "rss_mb": round(rss_mb(pid), 1),
        "GET subnet": {"client": summary(client), "server": summary(server)},
    }


def render(report: dict[str, Any]) -> str:
    lines = [
        f"aksiso emulator benchmark — {report['machine']}",
        f"server: separate process, time-scale 0, loopback; RSS empty {report['rss_mb_empty']} MB",
        "",
        "fill 1,000 resources (raw PUTs, 16 in flight): "
        f"{report['fill_1000']['seconds']} s, {report['fill_1000']['puts_per_s']} PUT/s",
        "",
        "raw aiohttp client, keep-alive, 1 in flight, 1,000 resources stored "
        "(client round trip | server-side added latency)",
    ]
    for name, both in report["raw_sequential"].items():
        c, s = both["client"], both["server"]
        lines.append(
            f"  {name:<32} n={c['n']:<5} client p50 {c['p50_ms']:6.3f} ms  p99 {c['p99_ms']:6.3f}"
            f" ms | server p50 {s['p50_ms']:6.3f} ms  p99 {s['p99_ms']:6.3f} ms"
        )
    seq = report["raw_sequential"]
    lines.append(
        "  => 1 in flight: "
        + ", ".join(
            f"{round(1000 / seq[k]['client']['mean_ms'])} {k.split()[0]}/s"
            for k in ("GET subnet", "PUT subnet (update)")
        )
    )
    lines.append("raw aiohttp client, 16 in flight:")
    for name, rps in report["raw_concurrent_rps"].items():
        lines.append(f"  {name:<32} {rps} req/s")
    sdk = report["sdk_sequential"]
    lines.append("azure-mgmt-network SDK client (sync, keep-alive, 1 in flight):")
    for name, stats in sdk.items():
        if isinstance(stats, dict):
            lines.append(
                f"  {name:<32} n={stats['n']:<5} p50 {stats['p50_ms']:6.3f} ms  "
                f"p99 {stats['p99_ms']:6.3f} ms"
            )
    lines.append(f"  => {sdk['get_per_s']} GET/s, {sdk['put_lro_per_s']} PUT+LRO/s")
    fill = report["fill_all"]
    g = fill["GET subnet"]
    lines += [
        "",
        f"{fill['resources_stored']} resources stored (filled at {fill['puts_per_s']} PUT/s): "
        f"RSS {fill['rss_mb']} MB",
        f"  GET subnet again: client p50 {g['client']['p50_ms']} ms p99 {g['client']['p99_ms']} ms"
        f" | server p50 {g['server']['p50_ms']} ms p99 {g['server']['p99_ms']} ms",
        "",
        "targets:",
    ]
    for label, ok in report["targets"].items():
        lines.append(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    args = parser.parse_args(argv)
    n = 300 if args.quick else 2000
    groups = 10
    report: dict[str, Any] = {
        "machine": f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}",
        "requests_per_measurement": n,
    }
    server = Server()
    try:
        asyncio.run(raw_phase(server.base_url, n, report, server.proc.pid))
        sdk_phase(server.base_url, max(100, n // 2), report)
        asyncio.run(fill_rest(server.base_url, groups, report, server.proc.pid))
    finally:
        server.stop()
    get_server = report["raw_sequential"]["GET subnet"]["server"]["p99_ms"]
    vnet_server = report["raw_sequential"]["GET vnet (4 subnets embedded)"]["server"]["p99_ms"]
    report["targets"] = {
        f"server-side GET p99 < {GET_TARGET_MS} ms with 1,000 resources "
        f"(subnet {get_server} ms, vnet {vnet_server} ms)": max(get_server, vnet_server)
        < GET_TARGET_MS,
        f"RSS < {RSS_TARGET_MB} MB with {report['fill_all']['resources_stored']} resources "
        f"({report['fill_all']['rss_mb']} MB)": report["fill_all"]["rss_mb"] < RSS_TARGET_MB,
    }
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0 if all(report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
