"""The tool's version, in a module of its own so that any module can name it without
importing the package's top level (which holds the lazy Python API)."""

__version__ = "0.1.0"
