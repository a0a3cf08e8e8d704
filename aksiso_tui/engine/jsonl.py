"""`--events jsonl`: the event stream for automation, one redacted JSON object per line.

Each line is :func:`~aksiso_tui.engine.events.to_json` of one event, written and flushed as it
happens, so a consumer reading a pipe sees steps as they start and finish.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from aksiso_tui.engine.events import Event, to_json


class JsonlWriter:
    """Subscriber writing one JSON object per event to `stream` (stdout by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout

    def __call__(self, event: Event) -> None:
        self.stream.write(json.dumps(to_json(event), separators=(",", ":")) + "\n")
        self.stream.flush()
