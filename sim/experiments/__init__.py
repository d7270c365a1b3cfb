"""The experiment layer: designs, executors, the run store and the studies.

Sweeps, paired comparisons, sensitivity, calibration and validation. Imports the
layers below; never the CLI.
"""
