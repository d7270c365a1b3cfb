"""Thin entry point: `python run.py COMMAND ...` (same as the `proxywar` script)."""

import sys

from sim.cli import console_main

if __name__ == "__main__":
    sys.exit(console_main())
