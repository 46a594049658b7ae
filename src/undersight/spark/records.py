"""A Spark result row (a dict of :data:`~undersight.spark.columns.RESULT_SCHEMA`
fields, as ``pyarrow`` ``to_pylist`` gives it) back to the objects it came from.

No pyspark import: ``undersight ingest --from-parquet`` and the tests use these.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from undersight.model import Contact, Evidence, Extraction, Message, Price
from undersight.spark.columns import MESSAGE_FIELDS


def _span(item: dict[str, Any]) -> tuple[int, int]:
    return (item["start"], item["end"])


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """Aware UTC (a reader that lost the zone gives naive UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def to_extraction(row: dict[str, Any]) -> Extraction:
    """The ``Extraction`` of a valid row, evidence spans included."""
    return Extraction(
        offer=bool(row["offer"]),
        intent=row["intent"],
        categories=tuple(Evidence(c["id"], _span(c)) for c in row["categories"] or ()),
        platforms=tuple(Evidence(p["id"], _span(p)) for p in row["platforms"] or ()),
        prices=tuple(
            Price(
                amount=p["amount"],
                currency=p["currency"],
                span=_span(p),
                amount_max=p["amount_max"],
                quantity=p["quantity"],
                unit=p["unit"],
                period=p["period"],
                usd=p["usd"],
                usd_note=p["usd_note"],
            )
            for p in row["prices"] or ()
        ),
        contacts=tuple(Contact(c["type"], c["value"], _span(c)) for c in row["contacts"] or ()),
        confidence=row.get("confidence"),
        category_confidence=tuple(
            c["confidence"] for c in row["categories"] or () if c.get("confidence") is not None
        ),
    )


def to_message(row: dict[str, Any]) -> Message:
    """The ``Message`` of a row that has one (``key`` set)."""
    return Message(
        text=row["text"],
        date=_utc(row["date"]),
        edited=_utc(row["edited"]),
        source=row["source"] or "",
        position=row["position"] or "",
        **{name: row[name] for name in MESSAGE_FIELDS},
    )


def to_spec(row: dict[str, Any]) -> dict[str, Any]:
    """The ``undersight extract`` output object of a row (ids as strings)."""
    if row["error"] is not None:
        return {"id": row["id"], "line": row["line"], "error": row["error"]}
    return {"id": row["id"], **to_extraction(row).to_dict()}
