"""The ingest layer: reading a data folder into the readiness database."""
