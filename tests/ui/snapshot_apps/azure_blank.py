"""Snapshot app: the azure step, blank.

The core (the Spec's help) is imported first, so the help panel looks the same whether or not an
earlier test in this process imported it already.
"""

from _wizard import build

import aksiso_tui.ui.help
import aksiso_tui.ui.state  # noqa: F401

app = build("azure", None)
