"""Text normalization and number parsing."""

from undersight.text.normalize import Normalized, normalize

__all__ = ["Normalized", "normalize"]
