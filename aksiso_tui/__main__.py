"""`python -m aksiso_tui` runs the same entry point as the `aksiso` command."""

from __future__ import annotations

import sys

from aksiso_tui.cli import main

if __name__ == "__main__":
    sys.exit(main())
