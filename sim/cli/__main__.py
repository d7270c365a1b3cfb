"""``python -m sim.cli``: the command line (as ``python run.py`` and ``proxywar``)."""

import sys

from sim.cli import console_main

if __name__ == "__main__":
    sys.exit(console_main())
