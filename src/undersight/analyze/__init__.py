"""Analyses: SQL over the store, the same on every backend."""
