"""structconv's version, in a leaf module that the hooks' fast path can read for nothing."""

__version__ = "0.1.0"
