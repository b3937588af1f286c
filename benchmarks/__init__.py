"""Reproducible benchmarks: each runs our code and a baseline side by side and prints the ratio."""
