"""The figures: matplotlib charts and maps for the CLI, and the Solara dashboard.

Imports the analysis, model and scenario layers only.
"""
