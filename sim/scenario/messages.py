"""Pydantic's validation errors in words: one line per problem naming file and key."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ValidationError,
)

from sim.scenario.interventions import INTERVENTION_KEYS, INTERVENTION_TYPES, InterventionBase
from sim.scenario.schema import ScenarioSpec


def _unwrap(ann: Any) -> tuple[Any, list[Any]]:
    """Strip ``Annotated`` and ``X | None`` from an annotation; return it and its constraints."""
    meta: list[Any] = []
    while True:
        if get_origin(ann) is Annotated:
            args = get_args(ann)
            ann = args[0]
            for m in args[1:]:
                meta.extend(getattr(m, "metadata", None) or [m])
            continue
        args = get_args(ann)
        if args and type(None) in args and get_origin(ann) not in (dict, list, tuple):
            rest = [a for a in args if a is not type(None)]
            if len(rest) == 1:
                ann = rest[0]
                continue
        return ann, meta


def _members(ann: Any) -> dict[str, type[BaseModel]]:
    """The tables of a discriminated union by their ``type`` tag (empty if ``ann`` is not one)."""
    args = get_args(ann) if get_origin(ann) in (Union, UnionType) else ()
    out: dict[str, type[BaseModel]] = {}
    for a in args:
        if not (isinstance(a, type) and issubclass(a, BaseModel) and "type" in a.model_fields):
            return {}
        for tag in get_args(a.model_fields["type"].annotation):
            out[str(tag)] = a
    return out


def _walk(loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any, list[Any]]:
    """The key path without union tags, and the annotation (and constraints) at ``loc``.

    Walks the schema by structure (model fields, dict values, list items, tuple
    positions), so a place called ``name`` is not mistaken for the field ``name``.
    Pydantic puts the tag of a discriminated union's member in the location
    (``interventions.0.sanction.financial``); a scenario file has no such key, so
    it is dropped from the path shown. The annotation is ``None`` if unknown.
    """
    ann: Any = ScenarioSpec
    meta: list[Any] = []
    shown: list[Any] = []
    for part in loc:
        ann, _ = _unwrap(ann)
        members = _members(ann)
        if members and isinstance(part, str) and part in members:
            ann, meta = members[part], []
            continue
        shown.append(part)
        if ann is None:
            continue
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            field = ann.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                ann, meta = None, []
                continue
            ann, meta = field.annotation, list(field.metadata)
            continue
        origin, args = get_origin(ann), get_args(ann)
        if origin is dict and len(args) == 2:
            ann, meta = args[1], []
        elif origin is list and args:
            ann, meta = args[0], []
        elif origin is tuple and isinstance(part, int) and part < len(args):
            ann, meta = args[part], []
        else:
            ann, meta = None, []
    ann, more = _unwrap(ann)
    return tuple(shown), ann, meta + more


def _annotation_at(loc: tuple[Any, ...]) -> tuple[Any, list[Any]]:
    """The annotation (and its constraints) of the value at ``loc``; ``None`` if unknown."""
    _, ann, meta = _walk(loc)
    return ann, meta


def _table_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The table (model class) at ``loc``, if it is one."""
    ann, _ = _annotation_at(loc)
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None


def _fields_of(loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed at a location (for did-you-mean suggestions)."""
    ann = _table_at(loc[:-1])
    if ann is not None:
        return [f for f in ann.model_fields if f not in ("source", "sha256", "files")]
    return []


def _bounds_text(meta: list[Any]) -> str:
    """``" in [0, 1]"``, ``" >= 0"`` ... from a field's constraints."""
    b = {}
    for m in meta:
        for k in ("ge", "gt", "le", "lt"):
            v = m.get(k) if isinstance(m, Mapping) else getattr(m, k, None)
            if v is not None:
                b[k] = v
    b = {k: (f"{v:.0e}".replace("e+0", "e") if abs(v) >= 1e6 else f"{v:g}") for k, v in b.items()}
    lo = ("ge", b["ge"]) if "ge" in b else ("gt", b["gt"]) if "gt" in b else None
    hi = ("le", b["le"]) if "le" in b else ("lt", b["lt"]) if "lt" in b else None
    if lo and hi:
        left = "[" if lo[0] == "ge" else "("
        right = "]" if hi[0] == "le" else ")"
        return f" in {left}{lo[1]}, {hi[1]}{right}"
    sym = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    if lo:
        return f" {sym[lo[0]]} {lo[1]}"
    if hi:
        return f" {sym[hi[0]]} {hi[1]}"
    return ""


_TYPE_WORDS = {
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a string",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD)",
    "list_type": "an array",
    "tuple_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
}


def _shown(found: Any) -> str:
    """How a found value appears in a message: short, and without Python noise."""
    if isinstance(found, Mapping):
        return "a table"
    if isinstance(found, float) and (math.isnan(found) or math.isinf(found)):
        return str(found)
    if isinstance(found, bool):
        return "true" if found else "false"
    text = repr(found)
    return text if len(text) <= 60 else text[:57] + "..."


def _expected(e: Any, meta: list[Any], ann: Any) -> str:
    """The "expected ..." phrase for one pydantic error."""
    t = e["type"]
    ctx = e.get("ctx") or {}
    if t == "literal_error":
        return f"one of {ctx.get('expected', '')}"
    if t in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        number = "a whole number" if ann is int else "a number"
        return number + (_bounds_text(meta) or _bounds_text([ctx]))
    if t == "too_short":
        return f"at least {ctx.get('min_length', 1)} item(s)"
    if t == "too_long":
        return f"at most {ctx.get('max_length')} item(s)"
    if t == "string_too_short":
        return "a non-empty string"
    word = _TYPE_WORDS.get(t)
    if word is None:
        msg = str(e.get("msg", "a valid value"))
        return msg[0].lower() + msg[1:] if msg else "a valid value"
    if word in ("a number", "a whole number", "a finite number"):
        word += _bounds_text(meta)
    return word


#: keys some intervention type uses
_ANY_TYPE_KEYS = {k for keys in INTERVENTION_KEYS.values() for k in keys}


def _tag_problem(found: Any) -> str:
    """The problem with an intervention's ``type``: missing, or not a known type."""
    tag = found.get("type") if isinstance(found, Mapping) else None
    if tag is None:
        return "expected a value, found nothing (required key)"
    *head, last = (f"'{t}'" for t in INTERVENTION_TYPES)
    options = f"{', '.join(head)} or {last}"
    guess = difflib.get_close_matches(tag, INTERVENTION_TYPES, n=1) if isinstance(tag, str) else []
    hint = f" (did you mean {guess[0]!r}?)" if guess else ""
    return f"expected one of {options}, found {_shown(tag)}{hint}"


def _format_errors(path: Path, err: ValidationError) -> list[str]:
    """One ``FILE: key.path: expected ..., found ...`` line per schema error."""
    lines: list[str] = []
    for e in err.errors():
        raw_loc = tuple(e["loc"])
        dict_key = bool(raw_loc) and raw_loc[-1] == "[key]"
        tagged = tuple(x for x in raw_loc if not (isinstance(x, str) and "[" in x))
        loc = _walk(tagged)[0]
        key = ".".join(str(x) for x in loc) or "(top level)"
        found = e.get("input")
        table = _table_at(tagged[:-1]) if tagged else None
        iv = table if table is not None and issubclass(table, InterventionBase) else None
        if e["type"] in ("union_tag_invalid", "union_tag_not_found"):
            lines.append(f"{path}: {key}.type: {_tag_problem(found)}")
            continue
        if e["type"] == "extra_forbidden" and iv is not None and loc[-1] in _ANY_TYPE_KEYS:
            # a key of another type: name the keys this one uses
            lines.append(
                f"{path}: {key}: expected only keys a {iv.kind()} uses "
                f"({', '.join(iv.keys())}), found {loc[-1]} = {_shown(found)}"
            )
            continue
        if e["type"] == "extra_forbidden":
            allowed = _fields_of(tagged)
            guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            lines.append(f"{path}: {key}: unknown key{hint}")
            continue
        if e["type"] == "missing":
            why = f"required in a {iv.kind()}" if iv is not None else "required key"
            lines.append(f"{path}: {key}: expected a value, found nothing ({why})")
            continue
        if e["type"] in ("value_error", "assertion_error"):
            msg = str(e["msg"])
            for prefix in ("Value error, ", "Assertion failed, "):
                if msg.startswith(prefix):
                    msg = msg[len(prefix) :]
            if msg.startswith("expected"):
                lines.append(f"{path}: {key}: {msg}")
            else:
                lines.append(f"{path}: {key}: expected {msg}, found {_shown(found)}")
            continue
        ann, meta = (None, []) if dict_key else _annotation_at(tagged)
        expected = _expected(e, meta, ann)
        hint = ""
        if e["type"] == "literal_error" and isinstance(found, str):
            options = [o.strip("'\" ") for o in re.split(r",| or ", str(e["ctx"]["expected"]))]
            guess = difflib.get_close_matches(found, [o for o in options if o], n=1)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        lines.append(f"{path}: {key}: expected {expected}, found {_shown(found)}{hint}")
    return lines
