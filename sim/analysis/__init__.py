"""The analysis layer: statistics over runs, outcome definitions and reports in words.

Imports the model and scenario layers only.
"""
