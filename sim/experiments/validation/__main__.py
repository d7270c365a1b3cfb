"""``python -m sim.experiments.validation``: the validation suite from the command line."""

import sys

from sim.experiments.validation.commands import main

if __name__ == "__main__":
    sys.exit(main())
