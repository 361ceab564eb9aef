"""Speed benchmarks (issue 7): `python -m tests.benchmarks [--backend ...] [--scale N] [--out F]`.

Not part of the default test run (pyproject's addopts ignore this folder): they print figures
against targets instead of asserting on time. See docs/benchmarks.md.
"""
