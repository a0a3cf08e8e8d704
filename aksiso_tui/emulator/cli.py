"""Command-line flags of ``aksiso emulator`` (wired into the main CLI by the project lead)."""

from __future__ import annotations

import argparse
import sys

DEFAULT_PORT = 8765


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any)"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)"
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiplier on Azure's typical durations (0: instant, default 1.0)",
    )
    parser.add_argument(
        "--faults",
        default=None,
        metavar="SPEC",
        help="e.g. throttle=0.1,server_error=0.05,drop=0.01,lro_fail=0.02,"
        "principal_not_found=2,seed=7",
    )
    parser.add_argument("--seed", default=None, metavar="NAME", help="start from a named state")
    parser.add_argument(
        "--state", default=None, metavar="FILE", help="load from and persist to FILE"
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="serve HTTPS with a self-signed certificate and sign-in endpoints (for the az CLI)",
    )
    parser.add_argument(
        "--tls-dir",
        default=None,
        metavar="DIR",
        help="with --tls: write cert.pem/key.pem here (default: a new temporary directory), "
        "so REQUESTS_CA_BUNDLE=DIR/cert.pem stays valid across restarts",
    )


def run_from_args(args: argparse.Namespace) -> int:
    from aksiso_tui.emulator.faults import FaultConfig
    from aksiso_tui.emulator.server import check_loopback, serve

    try:
        FaultConfig.parse(args.faults)
        check_loopback(args.host)
    except ValueError as exc:
        print(f"aksiso emulator: {exc}", file=sys.stderr)
        return 2
    return serve(
        port=args.port,
        host=args.host,
        time_scale=args.time_scale,
        faults=args.faults,
        seed=args.seed,
        state_file=args.state,
        tls=args.tls or bool(args.tls_dir),
        tls_dir=args.tls_dir,
    )
