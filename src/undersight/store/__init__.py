"""The store: DuckDB or PostgreSQL behind one protocol (see ``base``)."""
