"""Offers, prices and contacts as flat tables, written batch by batch.

CSV is for people: text cells are cleaned and defanged and formula starts
neutralised (``undersight.safety.csv_cell``). Parquet is for code and
keeps the real values. A persona table is written only when a persona source
is given (the actors package provides one).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from undersight.export.data import Offer, PersonaSource, iter_offers
from undersight.safety import csv_cell
from undersight.store.base import Store

COLUMNS: dict[str, tuple[str, ...]] = {
    "offers": ("key", "posted_at", "author_key", "source_id", "intent", "categories", "text"),
    "prices": (
        "key",
        "idx",
        "amount",
        "amount_max",
        "currency",
        "quantity",
        "unit",
        "period",
        "usd",
    ),
    "contacts": ("key", "idx", "type", "value"),
    "personas": ("persona", "author_key"),
}


def _type(column: str) -> pa.DataType:
    if column == "idx":
        return pa.int64()
    if column in ("amount", "amount_max", "quantity", "usd"):
        return pa.float64()
    return pa.string()


def _rows(offer: Offer) -> dict[str, list[tuple[Any, ...]]]:
    when = offer.posted_at.isoformat() if offer.posted_at else None
    cats = ";".join(offer.categories)
    price_cols = COLUMNS["prices"][2:]
    return {
        "offers": [
            (offer.key, when, offer.author_key, offer.source_id, offer.intent, cats, offer.text)
        ],
        "prices": [
            (offer.key, i, *(p.get(c) for c in price_cols)) for i, p in enumerate(offer.prices)
        ],
        "contacts": [(offer.key, i, t, v) for i, (t, v) in enumerate(offer.contacts)],
    }


class _Sink:
    def __init__(self, folder: Path, name: str, fmt: str) -> None:
        self.path = folder / f"{name}.{fmt}"
        self.cols = COLUMNS[name]
        self.fmt = fmt
        self.buffer: list[tuple[Any, ...]] = []
        self.writer: Any = None
        if fmt == "csv":
            self.handle = open(self.path, "w", newline="", encoding="utf-8")  # noqa: SIM115
            self.writer = csv.writer(self.handle)
            self.writer.writerow(self.cols)

    def add(self, rows: Iterable[tuple[Any, ...]]) -> None:
        if self.fmt == "csv":
            self.writer.writerows([csv_cell(v) for v in row] for row in rows)
            return
        self.buffer.extend(rows)
        if len(self.buffer) >= 5000:
            self.flush()

    def flush(self) -> None:
        if self.fmt == "csv" or (not self.buffer and self.writer is not None):
            return
        schema = pa.schema([(c, _type(c)) for c in self.cols])
        data = {c: [r[i] for r in self.buffer] for i, c in enumerate(self.cols)}
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, schema)
        self.writer.write_table(pa.table(data, schema=schema))
        self.buffer = []

    def close(self) -> None:
        if self.fmt == "csv":
            self.handle.close()
        else:
            self.flush()
            self.writer.close()


def _persona_rows(store: Store, personas: PersonaSource) -> Iterator[tuple[str, str]]:
    for group in personas(store):
        if group:
            lead = min(group)
            yield from ((lead, key) for key in group)


def write_tables(
    store: Store,
    folder: Path,
    fmt: str = "csv",
    since: datetime | None = None,
    category: str | None = None,
    personas: PersonaSource | None = None,
) -> list[Path]:
    """Write ``offers``, ``prices``, ``contacts`` (and ``personas``); the paths written."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"--format: expected csv or parquet, got {fmt!r}")
    folder.mkdir(parents=True, exist_ok=True)
    names = ["offers", "prices", "contacts"] + (["personas"] if personas else [])
    sinks = {name: _Sink(folder, name, fmt) for name in names}
    try:
        for offer in iter_offers(store, since, category):
            for name, rows in _rows(offer).items():
                sinks[name].add(rows)
        if personas:
            sinks["personas"].add(_persona_rows(store, personas))
    finally:
        for sink in sinks.values():
            sink.close()
    return [sink.path for sink in sinks.values()]
