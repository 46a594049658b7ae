"""The market report: ``undersight report`` writes report.html, report.pdf and every
table as CSV and Parquet, from the analyses of a store.

The heavy parts (charts, PDF) load on first use: importing the package costs nothing.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ReportFiles", "make_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from undersight.report import command

        return getattr(command, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
