"""Reading and writing config files: YAML text in, a `Spec` plus Findings out, and back.

Loading never raises for bad input. Every problem — unreadable file, bad encoding, malformed YAML,
wrong shape, unknown keys, wrong types, missing keys, values outside an enum — becomes an error
Finding whose `where` is the field path (`network.aks_subnet.prefix`) and whose message starts
with the YAML line it came from ("line 12: ..."). All problems are reported at once.

The YAML is composed into a node tree first (`config_yaml`), so that every field path can be
mapped to the line it was written on; pydantic's error locations are then mapped onto those lines.

Semantic rules (is this CIDR inside its VNet, is `block` allowed here) live in `validate.py`.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from aksiso_tui.config_yaml import (
    MAX_DEPTH,
    Loader,
    TooBig,
    Walk,
    line_for,
    node_line,
    path_text,
    walk_nodes,
)
from aksiso_tui.findings import Finding, error
from aksiso_tui.spec import Spec, spec_to_data, submodel_of

MAX_CONFIG_BYTES = 1_000_000
"""Config files larger than this are refused (a real one is well under 10 kB)."""

MINIMAL_EXAMPLE = (
    "subscription: <GUID>, resource_group: <name>, location: <region>, cluster: {name: <name>}"
)

__all__ = [
    "dump_spec_text",
    "load_spec_file",
    "load_spec_text",
    "save_spec_file",
]


# --- pydantic errors -> Findings ---------------------------------------------------------------


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the fields at `loc` (e.g. `("network","vnet")` -> VnetSpec)."""
    model: type[BaseModel] = Spec
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        sub = submodel_of(info.annotation)
        if sub is None:
            return None
        model = sub
    return model


def _short(value: object, limit: int = 60) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "model_type": "a mapping (key: value pairs)",
    "model_attributes_type": "a mapping (key: value pairs)",
    "dict_type": "a mapping (key: value pairs)",
}


def _finding_for(err: Any, walk: Walk) -> Finding:
    lines = walk.lines
    loc: tuple[str | int, ...] = tuple(
        part for part in err.get("loc", ()) if isinstance(part, str | int)
    )
    kind = err.get("type", "")
    value = err.get("input")
    where = path_text(loc) or "(top level)"
    line = line_for(lines, loc)
    prefix = f"line {line}: " if line is not None else ""
    name = loc[-1] if loc else ""
    ctx = err.get("ctx") or {}

    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return error(
            where,
            f"{prefix}unknown key {name!r}. Allowed here: {', '.join(allowed)}.",
            f"{hint}Remove or rename {name!r}.",
        )
    if kind == "missing":
        return error(
            where,
            f"{prefix}missing required key {name!r}",
            f"add `{name}:` under `{path_text(loc[:-1]) or 'the top level'}`",
        )
    if kind == "enum":
        expected = ctx.get("expected", "")
        return error(
            where,
            f"{prefix}{_short(value)} is not allowed; allowed values: {expected}",
            f"use one of {expected}",
        )
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return error(
            where, f"{prefix}{_short(value)}: {err.get('msg', '')}", "use a value in range"
        )
    if kind in _TYPE_NAMES:
        wanted = _TYPE_NAMES[kind]
        fix = f"write {wanted}"
        if kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
            written = walk.scalars.get(loc, str(value))
            fix = f'quote it so YAML keeps it a string: "{written}"'
        elif kind == "string_type" and value is not None and not isinstance(value, str):
            fix = "quote the value so YAML keeps it a string"
        elif kind.startswith("model") and value is None:
            fix = f"fill in `{name}:` or remove the key"
        got = "nothing (null)" if value is None else f"{type(value).__name__} {_short(value)}"
        return error(where, f"{prefix}expected {wanted}, got {got}", fix)
    msg = str(err.get("msg", "invalid value"))
    return error(where, f"{prefix}{msg} (value {_short(value)})", "correct the value")


# --- public API ---------------------------------------------------------------------------------


def load_spec_text(
    text: str | bytes, source: str = "<string>"
) -> tuple[Spec | None, list[Finding]]:
    """Parse config YAML into a Spec. On any problem: (None, error findings), never an exception."""
    try:
        return _load(text, source)
    except Exception as exc:  # a last line of defence: bad input must never become a traceback
        return None, [error(source, f"could not read the config: {type(exc).__name__}: {exc}")]


def load_spec_file(path: str | Path) -> tuple[Spec | None, list[Finding]]:
    """Read and parse a config file. On any problem: (None, error findings), never an exception."""
    source = str(path)
    try:
        p = Path(path)
        if p.is_dir():
            return None, [error(source, "is a directory, not a config file", "name a YAML file")]
        with p.open("rb") as handle:  # bounded read: also safe on /dev/zero or a pipe
            data = handle.read(MAX_CONFIG_BYTES + 1)
        if len(data) > MAX_CONFIG_BYTES:
            return None, [
                error(
                    source,
                    f"file is larger than {MAX_CONFIG_BYTES} bytes; config files are refused "
                    "above that",
                    "check that this is the right file",
                )
            ]
    except FileNotFoundError:
        return None, [error(source, "file not found", "check the path")]
    except PermissionError:
        return None, [error(source, "permission denied reading the file", "check its permissions")]
    except (OSError, ValueError) as exc:
        return None, [error(source, f"cannot read the file: {exc}", "check the path")]
    return load_spec_text(data, source)


def _decode(data: bytes, source: str) -> tuple[str | None, list[Finding]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            error(
                source,
                f"line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                "save the file as UTF-8",
            )
        ]


def _load(raw: str | bytes, source: str) -> tuple[Spec | None, list[Finding]]:
    if isinstance(raw, bytes | bytearray):
        if len(raw) > MAX_CONFIG_BYTES:
            return None, [error(source, f"config is larger than {MAX_CONFIG_BYTES} bytes")]
        text, problems = _decode(bytes(raw), source)
        if text is None:
            return None, problems
    else:
        text = raw
        if len(text) > MAX_CONFIG_BYTES:
            return None, [error(source, f"config is larger than {MAX_CONFIG_BYTES} characters")]
        text = text.removeprefix("\ufeff")

    try:
        loader = Loader(text)
    except yaml.reader.ReaderError as exc:
        return None, [_bad_character(text, exc, source)]
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            problem = exc.problem or exc.context or "malformed YAML"
            context = f" ({exc.context})" if exc.context and exc.problem else ""
            return None, [
                error(
                    source,
                    f"{where}malformed YAML: {problem}{context}",
                    "fix the YAML syntax (indentation, quotes, colons)",
                )
            ]
        except yaml.reader.ReaderError as exc:
            return None, [_bad_character(text, exc, source)]
        except yaml.YAMLError as exc:
            return None, [error(source, f"malformed YAML: {exc}", "fix the YAML syntax")]
        except RecursionError:
            return None, [error(source, "the YAML nests too deeply", "flatten the document")]
        if node is None or (
            isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"
        ):
            return None, [
                error(
                    source,
                    "the config file is empty",
                    f"write at least: {MINIMAL_EXAMPLE}",
                )
            ]
        if not isinstance(node, yaml.MappingNode):
            kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
            return None, [
                error(
                    source,
                    f"line {node_line(node)}: the top level must be a mapping of keys, not {kind}",
                    f"write keys at the top level: {MINIMAL_EXAMPLE}",
                )
            ]

        walk = Walk()
        try:
            walk_nodes(node, (), walk, ())
        except (TooBig, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, TooBig) else "the YAML nests too deeply"
            return None, [
                error(
                    source,
                    f"refused: {reason} (too many aliases, or too deep)",
                    "write the config out plainly, without repeated aliases",
                )
            ]
        findings = [
            error(path_text(path) or "(top level)", f"line {line}: {message}", fix)
            for path, line, message, fix in walk.problems
        ]
        if any("refers to itself" in f.message for f in findings):
            return None, findings
        try:
            data = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            if not findings:
                findings.append(
                    error(source, f"{where}{exc.problem or exc}", "use plain YAML, without tags")
                )
            return None, findings
    finally:
        loader.dispose()

    if not isinstance(data, dict):
        return None, [*findings, error(source, "the top level must be a mapping of keys")]
    # Non-string keys were reported above; drop them so pydantic reports the rest.
    data = _string_keys(data)
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        findings.extend(_finding_for(err, walk) for err in exc.errors())
        return None, findings
    if findings:
        return None, findings
    return spec, []


def _bad_character(text: str, exc: yaml.reader.ReaderError, source: str) -> Finding:
    line = text[: max(exc.position, 0)].count("\n") + 1
    return error(
        source,
        f"line {line}: character {_codepoint(exc.character)} is not allowed in YAML",
        "remove control characters from the file",
    )


def _codepoint(character: object) -> str:
    code = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
    return f"U+{code:04X}"


def _string_keys(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {k: _string_keys(v, depth + 1) for k, v in value.items() if isinstance(k, str)}
    if isinstance(value, list):
        return [_string_keys(v, depth + 1) for v in value]
    return value


def dump_spec_text(spec: Spec) -> str:
    """The spec as YAML, keys in the config file's documented order, empty keys left out.

    `outbound_after_disable` is written only for `scenario: disable` or when it is not the
    default, since it means nothing to the other scenarios.
    """
    data = spec_to_data(spec)
    if (
        data.get("scenario") != "disable"
        and data.get("outbound_after_disable") == _DEFAULT_AFTER_DISABLE
    ):
        data.pop("outbound_after_disable", None)
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True)


_DEFAULT_AFTER_DISABLE = str(Spec.model_fields["outbound_after_disable"].default)


def save_spec_file(spec: Spec, path: str | Path) -> None:
    """Write the spec to `path` as YAML (atomically: a temporary file, then a rename)."""
    target = Path(path)
    text = dump_spec_text(spec)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
