"""Build hook: ship the scenario library inside the package.

The top-level ``scenarios/`` folder is the one source of the library. A wheel
(``pip install .``, ``python -m build``) gets a copy of its TOML files as
``sim/_scenarios/``, which :data:`sim.scenario.SCENARIO_DIR` finds through
``importlib.resources`` when ``sim`` runs from an installed package. An
editable install reads ``scenarios/`` itself, so nothing is copied there.
Everything else about the package is in ``pyproject.toml``.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LIBRARY = Path(__file__).resolve().parent / "scenarios"


class BuildPyWithScenarios(build_py):
    """``build_py`` that also copies ``scenarios/**/*.toml`` to ``sim/_scenarios/``."""

    def run(self) -> None:
        """Build the Python files, then add the scenario library beside them."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        dest = Path(self.build_lib) / "sim" / "_scenarios"
        for src in sorted(LIBRARY.rglob("*.toml")):
            target = dest / src.relative_to(LIBRARY)
            self.mkpath(str(target.parent))
            self.copy_file(str(src), str(target))


setup(cmdclass={"build_py": BuildPyWithScenarios})
