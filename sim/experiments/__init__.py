"""The experiment layer: designs, executors, the run store and the studies.

Sweeps, paired comparisons, sensitivity, calibration and validation. Imports the
layers below; never the CLI (the commands that call these engines live in
:mod:`sim.cli`). One module per job:

* ``design`` — scenarios, replicates and their seeds (common random numbers);
* ``executors`` — one replication, chunks, and the executors they run on;
* ``store``, ``linefiles``, ``manifest`` — the append-only runs, their line files and what a
  folder holds (provenance);
* ``objectives`` — each faction's own front in a war on sides (``front_objectives*.csv``);
* ``sweep`` — Monte Carlo replications of scenarios, analysed; ``report`` its figures and text;
* ``compare``, ``pairing``, ``compare_report`` — paired policy comparisons;
* ``sensitivity``, ``parameters``, ``sensitivity_report`` — Sobol' sensitivity analysis;
* ``history_matching``, ``emulator``, ``calibrate_defaults``, ``ensemble``, ``targets``,
  ``calibration_report`` — calibration by history matching;
* ``calibration`` — the Libya calibration check; ``validation`` — the validation suite;
* ``faults`` — output folders, locks, orphan workers; ``api`` — one run as plain numbers.
"""
