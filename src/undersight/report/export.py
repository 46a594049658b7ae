"""Every report table as CSV (for spreadsheets) and Parquet (for code).

Parquet keeps the analyses' values exactly. CSV is opened by people in
spreadsheet programs, so its text cells are made safe the way the report's
are: control characters removed, indicators defanged, and a cell that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) prefixed with ``'``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from undersight.safety import csv_cell


def for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(csv_cell)
    return out


def write_tables(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write ``NAME.csv`` and ``NAME.parquet`` for each table; the paths written."""
    written = []
    for name, frame in tables.items():
        parquet = folder / f"{name}.parquet"
        frame.to_parquet(parquet, index=False)
        csv = folder / f"{name}.csv"
        for_csv(frame).to_csv(csv, index=False)
        written += [csv, parquet]
    return written
