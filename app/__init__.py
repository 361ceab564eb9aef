"""Domain and use cases (no Qt): check-in, patrons, events, loyalty, admin data, CLI."""

__version__ = "0.1.0"
