"""Help texts of the command line: a sentence and the default for every option.

Why a separate table: ``sim.cli`` declares the options (types, choices,
defaults) and this module explains them, so ``proxywar X --help`` answers
"what does it do, what if I leave it out" without reading the code, and
the explanations can be edited without touching the parser.
"""

from __future__ import annotations

import argparse

_SEED = "root seed; replicate i's seed is derived from it and i"
_WORKERS = "worker processes (default: all CPU cores; 1 runs in this process)"
_WEEKS = (
    "run every replication this many weeks instead of the scenario's horizon_weeks "
    "(the outcome 'stalemate' then means no decision by this week)"
)
_SET = (
    "override a scenario value for this command, e.g. --set backers.turkey.resolve=0.5 "
    "(dotted key path, TOML value); repeatable; the overrides go into manifest.json"
)
_RESUME = (
    "continue an interrupted command in the same --out folder: finished replicates are "
    "kept, the rest are run (same arguments required)"
)
_EXECUTOR = (
    "how replications are run: auto (processes when more than one worker), inline "
    "(this process), process (a process pool), dask (a Dask cluster, see --scheduler); "
    "results are identical for every choice"
)
_SCHEDULER = "address of a running Dask scheduler (with --executor dask; default: a local cluster)"
_NO_PROGRESS = "do not show the progress bar on stderr (default: shown)"

#: (subcommand, option dest) -> help sentence; "%(default)s" is filled in by argparse
HELP: dict[tuple[str, str], str] = {
    ("run", "scenario"): "scenario TOML file (see `proxywar list`)",
    ("run", "seed"): "the run's seed (default: %(default)s)",
    ("run", "weeks"): _WEEKS,
    ("run", "out"): "output folder for timeline.csv, events.csv and the figures "
    "(default: %(default)s)",
    ("run", "set"): _SET,
    ("validate", "scenario"): "one or more scenario TOML files to check",
    ("sweep", "scenario"): "one or more scenario TOML files; replicate i uses the same seed "
    "in each (common random numbers)",
    ("sweep", "reps"): "replications per scenario (default: %(default)s)",
    ("sweep", "seed"): _SEED + " (default: %(default)s)",
    ("sweep", "workers"): _WORKERS,
    ("sweep", "out"): "output folder (default: %(default)s)",
    ("sweep", "resume"): _RESUME,
    ("sweep", "set"): _SET,
    ("sweep", "weeks"): _WEEKS,
    ("sweep", "executor"): _EXECUTOR + " (default: %(default)s)",
    ("sweep", "scheduler"): _SCHEDULER,
    ("sweep", "no_progress"): _NO_PROGRESS,
    ("compare", "baseline"): "the baseline scenario TOML file",
    ("compare", "alternative"): "one or more what-if scenario files, each paired with the "
    "baseline replicate by replicate",
    ("compare", "reps"): "replicates per arm (default: %(default)s; the first batch with "
    "--precision)",
    ("compare", "seed"): _SEED + " (default: %(default)s)",
    ("compare", "workers"): _WORKERS,
    ("compare", "out"): "output folder (default: %(default)s)",
    ("compare", "weeks"): _WEEKS,
    ("compare", "max_reps"): "with --precision: stop adding replicates at this many per arm "
    "(default: %(default)s)",
    ("compare", "no_progress"): _NO_PROGRESS,
    ("compare", "set"): _SET + "; applied to every arm",
    ("compare", "interval"): "paired interval: t (Student's t on the per-replicate "
    "differences) or bca (BCa bootstrap, slower, for skewed differences) (default: "
    "%(default)s)",
    ("compare", "resume"): _RESUME,
    ("compare", "executor"): _EXECUTOR + " (default: %(default)s)",
    ("compare", "scheduler"): _SCHEDULER,
    ("sensitivity", "scenario"): "the scenario TOML file whose parameters are varied",
    ("sensitivity", "param"): "a parameter and its range, e.g. "
    "--param backers.turkey.resolve=0.5:1.5 (a whole number range for an integer "
    "parameter); repeat for each parameter to vary; at least one is required",
    ("sensitivity", "samples"): "base samples N of the Sobol' design; the model runs at "
    "N x (parameters + 2) design points (default: %(default)s)",
    ("sensitivity", "seed"): _SEED + " (default: %(default)s)",
    ("sensitivity", "workers"): _WORKERS,
    ("sensitivity", "out"): "output folder (default: %(default)s)",
    ("sensitivity", "weeks"): _WEEKS,
    ("sensitivity", "reps"): "replicates per design point, with the same seeds at every point "
    "(default: %(default)s)",
    ("sensitivity", "set"): _SET + "; applied before the parameters are varied",
    ("sensitivity", "resume"): _RESUME,
    ("sensitivity", "executor"): _EXECUTOR + " (default: %(default)s)",
    ("sensitivity", "no_progress"): _NO_PROGRESS,
}

EPILOGS: dict[str, str] = {
    "run": "examples:\n"
    "  proxywar run scenarios/libya_2019.toml --seed 3 --out results/run\n"
    "  proxywar run scenarios/libya_2019.toml --weeks 52 --set backers.turkey.resolve=0.5",
    "validate": "examples:\n  proxywar validate scenarios/*.toml",
    "list": "examples:\n  proxywar list",
    "sweep": "examples:\n"
    "  proxywar sweep scenarios/libya_2019.toml --reps 200 --seed 1 --out results/sweep\n"
    "  proxywar sweep scenarios/libya_2019.toml scenarios/libya_turkey_surge.toml "
    "--reps 500 --workers 4\n"
    "  proxywar sweep scenarios/libya_2019.toml --reps 200 --seed 1 --out results/sweep "
    "--resume",
    "compare": "examples:\n"
    "  proxywar compare scenarios/libya_2019.toml scenarios/libya_wagner_sanctions.toml "
    "--reps 200\n"
    "  proxywar compare scenarios/libya_2019.toml scenarios/libya_turkey_surge.toml "
    "--precision 0.03 --max-reps 2000 --at-date 2020-06-01",
    "sensitivity": "examples:\n"
    "  proxywar sensitivity scenarios/libya_2019.toml --samples 64 --reps 8\n"
    "  proxywar sensitivity scenarios/libya_2019.toml "
    "--param backers.turkey.resolve=0.5:1.5 --param groups.wagner.casualty_aversion=0.5:2",
}


def document(parser: argparse.ArgumentParser) -> None:
    """Fill in the help sentence of every option and an examples epilog per subcommand.

    The sentences here replace the short ones in the parser; an option not
    listed keeps its own, with the default added where it does not say one.
    """
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for name, sub in action.choices.items():
            if name in EPILOGS:
                sub.epilog = EPILOGS[name]
                sub.formatter_class = argparse.RawDescriptionHelpFormatter
            for a in sub._actions:
                if isinstance(a, argparse._HelpAction):
                    continue
                text = HELP.get((name, a.dest))
                if text is not None:
                    a.help = text
                elif a.help and "default" not in a.help and a.default not in (None, False):
                    a.help += " (default: %(default)s)"
