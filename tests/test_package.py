"""``pip install .`` (not editable) gives a working package, scenario library included.

The wheel is built from a copy of the source (so the checkout gets no build/
folder) without build isolation (setuptools from this environment: no
download), and installed without dependencies into a fresh venv that reaches
this environment's packages through a ``.pth`` line. A plain path line does
not run the ``.pth`` hooks of that folder, so this checkout's editable install
stays out of the way: the venv imports ``sim`` from the wheel. Everything runs
from a folder outside the checkout, without PYTHONPATH.
"""

import csv
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
#: what a build does not need (large or generated)
SKIP = shutil.ignore_patterns(
    ".git",
    ".venv",
    "results",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "notebooks",
    "benchmarks",
    "tests",
    "docs",
)


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{cmd}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the wheel installed; returns (venv bin folder, work folder, env)."""
    pytest.importorskip("setuptools")  # the dev extra brings it (offline wheel build)
    tmp = tmp_path_factory.mktemp("package")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["MPLBACKEND"] = "Agg"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _run(
        [*pip, "wheel", str(src), "--no-deps", "--no-build-isolation", "-q", "-w", "dist"], tmp, env
    )
    (wheel,) = (tmp / "dist").glob("proxywar-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, env)
    python = venv / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp, env
    )
    _run(
        [*pip, "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        tmp,
        env,
    )
    # only now this environment's packages become reachable: had pip seen this checkout's
    # (editable) proxywar there, it would have tried to uninstall it
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(purelib.strip(), "_proxywar_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    work = tmp / "elsewhere"
    work.mkdir()
    return venv / "bin", work, env


def test_the_installed_package_loads_library_scenarios_by_name(installed):
    bin_dir, work, env = installed
    code = (
        "import sim; from sim import load_scenario\n"
        "base = load_scenario('libya_2019.toml')\n"
        "whatif = load_scenario('libya_wagner_sanctions.toml')  # extends the baseline\n"
        "print(sim.__file__); print(base.source); print(whatif.files[-1])\n"
        "print(sim.simulate('teaching_line.toml', seed=1)['end_week'])\n"
    )
    out = _run([str(bin_dir / "python"), "-c", code], work, env).splitlines()
    site = str(bin_dir.parent)
    assert out[0].startswith(site) and out[0].endswith("sim/__init__.py")  # not the checkout
    assert out[1].startswith(site) and out[1].endswith("sim/_scenarios/libya_2019.toml")
    assert out[2].endswith("_scenarios/libya_2019.toml")
    assert int(out[3]) > 0


def test_the_installed_command_lists_the_library(installed):
    bin_dir, work, env = installed
    out = _run([str(bin_dir / "proxywar"), "list"], work, env)
    names = [line.split()[0] for line in out.splitlines()]
    shipped = sorted(p.name for p in (ROOT / "scenarios").glob("*.toml"))
    assert names == shipped
    assert "INVALID" not in out


def test_the_installed_command_sweeps_a_library_scenario(installed):
    bin_dir, work, env = installed
    cmd = [str(bin_dir / "proxywar"), "sweep", "libya_2019.toml", "--reps", "10"]
    out = _run([*cmd, "--workers", "1", "--no-progress", "--out", "sweep"], work, env)
    assert "libya_2019" in out
    with (work / "sweep" / "runs.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 10 and {r["status"] for r in rows} == {"ok"}
