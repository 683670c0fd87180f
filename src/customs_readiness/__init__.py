"""customs-readiness: an importer's self-assessment against EO 14411 customs enforcement."""

__version__ = "0.1.0"
