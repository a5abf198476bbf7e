"""Rendering: rich tables and progress on a TTY, CSV/JSON/Parquet for machines."""
