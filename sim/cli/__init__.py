"""Command line: ``python run.py COMMAND ...`` or ``proxywar COMMAND ...``.

Exit status: 0 done; 2 bad input (a scenario file, an argument) with a
one-line message per problem naming the file and key; 1 anything else.
"""

from __future__ import annotations

import argparse
import csv
import gc
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sim.cli.arguments import UsageError, parse_sets
from sim.experiments.faults import BadInputError, check_out_dir, folder_lock
from sim.scenario import (
    SCENARIO_DIR,
    ScenarioError,
    ScenarioSpec,
    list_scenarios,
    load_scenario,
)


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() owns the exit status."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _int_at_least(minimum: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number >= ``minimum`` (``what`` names it in errors)."""

    def parse(text: str) -> int:
        digits = len(text.strip().lstrip("+-"))
        limit = sys.get_int_max_str_digits() or 4300
        if digits > limit:  # int() would refuse with a message about its own internals
            raise argparse.ArgumentTypeError(
                f"expected {what} of at most {limit} digits, found one of {digits} digits"
            )
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
        if v < minimum:
            raise argparse.ArgumentTypeError(f"expected {what} >= {minimum}, found {v}")
        return v

    return parse


_positive_int = _int_at_least(1, "a number")
_seed = _int_at_least(0, "a seed")


_ENSEMBLE_HELP = (
    "parameter sets (a calibration's ensemble.csv): replicate i runs set i mod M, so "
    "probabilities include parameter uncertainty"
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    p = _Parser(prog="proxywar", description="Agent-based simulation of proxy wars (Mesa).")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    r = sub.add_parser("run", help="one replication: timeline CSV, front plot, final map")
    r.add_argument("scenario")
    r.add_argument("--seed", type=_seed, default=0)
    r.add_argument("--weeks", type=_positive_int, default=None)
    r.add_argument("--out", default="results/run")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")

    v = sub.add_parser("validate", help="check scenario files and say what is wrong")
    v.add_argument("scenario", nargs="+")

    sub.add_parser(
        "list", help="the scenario library (and ./scenarios/, if any) with their descriptions"
    )

    s = sub.add_parser("sweep", help="Monte Carlo replications of each scenario")
    s.add_argument("scenario", nargs="+")
    s.add_argument("--reps", type=_positive_int, default=100)
    s.add_argument("--seed", type=_seed, default=0)
    s.add_argument("--workers", type=_positive_int, default=None)
    s.add_argument("--out", default="results/sweep")
    s.add_argument("--resume", action="store_true")
    s.add_argument("--force", action="store_true", help="replace a different run already in --out")
    s.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    s.add_argument("--weeks", type=_positive_int, default=None)
    s.add_argument("--executor", choices=("auto", "inline", "process", "dask"), default="auto")
    s.add_argument("--scheduler", default=None, help="address of a Dask scheduler")
    s.add_argument("--no-progress", action="store_true")
    s.add_argument("--ensemble", default=None, metavar="FILE", help=_ENSEMBLE_HELP)

    c = sub.add_parser("compare", help="policy what-if: alternatives against a baseline")
    c.add_argument("baseline")
    c.add_argument("alternative", nargs="+")
    c.add_argument("--reps", type=_positive_int, default=100)
    c.add_argument("--seed", type=_seed, default=0)
    c.add_argument("--workers", type=_positive_int, default=None)
    c.add_argument("--out", default="results/compare")
    c.add_argument("--weeks", type=_positive_int, default=None)
    c.add_argument(
        "--precision",
        type=float,
        default=None,
        metavar="H",
        help="add replicates in batches until every probability difference's 95%% "
        "half-width is <= H (or --max-reps)",
    )
    c.add_argument("--max-reps", type=_positive_int, default=2000)
    c.add_argument("--no-progress", action="store_true")
    c.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    c.add_argument(
        "--at-date",
        action="append",
        default=[],
        metavar="YYYY-MM-DD",
        help="compare the front (and outcomes so far) on this date as well as at the "
        "horizon; repeatable (default: one year in)",
    )
    c.add_argument("--interval", choices=("t", "bca"), default="t")
    c.add_argument("--resume", action="store_true")
    c.add_argument("--force", action="store_true", help="replace a different run already in --out")
    c.add_argument("--executor", choices=("auto", "inline", "process", "dask"), default="auto")
    c.add_argument("--scheduler", default=None, help="address of a Dask scheduler")
    c.add_argument("--ensemble", default=None, metavar="FILE", help=_ENSEMBLE_HELP)

    t = sub.add_parser("sensitivity", help="how outcomes depend on chosen parameters")
    t.add_argument("scenario")
    t.add_argument("--param", action="append", default=[], metavar="KEY=LOW:HIGH")
    t.add_argument("--samples", type=_positive_int, default=64)
    t.add_argument("--seed", type=_seed, default=0)
    t.add_argument("--workers", type=_positive_int, default=None)
    t.add_argument("--out", default="results/sensitivity")
    t.add_argument("--weeks", type=_positive_int, default=None)
    t.add_argument(
        "--reps", type=_positive_int, default=8, help="replicates per design point (same seeds)"
    )
    t.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    t.add_argument("--resume", action="store_true")
    t.add_argument("--force", action="store_true", help="replace a different run already in --out")
    t.add_argument("--executor", choices=("auto", "inline", "process", "dask"), default="auto")
    t.add_argument("--no-progress", action="store_true")
    t.add_argument("--ensemble", default=None, metavar="FILE", help=_ENSEMBLE_HELP)

    m = sub.add_parser(
        "validate-model",
        help="paired checks that the model's policy answers have the right sign; "
        "writes docs/validation.md",
    )
    m.add_argument("--pairs", type=_positive_int, default=None, help="pairs per check (1000)")
    m.add_argument("--workers", type=_positive_int, default=None, help="processes (2)")
    m.add_argument("--seed", type=_seed, default=None, help="root seed (2019)")
    m.add_argument("--out", default=None, help="report path (docs/validation.md)")

    from sim.cli.calibrate import add_parser as add_calibrate

    add_calibrate(sub, _positive_int, _seed)
    from sim.cli.help_texts import document

    document(p)  # a sentence and the default for every option, examples per subcommand
    return p


def cmd_list(args: argparse.Namespace) -> int:
    """Print the scenarios a bare name can load, one line each.

    The library (the checkout's ``scenarios/``, or the copy an installed
    package ships); a working folder's own ``scenarios/``, which a bare name
    finds first, is listed before it under its name.
    """
    folders = [SCENARIO_DIR]
    local = Path("scenarios")
    if local.is_dir() and local.resolve() != SCENARIO_DIR.resolve():
        folders.insert(0, local)
    for i, folder in enumerate(folders):
        rows = list_scenarios(folder)
        if len(folders) > 1:
            print(f"\n{folder}:" if i else f"{folder}:")
        width = max((len(n) for n, _ in rows), default=0)
        for name, desc in rows:
            print(f"{name:<{width}}  {desc}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check each file; one summary line if valid, one line per problem if not."""
    bad = 0
    for path in args.scenario:
        try:
            spec = load_scenario(path)
        except ScenarioError as exc:
            bad += 1
            for line in exc.problems:
                print(line, file=sys.stderr)
            continue
        print(
            f"{path}: ok: {len(spec.factions)} factions, {len(spec.backers)} backers, "
            f"{len(spec.groups)} mercenary groups, {len(spec.places)} places, "
            f"{len(spec.roads)} roads, {len(spec.interventions)} interventions, "
            f"{spec.horizon_weeks} weeks from {spec.start_date}"
        )
    return 2 if bad else 0


def cmd_run(args: argparse.Namespace) -> int:
    """One replication: weekly timeline CSV, front plot, final map."""
    spec = load_scenario(args.scenario, parse_sets(args.set))
    out = check_out_dir(args.out)  # before the run: a bad --out is a bad argument
    with folder_lock(out, "run"):
        return _run_locked(args, spec, out)


def _run_locked(args: argparse.Namespace, spec: ScenarioSpec, out: Path) -> int:
    """:func:`cmd_run` once it holds the folder's lock."""
    from sim.model.model import ProxyWarModel
    from sim.viz.plots import plot_front_timeline, plot_map

    model = ProxyWarModel(spec, rng=args.seed, weeks=args.weeks)
    model.run()
    df = model.datacollector.get_model_vars_dataframe()
    # the weekly flag is a "static week", not the stalemate outcome (docs/outputs.md)
    df.rename(columns={"stalemate": "static_week"}).to_csv(out / "timeline.csv", index=False)
    with (out / "events.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)  # descriptions may hold commas and quotes
        writer.writerow(["week", "date", "actor", "kind", "detail", "place"])
        for e in model.events:
            date = spec.date_of(e.week).isoformat()
            writer.writerow([e.week, date, e.actor, e.kind, e.detail, e.place or ""])
    sets = parse_sets(args.set)
    plot_front_timeline(model, out / "front.png", overrides=sets)
    plot_map(model, out / "map.png", overrides=sets)
    s = model.summary()
    objective = spec.places[spec.front.objective].name
    print(
        f"{spec.name} seed {args.seed}: {s['outcome']} in week {s['end_week']} "
        f"({s['end_date']}); front {s['front_km']:.0f} km by road from {objective}; "
        f"casualties {s['casualties']:.0f}"
    )
    names = ", ".join(str(out / n) for n in ("timeline.csv", "events.csv", "front.png", "map.png"))
    print(f"wrote {names}")
    return 0


#: the commands that run the model (and so import Mesa)
_MODEL_COMMANDS = frozenset(
    {"run", "sweep", "compare", "sensitivity", "validate-model", "calibrate"}
)


def _import_mesa_here() -> None:
    """Import Mesa from this shallow frame, before the command's own modules.

    Why: importing ``mesa.model`` (Mesa 3.5) runs a logging decorator that calls
    ``inspect.getouterframes``, which looks up the module of every frame on the
    stack and scans ``sys.modules`` for each frame of the import machinery, so
    it costs more the deeper the import. Under the ten nested imports that lead
    ``sweep`` to the model, ``mesa.model`` took about 0.2 s; imported from here,
    about half that (``python -X importtime``). Results do not depend on the
    import order.
    """
    import mesa  # noqa: F401


def _dispatch(args: argparse.Namespace) -> int:
    cmd = args.command
    if cmd in _MODEL_COMMANDS:
        _import_mesa_here()
    if cmd == "list":
        return cmd_list(args)
    if cmd == "validate":
        return cmd_validate(args)
    if cmd == "run":
        return cmd_run(args)
    if cmd == "sweep":
        from sim.cli.sweep import cmd_sweep

        return cmd_sweep(args)
    if cmd == "compare":
        from sim.cli.compare import cmd_compare

        return cmd_compare(args)
    if cmd == "sensitivity":
        from sim.cli.sensitivity import cmd_sensitivity

        return cmd_sensitivity(args)
    if cmd == "validate-model":
        from sim.cli.validate_model import cmd_validate_model

        return cmd_validate_model(args)
    if cmd == "calibrate":
        from sim.cli.calibrate import cmd_calibrate

        return cmd_calibrate(args)
    raise UsageError(f"unknown command {cmd!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return _dispatch(args)
    except ScenarioError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 2
    except (UsageError, BadInputError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the contract: exit 1, a message, no traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def console_main() -> int:
    """The program's entry point: ``run.py``, ``python -m sim.cli`` and ``proxywar``.

    :func:`main`, then ``gc.freeze()`` just before the interpreter exits. Why: on
    exit Python runs its cyclic collector over every object still alive; after a
    model command imported Mesa, pandas, scipy and matplotlib that is about
    180,000 objects, 0.3-0.6 s of a 3 s ten-run sweep spent on memory the
    operating system takes back anyway. Frozen objects are skipped. What that
    gives up, finalizers of objects on reference cycles at exit, no command
    needs: every file is written and closed before :func:`main` returns, and
    the standard streams are flushed by the interpreter. Tests and notebooks
    call :func:`main`, which leaves the collector alone.
    """
    status = main()
    gc.freeze()
    return status
