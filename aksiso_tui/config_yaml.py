"""YAML composed into nodes, so every field path maps to the line it was written on.

The walk also refuses documents that expand to too many nodes (alias "billion laughs" bombs),
recursive aliases, duplicate keys and keys that are not strings, before anything is constructed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

MAX_NODES = 20_000
"""Most YAML nodes a document may expand to, counting every use of an alias."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences accepted."""


class TooBig(Exception):
    """The document expands to more nodes, or nests deeper, than we accept."""


@dataclass
class Walk:
    """Result of walking the node tree: a line per field path, and shape problems found."""

    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    scalars: dict[tuple[str | int, ...], str] = field(default_factory=dict)
    problems: list[tuple[tuple[str | int, ...], int, str, str]] = field(default_factory=list)
    count: int = 0


def node_line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


_STR_TAG = "tag:yaml.org,2002:str"

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when installed (five times faster); both keep node marks (lines)."""


def walk_nodes(
    node: yaml.Node,
    path: tuple[str | int, ...],
    walk: Walk,
    stack: tuple[int, ...],
) -> None:
    """Record the line of every path under `node`; flag bombs, recursion and bad keys."""
    walk.count += 1
    if walk.count > MAX_NODES:
        raise TooBig(f"the document expands to more than {MAX_NODES} YAML nodes")
    if len(stack) > MAX_DEPTH:
        raise TooBig(f"the document nests deeper than {MAX_DEPTH} levels")
    walk.lines.setdefault(path, node_line(node))
    if id(node) in stack:
        walk.problems.append(
            (path, node_line(node), "a YAML alias refers to itself (recursive structure)", "")
        )
        return
    inner = (*stack, id(node))
    if isinstance(node, yaml.ScalarNode):
        walk.scalars.setdefault(path, node.value)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            walk_nodes(child, (*path, index), walk, inner)
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                walk.problems.append(
                    (
                        path,
                        node_line(key_node),
                        "a key must be a plain string, not a list or mapping",
                        "",
                    )
                )
                continue
            if key_node.tag != _STR_TAG:
                kind = key_node.tag.removeprefix("tag:yaml.org,2002:")
                walk.problems.append(
                    (
                        path,
                        node_line(key_node),
                        f"key {key_node.value!r} is read by YAML as {kind}, not a string; "
                        "keys must be strings",
                        f'quote it: "{key_node.value}"',
                    )
                )
                continue
            key = key_node.value
            if key in seen:
                walk.problems.append(
                    (
                        (*path, key),
                        node_line(key_node),
                        f"duplicate key {key!r} (first on line {seen[key]}); YAML keeps only "
                        "the last one",
                        "remove one of them",
                    )
                )
            else:
                seen[key] = node_line(key_node)
            walk.lines[(*path, key)] = node_line(key_node)
            walk_nodes(value_node, (*path, key), walk, inner)
        for value_node in merged:
            # `<<: *base` — keys of the merged mapping(s) count at their own lines, once.
            sources = (
                value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            )
            for source in sources:
                if isinstance(source, yaml.MappingNode):
                    walk_nodes(source, path, walk, inner)


def path_text(path: tuple[str | int, ...] | list[str | int]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def line_for(lines: dict[tuple[str | int, ...], int], loc: tuple[str | int, ...]) -> int | None:
    """The line of `loc`, or of the nearest enclosing path written in the file."""
    for end in range(len(loc), -1, -1):
        found = lines.get(tuple(loc[:end]))
        if found is not None:
            return found
    return None
