"""``python -m sim.experiments.validation``: the validation suite from the command line.

The command itself lives in :mod:`sim.cli.validate_model` (every command does);
this entry point only hands over to it (pyproject.toml lets it, and only it, import up).
"""

import sys

from sim.cli.validate_model import main

if __name__ == "__main__":
    sys.exit(main())
