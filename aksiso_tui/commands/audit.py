"""`aksiso audit -s SUB -g RG -n CLUSTER`: a read-only report of how isolated a cluster really is.

Reads the cluster and everything around it through the Azure SDK (`azure.gather`), judges it
with the pure audit (`aksiso_tui.audit`) and prints the report as text or, with
`--format json`, as one JSON document for pipelines. Only GETs are sent.

`--demo` audits the embedded emulator's demo subscription, the same state `apply --demo` works
on (seeded with the demo clusters the first time), so a migration run with `apply --demo` shows
up in the next `audit --demo`. Exit codes: 0 isolated (also when the only egress is a firewall's
deliberate rules), 3 not isolated, 2 bad input, no login or cluster not found, 1 Azure failed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

EXIT_FAILED, EXIT_BAD_INPUT = 1, 2


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-s", "--subscription", required=True, help="subscription id")
    p.add_argument("-g", "--resource-group", required=True, help="the cluster's resource group")
    p.add_argument("-n", "--name", required=True, help="the cluster's name")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--demo", action="store_true", help="audit the embedded demo emulator")
    where.add_argument("--arm-endpoint", metavar="URL", help="another ARM (e.g. an emulator)")
    p.add_argument("--cloud", metavar="NAME", help="AzureCloud, AzureUSGovernment, AzureChinaCloud")
    p.add_argument("--state", metavar="FILE", help="with --demo: the emulator's state file")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format")


def _err(message: str) -> None:
    print(f"aksiso audit: {message}", file=sys.stderr)


def cluster_id(subscription: str, resource_group: str, name: str) -> str:
    return (
        f"/subscriptions/{subscription}/resourceGroups/{resource_group}"
        f"/providers/Microsoft.ContainerService/managedClusters/{name}"
    )


async def _audit(args: argparse.Namespace, choice: Any) -> int:
    from aksiso_tui.audit import audit, render_text, to_json
    from aksiso_tui.azure.discover import list_clusters
    from aksiso_tui.azure.gather import ClusterNotFound, gather_cluster
    from aksiso_tui.commands.session import open_factory

    rid = cluster_id(args.subscription, args.resource_group, args.name)
    async with open_factory(choice, args.subscription) as factory:
        try:
            snapshot = await gather_cluster(factory, rid)
        except ClusterNotFound:
            known = await list_clusters(factory)
            listing = ", ".join(f"{c.resource_group}/{c.name}" for c in known) or "none"
            _err(
                f"cluster {args.name} was not found in resource group {args.resource_group} of "
                f"subscription {args.subscription}. Clusters there: {listing}."
            )
            return EXIT_BAD_INPUT
    report = audit(snapshot, rid)
    sys.stdout.write(to_json(report) if args.format == "json" else render_text(report))
    return report.exit_code


def run_audit(args: argparse.Namespace) -> int:
    """The `audit` command; never lets a traceback out."""
    from aksiso_tui.azure.target import LoginRequired
    from aksiso_tui.commands.session import SessionError, choose_target

    try:
        choice = choose_target(
            demo=args.demo, arm_endpoint=args.arm_endpoint, cloud=args.cloud, state=args.state
        )
    except SessionError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ServiceRequestError,
    )

    try:
        return asyncio.run(_audit(args, choice))
    except LoginRequired as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    except ClientAuthenticationError:
        _err(str(LoginRequired()))
        return EXIT_BAD_INPUT
    except ServiceRequestError as exc:
        _err(f"cannot reach {choice.label}: {type(exc).__name__}. Check --arm-endpoint.")
        return EXIT_BAD_INPUT
    except HttpResponseError as exc:
        code = exc.error.code if exc.error is not None and exc.error.code else exc.status_code
        message = exc.error.message if exc.error is not None and exc.error.message else ""
        _err(f"Azure answered {code}: {message}".rstrip(": "))
        bad_input = code in ("SubscriptionNotFound", "InvalidSubscriptionId", 400, 404)
        return EXIT_BAD_INPUT if bad_input else EXIT_FAILED
    except (OSError, ValueError) as exc:
        _err(f"{type(exc).__name__}: {exc}")
        return EXIT_BAD_INPUT
