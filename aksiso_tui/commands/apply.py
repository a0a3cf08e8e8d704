"""`aksiso apply FILE`: run a config's plan against Azure (or the demo emulator), journaled.

Order of business, so that bad input never sends anything: validate the config (the CLI did),
build the plan, choose the target, check a `--resume` journal (same plan, same target), ask for
confirmation (subscription, target, resource group, every disruptive step) unless `--yes`, check
the login, then run.

`scenario: migrate` and `disable` work on a cluster that exists, so they check it first: after
the login, pre-flight reads the cluster and what surrounds it (GETs only) and prints every
finding, one per line as `validate` does (severity, the field or ARM id, message, fix). Any error
finding, or a cluster that does not exist (the message lists the clusters that do), stops with
exit 2 before anything is written. Then it says where the run starts on this cluster (e.g. a
half-migrated cluster: the Cache update has nothing left to do, the reimage runs), names each
disruptive step with what it does to running workloads, and only then asks for confirmation.
Without `--yes` and without a terminal, it prints the pre-flight and stops with exit 2: that is
the way to see pre-flight alone. There is no separate `preflight` command (the CLI contract has
none) and `aksiso plan` stays pure: it never talks to Azure.

The run id and the journal's path are printed when the run starts; events go to the console
(or as JSON lines to stdout with `--events jsonl`, everything else then on stderr) and to the
journal. Ctrl+C cancels through a `RunHandle`: no new steps start, and the summary says which
Azure operations may still be running; a second Ctrl+C stops waiting. Exit codes: 0, 1 (a step
failed), 2 (bad input, a pre-flight blocker, refused resume, no login, no confirmation), 130
(cancelled).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import signal
import sys
from typing import Any, TextIO

from aksiso_tui.commands.session import SessionError, TargetChoice, choose_target, open_factory

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_CANCELLED = 0, 1, 2, 130


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the config file (YAML)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--demo", action="store_true", help="run on the embedded ARM emulator")
    where.add_argument("--arm-endpoint", metavar="URL", help="another ARM (e.g. an emulator)")
    p.add_argument("--cloud", metavar="NAME", help="AzureCloud, AzureUSGovernment, AzureChinaCloud")
    p.add_argument("--state", metavar="FILE", help="with --demo: the emulator's state file")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    p.add_argument("--events", choices=["jsonl"], help="write events as JSON lines to stdout")
    p.add_argument("--resume", metavar="RUN_ID", help="continue a run from its journal")
    p.add_argument("--concurrency", type=int, default=8, metavar="N", help="parallel steps (8)")


def _err(message: str, prog: str = "apply") -> None:
    print(f"aksiso {prog}: {message}", file=sys.stderr)


def confirm(
    lines: list[str], question: str, assume_yes: bool, out: TextIO, prog: str = "apply"
) -> int | None:
    """Print `lines`; None to go ahead, else the exit code (no TTY and no --yes, or 'no')."""
    for line in lines:
        print(line, file=out)
    if assume_yes:
        return None
    if not sys.stdin.isatty():
        _err("stdin is not a terminal, so nobody can confirm; add --yes to run unattended.", prog)
        return EXIT_BAD_INPUT
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        print("Nothing was sent.", file=out)
        return EXIT_CANCELLED
    return None


def describe(plan: Any, spec: Any, choice: TargetChoice, start: Any = None) -> list[str]:
    """What the confirmation shows. `start` (a `preflight.stage.StartingPoint`) says which
    disruptive steps are expected to act on this cluster and which have nothing to change."""
    where = (
        f"the demo emulator (state {choice.demo_state})"
        if choice.demo
        else f"{choice.label} ({choice.target.cloud})"
    )
    lines = [
        f"Scenario {spec.scenario.value}: {len(plan.steps)} steps on {where}",
        f"  subscription    {spec.subscription}",
        f"  resource group  {spec.resource_group} ({spec.location})",
        f"  cluster         {spec.cluster.name}",
    ]
    disruptive = [s for s in plan.steps if s.disruptive]
    acting = [s for s in disruptive if start is None or start.will_change(s.id)]
    if acting:
        lines.append("Disruptive steps (they affect running workloads):")
        lines += [f"  ! {s.id}: {s.title}. {s.disruptive}" for s in acting]
    lines += [
        f"  - {s.id}: nothing to change on this cluster, so not disruptive now"
        for s in disruptive
        if s not in acting
    ]
    return lines


def question(plan: Any, start: Any = None) -> str:
    acting = [
        s.id for s in plan.steps if s.disruptive and (start is None or start.will_change(s.id))
    ]
    if not acting:
        return "Apply this plan?"
    return f"Apply this plan, including the disruptive {', '.join(acting)}?"


def spec_hash(spec: Any) -> str:
    return hashlib.sha256(spec.model_dump_json().encode()).hexdigest()[:16]


def run_apply(args: argparse.Namespace, spec: Any) -> int:
    from aksiso_tui.engine import ResumeRefused, load_journal, plan_fingerprint
    from aksiso_tui.plan import build_plan

    plan = build_plan(spec)
    if args.concurrency < 1:
        _err("--concurrency must be at least 1.")
        return EXIT_BAD_INPUT
    try:
        choice = choose_target(
            demo=args.demo, arm_endpoint=args.arm_endpoint, cloud=args.cloud, state=args.state
        )
    except SessionError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    journal = None
    if args.resume:
        try:
            journal = load_journal(args.resume)
            journal.check_resumable(plan_fingerprint(plan), choice.label)
        except (FileNotFoundError, ValueError) as exc:  # ResumeRefused is a ValueError
            _err(str(exc))
            if isinstance(exc, ResumeRefused) and journal is not None and journal.target:
                _err(f"run {journal.run_id} ran on {journal.target}; resume it there.")
            return EXIT_BAD_INPUT
    out = sys.stderr if args.events == "jsonl" else sys.stdout
    existing = spec.scenario.value in ("migrate", "disable")
    if not existing:  # migrate/disable confirm after pre-flight, which needs the login
        refused = confirm(describe(plan, spec, choice), question(plan), args.yes, out)
        if refused is not None:
            return refused
    try:
        return asyncio.run(_apply(args, spec, plan, choice, journal, out, existing=existing))
    except (KeyboardInterrupt, asyncio.CancelledError):
        return EXIT_CANCELLED


async def _preflight(
    args: argparse.Namespace, spec: Any, plan: Any, choice: TargetChoice, factory: Any, out: TextIO
) -> int | None:
    """Pre-flight of the existing cluster, then the confirmation; None to go ahead."""
    from azure.core.exceptions import HttpResponseError, ServiceRequestError

    from aksiso_tui.commands.existing import check_existing, summary_lines

    try:
        check = await check_existing(factory, spec)
    except ServiceRequestError as exc:
        _err(f"cannot reach {choice.label}: {type(exc).__name__}. Nothing was sent.")
        return EXIT_BAD_INPUT
    except HttpResponseError as exc:
        code = exc.error.code if exc.error is not None and exc.error.code else exc.status_code
        message = exc.error.message if exc.error is not None and exc.error.message else ""
        _err(f"pre-flight could not read the cluster: Azure answered {code}: {message}")
        return EXIT_BAD_INPUT
    if not check.found:
        _err(check.not_found_message(spec) + " Nothing was sent.")
        return EXIT_BAD_INPUT
    lines = summary_lines(check, resuming=args.resume or "")
    if check.blocked:
        for line in lines:
            print(line, file=sys.stderr)
        return EXIT_BAD_INPUT
    start = None if args.resume else check.start
    # Synchronous on purpose: nothing is in flight, and Ctrl+C at the prompt must just stop.
    return confirm(
        lines + describe(plan, spec, choice, start), question(plan, start), args.yes, out
    )


async def _apply(
    args: argparse.Namespace,
    spec: Any,
    plan: Any,
    choice: TargetChoice,
    journal: Any,
    out: TextIO,
    *,
    existing: bool = False,
) -> int:
    from aksiso_tui.azure.executor import AzureExecutor
    from aksiso_tui.azure.target import LoginRequired
    from aksiso_tui.engine import (
        Journal,
        JsonlWriter,
        RunHandle,
        journal_path,
        new_run_id,
        run_plan,
    )

    run_id = journal.run_id if journal is not None else new_run_id()
    try:
        async with open_factory(choice, spec.subscription) as factory:
            if existing:
                refused = await _preflight(args, spec, plan, choice, factory, out)
                if refused is not None:
                    return refused
            path = journal_path(run_id)
            print(f"Run {run_id}; journal {path}", file=out, flush=True)
            if args.events == "jsonl":
                view: Any = JsonlWriter()
            else:
                from aksiso_tui.engine import ConsoleView

                view = ConsoleView()
            handle = RunHandle()
            task = asyncio.current_task()
            restore = _install_interrupt(handle, task)
            flags = f" {choice.flags()}" if choice.flags() else ""
            try:
                result = await run_plan(
                    plan,
                    AzureExecutor(factory, journal=journal),
                    concurrency=args.concurrency,
                    on_event=[Journal(run_id), view],
                    run_id=run_id if journal is None else None,
                    resume_from=journal,
                    handle=handle,
                    target=choice.label,
                    spec_hash=spec_hash(spec),
                    resume_hint=f"aksiso apply {args.file}{flags} --resume {{run_id}}",
                )
            finally:
                restore()
    except LoginRequired as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    if result.summary.in_flight:
        print("Azure operations that may still be running:", file=sys.stderr)
        for item in result.summary.in_flight:
            print(f"  {item.step_id}: {item.operation}", file=sys.stderr)
    if result.exit_code == EXIT_CANCELLED or result.exit_code == EXIT_FAILED:
        print(f"Resume with: aksiso apply {args.file}{flags} --resume {run_id}", file=out)
    return result.exit_code


def _install_interrupt(handle: Any, task: asyncio.Task[Any] | None) -> Any:
    """First Ctrl+C cancels the run through the handle; the second stops waiting for it."""
    loop = asyncio.get_running_loop()

    def on_sigint() -> None:
        if not handle.cancelled:
            print(
                "\nCancelling: no new steps start; running Azure operations finish in Azure. "
                "Press Ctrl+C again to stop waiting.",
                file=sys.stderr,
            )
            handle.cancel("interrupted (Ctrl+C)")
        elif task is not None:
            task.cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, on_sigint)
    except (NotImplementedError, RuntimeError, ValueError):
        return lambda: None
    return lambda: loop.remove_signal_handler(signal.SIGINT)
