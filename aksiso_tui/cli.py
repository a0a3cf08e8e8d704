"""The headless command line: `aksiso validate | plan | schema | emulator | ...`.

Argument parsing only; each command's work lives in the package that owns it. Heavy imports
(the Azure SDK, Textual, aiohttp) happen inside the command that needs them, so `aksiso plan`
and `aksiso validate` start instantly.

Exit codes (public contract): 0 success; 1 an Azure operation failed; 2 bad input or a pre-flight
blocker (nothing was sent); 3 `audit` found the cluster not isolated; 130 cancelled.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_ISOLATED = 3
EXIT_CANCELLED = 130


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aksiso",
        description="Plan, execute and verify network isolated AKS clusters.",
    )
    parser.add_argument("--demo", action="store_true", help="run on the embedded ARM emulator")
    parser.add_argument("--config", metavar="FILE", help="start the wizard from a config file")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="check a config file; exit 2 with one finding per line")
    p.add_argument("file")

    p = sub.add_parser("plan", help="print the plan of Azure operations for a config file")
    p.add_argument("file")
    p.add_argument("--format", choices=["text", "json", "az"], default="text")

    sub.add_parser("schema", help="print the config file's JSON Schema")

    p = sub.add_parser("emulator", help="run the local Azure Resource Manager emulator")
    from aksiso_tui.emulator.cli import add_arguments

    add_arguments(p)

    from aksiso_tui.commands import apply as apply_cmd
    from aksiso_tui.commands import destroy as destroy_cmd

    p = sub.add_parser("apply", help="create or change what a config file describes, journaled")
    apply_cmd.add_arguments(p)
    p = sub.add_parser("destroy", help="delete what one apply run created, in reverse order")
    destroy_cmd.add_arguments(p)

    from aksiso_tui.commands import audit as audit_cmd

    p = sub.add_parser("audit", help="report how isolated an existing cluster really is")
    audit_cmd.add_arguments(p)
    return parser


def _load_valid_spec(path: str):  # type: ignore[no-untyped-def]
    """Load and validate a config file; print findings; return the spec or None (exit 2)."""
    from aksiso_tui.config import load_spec_file
    from aksiso_tui.findings import Severity, has_errors
    from aksiso_tui.validate import validate

    spec, findings = load_spec_file(path)
    if spec is not None:
        findings = findings + validate(spec)
    for finding in findings:
        if finding.severity is not Severity.INFO:
            print(finding.line(), file=sys.stderr)
    if spec is None or has_errors(findings):
        return None
    return spec


def _cmd_validate(args: argparse.Namespace) -> int:
    return EXIT_OK if _load_valid_spec(args.file) is not None else EXIT_BAD_INPUT


def _cmd_plan(args: argparse.Namespace) -> int:
    spec = _load_valid_spec(args.file)
    if spec is None:
        return EXIT_BAD_INPUT
    from aksiso_tui.export import render
    from aksiso_tui.plan import build_plan

    plan = build_plan(spec)
    sys.stdout.write(render(plan, spec, args.format))
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from aksiso_tui.spec import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


def _cmd_emulator(args: argparse.Namespace) -> int:
    from aksiso_tui.emulator.cli import run_from_args

    return run_from_args(args)


def _cmd_apply(args: argparse.Namespace) -> int:
    spec = _load_valid_spec(args.file)
    if spec is None:
        return EXIT_BAD_INPUT
    from aksiso_tui.commands.apply import run_apply

    return run_apply(args, spec)


def _cmd_destroy(args: argparse.Namespace) -> int:
    from aksiso_tui.commands.destroy import run_destroy

    return run_destroy(args)


def _cmd_audit(args: argparse.Namespace) -> int:
    from aksiso_tui.commands.audit import run_audit

    return run_audit(args)


COMMANDS = {
    "apply": _cmd_apply,
    "destroy": _cmd_destroy,
    "validate": _cmd_validate,
    "plan": _cmd_plan,
    "schema": _cmd_schema,
    "emulator": _cmd_emulator,
    "audit": _cmd_audit,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from aksiso_tui.ui.run import run_wizard

        try:
            return run_wizard(args.config, args.demo)
        except KeyboardInterrupt:
            return EXIT_CANCELLED
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return EXIT_CANCELLED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
