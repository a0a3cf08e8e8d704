"""`az aks command invoke` for the emulator: kubectl answers that follow the cluster's network.

`POST .../runCommand` answers 202 with `Location: .../commandResults/{id}`; polls answer 202
until the command's (scaled) run time is over, then 200 with the RunCommandResult. A failed
kubectl command is still HTTP 200, `provisioningState: Succeeded` with `exitCode` 1, as in Azure.
`list*Credential` answers the kubeconfig `az aks get-credentials` writes.

Simulated commands: `kubectl get pods [-n NS | -A]`, `kubectl get nodes`, `kubectl run NAME
--image=IMAGE`, `kubectl delete pod NAME` (several joined with `&&` or `;`). Nodes exist for the
pools whose nodes bootstrapped (`netsim.can_bootstrap` at create/reimage time); system pods run
when at least one node joined; a workload pod runs when `netsim.pull_image` says its image pulls
from the node (ImagePullBackOff otherwise, Pending without nodes). Pods are kept per cluster in
the store (internal `_emulator.pods`).
"""

from __future__ import annotations

import base64
import shlex
from typing import Any

from aksiso_tui import durations
from aksiso_tui.emulator.context import Ctx, Reply
from aksiso_tui.emulator.errors import ArmError
from aksiso_tui.emulator.lro import Clock, retry_after_headers
from aksiso_tui.emulator.providers.aks_infra import EMU, short_hash
from aksiso_tui.emulator.providers.aks_pools import full_cluster, pools_of
from aksiso_tui.netpath import netsim
from aksiso_tui.netpath.aks_lookup import props

Json = dict[str, Any]
COMMAND_SECONDS = durations.RUN_COMMAND

# (name, replicas or None for one per node, containers)
SYSTEM_DEPLOYMENTS = (("coredns", 2, 1), ("coredns-autoscaler", 1, 1), ("metrics-server", 2, 2))
SYSTEM_DAEMONSETS = (
    ("azure-cns", 1),
    ("azure-ip-masq-agent", 1),
    ("cloud-node-manager", 1),
    ("csi-azuredisk-node", 3),
    ("csi-azurefile-node", 3),
    ("kube-proxy", 1),
)


def run_command(ctx: Ctx, rid: str, body: Any) -> Reply:
    """POST runCommand: run the simulated kubectl now, report it after its run time."""
    cluster = ctx.store.get(rid)
    assert cluster is not None
    p = props(cluster)
    if (p.get("apiServerAccessProfile") or {}).get("disableRunCommand"):
        raise ArmError(
            400,
            "RunCommandDisabled",
            "Run command is disabled for this cluster (apiServerAccessProfile.disableRunCommand).",
        )
    if (p.get("powerState") or {}).get("code") == "Stopped":
        raise ArmError(
            409,
            "OperationNotAllowed",
            "Operation is not allowed: the managed cluster is stopped. Start it before running "
            "commands.",
        )
    command = str((body or {}).get("command") or "").strip()
    if not command:
        raise ArmError(400, "InvalidParameter", "The command must not be empty.", "command")
    sim = Simulation(ctx, rid, full_cluster(ctx, cluster))
    exit_code, logs = sim.execute(command)
    # AKS says "Succeeded" once the command ran, whatever its exit code (a failing kubectl is
    # `exitCode: 1`); "Failed" + `reason` means it could not run. `az aks command invoke` prints
    # the logs only for exactly "Succeeded" (the spec examples' lower case would hide them).
    result: Json = {
        "properties": {
            "provisioningState": "Succeeded",
            "exitCode": exit_code,
            "startedAt": Clock.utc_iso(),
            "logs": logs,
        }
    }

    def finished() -> None:
        result["properties"]["finishedAt"] = Clock.utc_iso()

    op = ctx.start_operation(
        f"{rid}/commandResults/pending",
        "runCommand",
        azure_seconds=COMMAND_SECONDS,
        on_success=finished,
        result=result,
        can_fault=False,
    )
    result["id"] = op.id
    headers = {"Location": ctx.url(f"{cluster['id']}/commandResults/{op.id}")}
    headers.update(retry_after_headers(ctx.clock, ctx.ops.remaining(op)))
    return Reply(202, None, headers)


def list_credential(kind: str) -> Any:
    """POST list{User,Admin,Monitoring}Credential: one kubeconfig for the cluster's API server
    (what `az aks get-credentials` writes). Nothing serves it: kubectl goes through runCommand."""

    def action(ctx: Ctx, rid: str, body: Any) -> Json:
        cluster = ctx.store.get(rid)
        assert cluster is not None
        p = props(cluster)
        name, group = cluster["name"], rid.split("/")[4]
        if kind == "clusterAdmin" and p.get("disableLocalAccounts"):
            raise ArmError(
                400,
                "BadRequest",
                "Getting static credential is not allowed because this cluster is set to "
                "disable local accounts.",
            )
        user = f"{kind}_{group}_{name}"
        server = f"https://{p.get('privateFQDN') or p.get('fqdn')}:443"
        fake_ca = base64.b64encode(b"aksiso emulator: no certificate").decode()
        token = short_hash(rid + kind) * 4
        kubeconfig = (
            "apiVersion: v1\n"
            "clusters:\n"
            "- cluster:\n"
            f"    certificate-authority-data: {fake_ca}\n"
            f"    server: {server}\n"
            f"  name: {name}\n"
            "contexts:\n"
            "- context:\n"
            f"    cluster: {name}\n"
            f"    user: {user}\n"
            f"  name: {name}\n"
            f"current-context: {name}\n"
            "kind: Config\n"
            "preferences: {}\n"
            "users:\n"
            f"- name: {user}\n"
            "  user:\n"
            f"    token: {token}\n"
        )
        value = base64.b64encode(kubeconfig.encode()).decode()
        return {"kubeconfigs": [{"name": kind, "value": value}]}

    return action


def command_result(ctx: Ctx, params: dict[str, str], body: Any) -> Reply:
    """GET commandResults/{id}: 202 while running, then 200 with the RunCommandResult."""
    op = ctx.ops.get(params["command"])
    if op is None or op.kind != "runCommand":
        raise ArmError(404, "NotFound", f"Command result '{params['command']}' was not found.")
    if op.status == "InProgress":
        headers = {"Location": ctx.url(ctx.path)}
        headers.update(retry_after_headers(ctx.clock, ctx.ops.remaining(op)))
        return Reply(202, None, headers)
    return Reply(200, op.result)


def kubectl_age(seconds: float) -> str:
    """kubectl's AGE column (`46s`, `8m40s`, `3h12m`, `2d`)."""
    s = max(0, int(seconds))
    if s < 120:
        return f"{s}s"
    if s < 600:
        return f"{s // 60}m{s % 60}s" if s % 60 else f"{s // 60}m"
    if s < 3 * 3600:
        return f"{s // 60}m"
    if s < 8 * 3600:
        return f"{s // 3600}h{(s % 3600) // 60}m"
    if s < 2 * 86400:
        return f"{s // 3600}h"
    return f"{s // 86400}d"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A kubectl-style table (columns padded with three spaces)."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = []
    for row in [headers, *rows]:
        cells = [str(c).ljust(widths[i] + 3) for i, c in enumerate(row[:-1])]
        lines.append(("".join(cells) + str(row[-1])).rstrip())
    return "\n".join(lines) + "\n"


class Simulation:
    """kubectl over one cluster's emulated state."""

    def __init__(self, ctx: Ctx, rid: str, cluster: Json) -> None:
        self.ctx = ctx
        self.rid = rid
        self.cluster = cluster
        self.state: Json = cluster.get(EMU) or {}
        self.now = ctx.clock.now()
        created = self.state.get("created")
        self.created = float(created) if created is not None else self.now

    # -- nodes ---------------------------------------------------------------------------
    def pools(self) -> list[Json]:
        return pools_of(self.ctx, self.rid)

    def nodes(self) -> list[tuple[str, Json]]:
        """(node name, pool) for every node that joined."""
        out = []
        for pool in self.pools():
            p = props(pool)
            if not (pool.get(EMU) or {}).get("joined", True):
                continue
            if (p.get("powerState") or {}).get("code") == "Stopped":
                continue
            prefix = f"aks-{pool['name']}-{short_hash(self.rid)}-vmss"
            for i in range(int(p.get("count") or 1)):
                out.append((f"{prefix}{i:06d}", pool))
        return out

    # -- commands ------------------------------------------------------------------------
    def execute(self, command: str) -> tuple[int, str]:
        logs: list[str] = []
        code = 0
        for part in _split(command):
            code, out = self.one(part)
            logs.append(out)
            if code != 0:
                break
        return code, "".join(logs)

    def one(self, command: str) -> tuple[int, str]:
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            return 1, f"error: {exc}\n"
        if not argv:
            return 0, ""
        if argv[0] != "kubectl":
            return 127, f"/bin/sh: 1: {argv[0]}: not found\n"
        args, namespace, all_ns = _namespace(argv[1:])
        verb = args[0] if args else ""
        if verb == "get" and len(args) >= 2 and args[1] in ("pods", "pod", "po"):
            return self.get_pods(namespace, all_ns)
        if verb == "get" and len(args) >= 2 and args[1] in ("nodes", "node", "no"):
            return self.get_nodes()
        if verb == "run" and len(args) >= 2:
            return self.run(args[1], args[2:], namespace)
        if verb == "delete" and len(args) >= 3 and args[1] in ("pod", "pods", "po"):
            return self.delete(args[2:], namespace)
        if verb in ("get", "run", "delete"):
            what = " ".join(args[1:2]) or "<nothing>"
            return 1, f'error: the server doesn\'t have a resource type "{what}"\n'
        return (
            1,
            f'error: unknown command "{verb}" for "kubectl"\nRun \'kubectl --help\' for usage.\n',
        )

    def get_nodes(self) -> tuple[int, str]:
        nodes = self.nodes()
        if not nodes:
            return 0, "No resources found\n"
        version = props(self.cluster).get("currentKubernetesVersion", "")
        rows = []
        for name, pool in nodes:
            pool_version = props(pool).get("currentOrchestratorVersion") or version
            rows.append(
                [name, "Ready", "<none>", kubectl_age(self.now - self.created), f"v{pool_version}"]
            )
        return 0, table(["NAME", "STATUS", "ROLES", "AGE", "VERSION"], rows)

    def get_pods(self, namespace: str, all_ns: bool) -> tuple[int, str]:
        rows: list[list[str]] = []
        if all_ns or namespace == "kube-system":
            rows += [["kube-system", *r] for r in self.system_pods()]
        pods = self._pods()
        for pod in pods:
            if all_ns or pod["namespace"] == namespace:
                rows.append([pod["namespace"], *self.pod_row(pod)])
        if not rows:
            where = "" if all_ns else f" in {namespace} namespace"
            return 0, f"No resources found{where}.\n"
        headers = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
        if all_ns:
            return 0, table(["NAMESPACE", *headers], rows)
        return 0, table(headers, [r[1:] for r in rows])

    def system_pods(self) -> list[list[str]]:
        nodes = [
            n for n, pool in self.nodes() if str(props(pool).get("osType", "Linux")) == "Linux"
        ]
        age = kubectl_age(self.now - self.created)
        status = "Running" if nodes else "Pending"
        deployments = list(SYSTEM_DEPLOYMENTS)
        api = props(self.cluster).get("apiServerAccessProfile") or {}
        if not api.get("enableVnetIntegration"):
            deployments.append(("konnectivity-agent", 2, 1))
        rows = []
        for name, replicas, containers in sorted(deployments):
            rs = short_hash(self.rid + name, 10)
            for i in range(replicas):
                ready = f"{containers if nodes else 0}/{containers}"
                rows.append(
                    [
                        f"{name}-{rs}-{short_hash(name + str(i) + self.rid, 5)}",
                        ready,
                        status,
                        "0",
                        age,
                    ]
                )
        for name, containers in SYSTEM_DAEMONSETS:
            for node in nodes:
                rows.append(
                    [
                        f"{name}-{short_hash(node + name, 5)}",
                        f"{containers}/{containers}",
                        "Running",
                        "0",
                        age,
                    ]
                )
        return sorted(rows)

    def pod_row(self, pod: Json) -> list[str]:
        status = self.pod_status(pod)
        ready = "1/1" if status == "Running" else "0/1"
        return [pod["name"], ready, status, "0", kubectl_age(self.now - float(pod["created"]))]

    def pod_status(self, pod: Json) -> str:
        if pod.get("running"):
            return "Running"
        nodes = self.nodes()
        if not nodes:
            return "Pending"
        _, pool = nodes[0]
        source = (pool.get(EMU) or {}).get("nodeSource")
        result = netsim.pull_image(self.cluster, pod["image"], self.ctx.store, source, pool["name"])
        if result.ok:
            self._save_pods(
                [
                    dict(p, running=True)
                    if p["name"] == pod["name"] and p["namespace"] == pod["namespace"]
                    else p
                    for p in self._pods()
                ]
            )
            return "Running"
        return "ImagePullBackOff"

    def run(self, name: str, rest: list[str], namespace: str) -> tuple[int, str]:
        image = None
        for i, arg in enumerate(rest):
            if arg.startswith("--image="):
                image = arg.split("=", 1)[1]
            elif arg == "--image" and i + 1 < len(rest):
                image = rest[i + 1]
        if not image:
            return 1, 'error: required flag(s) "image" not set\n'
        pods = self._pods()
        if any(p["name"] == name and p["namespace"] == namespace for p in pods):
            return 1, f'Error from server (AlreadyExists): pods "{name}" already exists\n'
        pods.append({"name": name, "namespace": namespace, "image": image, "created": self.now})
        self._save_pods(pods)
        return 0, f"pod/{name} created\n"

    def delete(self, names: list[str], namespace: str) -> tuple[int, str]:
        pods = self._pods()
        out: list[str] = []
        ignore_missing = "--ignore-not-found" in names or "--ignore-not-found=true" in names
        for name in [n for n in names if not n.startswith("-")]:
            keep = [p for p in pods if not (p["name"] == name and p["namespace"] == namespace)]
            if len(keep) == len(pods):
                if ignore_missing:
                    continue
                return 1, "".join(out) + f'Error from server (NotFound): pods "{name}" not found\n'
            pods = keep
            out.append(f'pod "{name}" deleted\n')
        self._save_pods(pods)
        return 0, "".join(out)

    # -- state ---------------------------------------------------------------------------
    def _pods(self) -> list[Json]:
        stored = self.ctx.store.get(self.rid) or {}
        return [dict(p) for p in (stored.get(EMU) or {}).get("pods") or []]

    def _save_pods(self, pods: list[Json]) -> None:
        def change(res: Json) -> None:
            res.setdefault(EMU, {})["pods"] = pods

        self.ctx.update(self.rid, change)


def _split(command: str) -> list[str]:
    parts: list[str] = []
    for chunk in command.split("&&"):
        parts.extend(p.strip() for p in chunk.split(";") if p.strip())
    return parts


def _namespace(args: list[str]) -> tuple[list[str], str, bool]:
    """Strip -n/--namespace/-A from kubectl args: (rest, namespace, all namespaces)."""
    rest: list[str] = []
    namespace, all_ns = "default", False
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg in ("-n", "--namespace") and i + 1 < len(args):
            namespace, skip = args[i + 1], True
        elif arg.startswith("--namespace="):
            namespace = arg.split("=", 1)[1]
        elif arg in ("-A", "--all-namespaces"):
            all_ns = True
        elif arg in ("-o", "--output") and i + 1 < len(args):
            skip = True
        elif arg.startswith(("-o=", "--output=", "-owide")):
            continue
        else:
            rest.append(arg)
    return rest, namespace, all_ns
