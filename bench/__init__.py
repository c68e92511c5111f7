"""Benchmarks: `python -m bench [engine|tui|local|all]`; figures go in bench/README.md."""
