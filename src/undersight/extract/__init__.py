"""Extraction: from one message to structured, evidenced facts."""

from undersight.extract.pipeline import Extractor, default_extractor, extract, parse_date

__all__ = ["Extractor", "default_extractor", "extract", "parse_date"]
