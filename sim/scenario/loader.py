"""Loading scenario files: TOML, ``extends`` inheritance, ``--set`` overrides and a cache.

The cache is keyed by the files' paths, sizes and modification times; a test
compares results with it off.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import (
    ValidationError,
)

from sim.scenario.checks import _cross_check
from sim.scenario.interventions import intervention_names
from sim.scenario.messages import _format_errors
from sim.scenario.schema import SCENARIO_DIR, ScenarioError, ScenarioSpec

# --------------------------------------------------------------------------- loading


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(f"{path}: file not found")
        return None
    except OSError as exc:
        problems.append(f"{path}: cannot read ({exc.strerror})")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(f"{path}: line {line}: expected UTF-8 text, found byte {raw[exc.start]:#x}")
        return None
    if not text.strip():
        problems.append(f"{path}: expected a TOML scenario, found an empty file")
        return None
    try:
        data = tomllib.loads(text)
        if not data:  # comments and blank lines only: as good as empty
            problems.append(f"{path}: expected a TOML scenario, found no keys (only comments)")
            return None
        return data
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if where:
            msg = msg[: where.start()].strip()
            msg = msg[:1].lower() + msg[1:]
            problems.append(
                f"{path}: line {where[1]}, column {where[2]}: expected valid TOML, found {msg}"
            )
        elif "(at end of document)" in msg:
            msg = msg.replace("(at end of document)", "").strip()
            msg = msg[:1].lower() + msg[1:]
            last = text.rstrip("\n").count("\n") + 1
            problems.append(
                f"{path}: line {last}: expected valid TOML, found {msg} at the end of the file"
            )
        else:
            problems.append(f"{path}: expected valid TOML, found a syntax error: {msg}")
        return None
    except RecursionError:  # absurdly nested arrays: tomllib recurses per level
        problems.append(f"{path}: expected a TOML scenario, found nesting too deep to read")
        return None


def _merge(parent: dict[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``child`` onto ``parent``; ``interventions`` are appended."""
    out = copy.deepcopy(parent)
    for key, val in child.items():
        if key == "interventions" and isinstance(val, list):
            out[key] = list(out.get(key, [])) + copy.deepcopy(val)
        elif isinstance(val, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(dict(out[key]), val)
        else:
            out[key] = copy.deepcopy(val)
    return out


def _resolve(path: Path, problems: list[str], chain: tuple[Path, ...]) -> dict[str, Any] | None:
    data = _read_toml(path, problems)
    if data is None:
        return None
    parent_name = data.pop("extends", None)
    if parent_name is None:
        return data
    if not isinstance(parent_name, str):
        problems.append(f"{path}: extends: expected a file name, found {parent_name!r}")
        return None
    try:
        parent = (path.parent / parent_name).resolve()
        is_file = parent.is_file()
    except (OSError, ValueError):  # e.g. a NUL byte in the name
        parent, is_file = path.parent / "?", False
    if parent == path.resolve():
        problems.append(f"{path}: extends: a scenario cannot extend itself")
        return None
    if parent in chain:
        cycle = " -> ".join(p.name for p in (*chain, parent))
        problems.append(f"{path}: extends: cycle {cycle}")
        return None
    if not is_file:
        problems.append(f"{path}: extends: expected an existing file, found {parent_name!r}")
        return None
    base = _resolve(parent, problems, (*chain, parent))
    if base is None:
        return None
    # A child's description and name replace the parent's; so does a new horizon.
    return _merge(base, data)


def set_key(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``a.b.c = value`` inside nested dicts (lists indexed by number)."""
    parts = dotted.split(".")
    cur: Any = data
    for part in parts[:-1]:
        cur = cur[int(part)] if isinstance(cur, list) else cur.setdefault(part, {})
    last = parts[-1]
    if isinstance(cur, list):
        cur[int(last)] = value
    else:
        cur[last] = value


def parse_value(text: str) -> Any:
    """Parse the VALUE of ``--set KEY=VALUE`` as a TOML value (bare words are strings)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def load_scenario(
    path: str | Path | ScenarioSpec, overrides: Mapping[str, Any] | None = None
) -> ScenarioSpec:
    """Load, merge and validate a scenario file.

    Args:
        path: a TOML file (absolute, relative, or a bare name found in the
            working folder's ``scenarios/`` or else in the scenario library,
            :data:`SCENARIO_DIR`), or an already-loaded scenario (returned as
            is, or re-validated with ``overrides``).
        overrides: dotted key paths to values, applied after ``extends``
            (what ``--set KEY=VALUE`` does), validated like the file. An
            intervention is addressed by index or by name
            (``interventions.wagner_sanction.at``, see
            :func:`intervention_names`); setting its ``at``, ``week`` or
            ``when`` replaces the timing it had.

    Raises:
        ScenarioError: with one line per problem.
    """
    if isinstance(path, ScenarioSpec):
        if not overrides:
            return path
        # only what was set: defaults come back on validation, and the keys an
        # intervention states must stay the keys it stated
        data = path.model_dump(exclude={"source", "sha256", "files"}, exclude_unset=True)
        if "roads" in data:
            data["roads"] = [list(r) for r in data["roads"]]
        src = Path(path.source or path.name)
        _apply_overrides(data, overrides, src)
        return _validate(data, src, path.files, path.sha256 + repr(sorted(overrides.items())))
    p = Path(path)
    try:
        if not p.exists() and not p.is_absolute():
            # a bare name: the working folder's scenarios/ first, then the library (both
            # absolute, as the library always was: the same file, the same `source`)
            for folder in (Path.cwd() / "scenarios", SCENARIO_DIR):
                if (folder / p).exists():
                    p = folder / p
                    break
    except (OSError, ValueError):  # a name the file system cannot even look up
        raise ScenarioError([f"{p}: expected a scenario file name, found {str(path)!r}"]) from None
    if not overrides:
        cached = _cache_get(p)
        if cached is not None:
            return cached
        spec = _load_file(p, None)
        _cache_put(p, spec)
        return spec
    return _load_file(p, overrides)


#: loaded files, keyed by path; valid while no file of the extends chain changed
_CACHE: dict[str, tuple[tuple[tuple[str, int, int], ...], ScenarioSpec]] = {}


def _stamp(files: list[str]) -> tuple[tuple[str, int, int], ...] | None:
    try:
        return tuple(
            (str(Path(f).resolve()), (st := os.stat(f)).st_mtime_ns, st.st_size) for f in files
        )
    except OSError:
        return None


def _cache_get(p: Path) -> ScenarioSpec | None:
    """The cached spec, if every file of its chain is unchanged.

    Why: ``ProxyWarModel("file.toml")`` in a loop (``mesa.batch_run``, notebooks)
    would otherwise parse and validate the same files for every run, which costs
    more than the run itself. Specs are frozen (a changed scenario is a new one,
    made with ``overrides``) and models never change them (a sweep shares one
    spec across all its runs), so callers can share the cached one; a deep copy
    per load cost as much as a run's set-up.
    """
    hit = _CACHE.get(str(p.resolve()))
    if hit is None:
        return None
    stamp, spec = hit
    if _stamp(spec.files) != stamp:
        return None
    return spec


def _cache_put(p: Path, spec: ScenarioSpec) -> None:
    stamp = _stamp(spec.files)
    if stamp is not None:
        if len(_CACHE) > 128:
            _CACHE.clear()
        _CACHE[str(p.resolve())] = (stamp, spec)


def _load_file(p: Path, overrides: Mapping[str, Any] | None) -> ScenarioSpec:
    """Read, merge, override and validate a scenario file (no cache)."""
    problems: list[str] = []
    data = _resolve(p, problems, (p.resolve(),))
    if data is None:
        raise ScenarioError(problems)
    files = [str(p)]
    digest = hashlib.sha256()
    # hash every file in the extends chain, so a changed parent changes the hash
    cur: Path | None = p
    while cur is not None:
        digest.update(cur.read_bytes())
        parent = tomllib.loads(cur.read_text("utf-8")).get("extends")
        # shown as written (relative to the child), so reports don't leak absolute paths
        cur = cur.parent / parent if isinstance(parent, str) else None
        if cur is not None:
            files.append(os.path.normpath(cur))
    _apply_overrides(data, overrides or {}, p)
    if overrides:
        digest.update(repr(sorted(overrides.items())).encode())
    return _validate(data, p, files, digest.hexdigest())


def _apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any], p: Path) -> None:
    """Apply ``--set`` overrides; a path that cannot exist is a ScenarioError."""
    for key, val in overrides.items():
        dotted = _by_index(data, str(key), p)
        try:
            set_key(data, dotted, val)
        except (ValueError, IndexError, TypeError, AttributeError, KeyError):
            raise ScenarioError([f"{p}: {key}: expected an existing key path"]) from None
        _one_timing(data, dotted)


def _by_index(data: dict[str, Any], key: str, p: Path) -> str:
    """``interventions.NAME.rest`` as ``interventions.INDEX.rest`` (other keys as they are)."""
    parts = key.split(".")
    if len(parts) < 2 or parts[0] != "interventions" or re.fullmatch(r"-?\d+", parts[1]):
        return key
    items = data.get("interventions")
    names = intervention_names(items) if isinstance(items, list) else []
    if parts[1] not in names:
        guess = difflib.get_close_matches(parts[1], names, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        known = ", ".join(names) or "none in this scenario"
        raise ScenarioError(
            [f"{p}: {key}: expected an intervention name ({known}), found {parts[1]!r}{hint}"]
        )
    parts[1] = str(names.index(parts[1]))
    return ".".join(parts)


def _one_timing(data: dict[str, Any], dotted: str) -> None:
    """Setting an intervention's ``at``, ``week`` or ``when`` replaces its other timing.

    Why: an intervention has exactly one timing; moving a dated sanction to a
    week (what a lever of an exploratory study does) should not first require
    deleting its date.
    """
    parts = dotted.split(".")
    if len(parts) < 3 or parts[0] != "interventions" or parts[2] not in ("at", "week", "when"):
        return
    iv = data["interventions"][int(parts[1])]
    if isinstance(iv, dict):
        for other in ("at", "week", "when"):
            if other != parts[2]:
                iv.pop(other, None)


def _validate(data: dict[str, Any], p: Path, files: list[str], sha: str) -> ScenarioSpec:
    for reserved in ("source", "sha256", "files"):
        if reserved in data:
            raise ScenarioError([f"{p}: {reserved}: unknown key (reserved by the loader)"])
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_format_errors(p, err)) from None
    problems = _cross_check(spec, p)
    if problems:
        raise ScenarioError(problems)
    return spec.model_copy(update={"source": str(p), "sha256": sha, "files": files})


def list_scenarios(folder: Path = SCENARIO_DIR) -> list[tuple[str, str]]:
    """``(file name, description)`` of every scenario in a folder."""
    out = []
    for f in sorted(folder.glob("*.toml")):
        try:
            out.append((f.name, load_scenario(f).description))
        except ScenarioError as exc:
            out.append((f.name, f"INVALID: {exc.problems[0]}"))
    return out
