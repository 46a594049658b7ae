"""The schema of one Spark result row, as Arrow and as a Spark DDL string.

One row per input record: where it came from, the fields that rebuild the
store's ``Message``, the text, the extraction with its evidence spans, and
``error`` for a record the ``undersight extract`` contract rejects (then only
``id``, ``line``, ``source``, ``position`` and ``month`` are set).
``message_error`` says why a valid record still cannot become a stored
message (an empty text, a bad ``edited`` date), as ``undersight ingest``
would report it.
"""

from __future__ import annotations

import pyarrow as pa

SPAN_FIELDS = [pa.field("start", pa.int32()), pa.field("end", pa.int32())]
LABEL = pa.struct([pa.field("id", pa.string()), *SPAN_FIELDS])
CATEGORY = pa.struct(
    [pa.field("id", pa.string()), *SPAN_FIELDS, pa.field("confidence", pa.float64())]
)
PRICE = pa.struct(
    [
        pa.field("amount", pa.float64()),
        pa.field("amount_max", pa.float64()),
        pa.field("currency", pa.string()),
        pa.field("quantity", pa.float64()),
        pa.field("unit", pa.string()),
        pa.field("period", pa.string()),
        pa.field("usd", pa.float64()),
        pa.field("usd_note", pa.string()),
        *SPAN_FIELDS,
    ]
)
CONTACT = pa.struct([pa.field("type", pa.string()), pa.field("value", pa.string()), *SPAN_FIELDS])
TIMESTAMP = pa.timestamp("us", tz="UTC")
UNKNOWN_MONTH = "unknown"

RESULT_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string()),
        pa.field("line", pa.int64()),
        pa.field("source", pa.string()),
        pa.field("position", pa.string()),
        pa.field("key", pa.string()),
        pa.field("platform", pa.string()),
        pa.field("channel_id", pa.string()),
        pa.field("channel_name", pa.string()),
        pa.field("message_id", pa.string()),
        pa.field("author_id", pa.string()),
        pa.field("author_name", pa.string()),
        pa.field("reply_to", pa.string()),
        pa.field("forwarded_from", pa.string()),
        pa.field("date", TIMESTAMP),
        pa.field("edited", TIMESTAMP),
        pa.field("text", pa.string()),
        pa.field("norm_text", pa.string()),
        pa.field("offer", pa.bool_()),
        pa.field("intent", pa.string()),
        pa.field("confidence", pa.float64()),
        pa.field("categories", pa.list_(CATEGORY)),
        pa.field("platforms", pa.list_(LABEL)),
        pa.field("prices", pa.list_(PRICE)),
        pa.field("contacts", pa.list_(CONTACT)),
        pa.field("extractor_version", pa.string()),
        pa.field("error", pa.string()),
        pa.field("message_error", pa.string()),
        pa.field("month", pa.string()),
    ]
)
# Message fields of a result row, in ``Message`` keyword form.
MESSAGE_FIELDS = (
    "platform",
    "channel_id",
    "channel_name",
    "message_id",
    "author_id",
    "author_name",
    "reply_to",
    "forwarded_from",
)

_SPARK_TYPES = {
    pa.string(): "string",
    pa.int32(): "int",
    pa.int64(): "bigint",
    pa.float64(): "double",
    pa.bool_(): "boolean",
    TIMESTAMP: "timestamp",
}


def spark_type(t: pa.DataType) -> str:
    """The Spark DDL type of an Arrow type used in :data:`RESULT_SCHEMA`."""
    if pa.types.is_list(t):
        return f"array<{spark_type(t.value_type)}>"
    if pa.types.is_struct(t):
        inner = ",".join(f"`{f.name}`:{spark_type(f.type)}" for f in t)
        return f"struct<{inner}>"
    return _SPARK_TYPES[t]


def spark_ddl(schema: pa.Schema = RESULT_SCHEMA) -> str:
    """``schema`` as the DDL string ``mapInArrow`` takes."""
    return ", ".join(f"`{f.name}` {spark_type(f.type)}" for f in schema)
