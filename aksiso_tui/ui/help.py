"""Help text for the wizard, read from the Spec's field docstrings (never written twice).

`field_help("network.aks_subnet.prefix")` is the docstring of that field. For a choice field whose
docstring lists its values as "`managed`: ...", `choice_help("registry.mode")` splits it into the
introduction and one explanation per value, which the option cards show.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel

from aksiso_tui.spec import Spec

_VALUE_LINE = re.compile(r"^`([A-Za-z_]+)`(?:\s*\(([^)]*)\))?:\s*", re.MULTILINE)
_INLINE_VALUE = re.compile(r"`([A-Za-z_]+)`\s+([^;`]+?)(?:;|\.?$)")
"""Values described in one sentence: "`create` a new cluster; `migrate` an existing one"."""


def _submodel(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        for arg in typing.get_args(annotation):
            found = _submodel(arg)
            if found is not None:
                return found
    return None


@cache
def field_help(path: str) -> str:
    """The docstring of the field at `path` as one paragraph, or "" if it has none."""
    model: type[BaseModel] = Spec
    parts = path.split(".")
    for index, part in enumerate(parts):
        info = model.model_fields.get(part)
        if info is None:
            return ""
        if index == len(parts) - 1:
            return _unwrap(info.description or "")
        sub = _submodel(info.annotation)
        if sub is None:
            return ""
        model = sub
    return ""


def _unwrap(text: str) -> str:
    """Join the docstring's wrapped lines, keeping the "`value`: ..." lines apart."""
    lines = text.splitlines()
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if out and not _VALUE_LINE.match(stripped):
            out[-1] = f"{out[-1]} {stripped}".strip()
        else:
            out.append(stripped)
    return "\n".join(out)


@dataclass(frozen=True)
class ChoiceHelp:
    intro: str
    """What the field is about, before the list of values."""
    values: dict[str, str]
    """Explanation per value (what it means, what it costs)."""
    aside: dict[str, str]
    """The parenthesis after a value, e.g. "bring your own" or "preview"."""


@cache
def choice_help(path: str) -> ChoiceHelp:
    text = field_help(path)
    matches = list(_VALUE_LINE.finditer(text))
    if not matches:
        inline = dict(_INLINE_VALUE.findall(text))
        if inline:
            return ChoiceHelp(
                "", {k: f"{k.capitalize()} {v.strip()}." for k, v in inline.items()}, {}
            )
        return ChoiceHelp(text, {}, {})
    intro = text[: matches[0].start()].strip()
    values: dict[str, str] = {}
    aside: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        values[match.group(1)] = " ".join(text[match.end() : end].split())
        if match.group(2):
            aside[match.group(1)] = match.group(2)
    return ChoiceHelp(intro, values, aside)


def first_sentence(text: str) -> str:
    """The first sentence of a help text (for tight spots)."""
    head, dot, _ = text.partition(". ")
    return head + dot.strip() if dot else text
