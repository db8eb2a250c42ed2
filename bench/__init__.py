"""Benchmarks (not part of the test run): `python -m bench` runs every bench_*.py module."""
