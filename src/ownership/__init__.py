"""ownership: keep a service-ownership catalog honest."""

__version__ = "0.1.0"
