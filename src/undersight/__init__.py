"""Undersight: measured intelligence from the chatter of cybercrime underground markets."""

from undersight.extract import extract
from undersight.model import Contact, Evidence, Extraction, Price

__version__ = "0.1.0"
__all__ = ["Contact", "Evidence", "Extraction", "Price", "__version__", "extract"]
