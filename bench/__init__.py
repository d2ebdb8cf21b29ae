"""Benchmarks: `python -m bench.query` (make bench)."""
