"""Figures: single-run plots (front over time, the map) and sweep/comparison figures.

Why matplotlib with the Agg backend: figures are written to files by the CLI
and shown inline by notebooks; nothing here needs a display.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
