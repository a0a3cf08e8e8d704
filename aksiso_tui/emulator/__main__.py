"""``python -m aksiso_tui.emulator``: the emulator without the rest of the CLI."""

from __future__ import annotations

import argparse
import sys

from aksiso_tui.emulator.cli import add_arguments, run_from_args


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aksiso emulator", description=__doc__)
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
