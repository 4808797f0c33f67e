"""reporter: declarative monthly Instagram reports."""

__version__ = "0.1.0"
