"""The reliability suite: `python -m tests.reliability [--backend sqlite|postgresql] [--quick]`."""
