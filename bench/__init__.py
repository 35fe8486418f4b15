"""Benchmarks run by `make bench`: each script prints one JSON object with its figures."""
