"""Station copy, offline door actions and sync with the shared database."""
