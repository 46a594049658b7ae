"""Writing the results: ``messages/`` (one row per input record) and, exploded
from it with Spark SQL, ``offers/``, ``prices/`` and ``contacts/``; every
folder Parquet, partitioned by month of posting (``month=2013-05``, or
``month=unknown`` for a record without a date)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

VIEW = "undersight_messages"
_WHERE = f"FROM {VIEW} WHERE error IS NULL"
_WHO = "key, id, source, position, platform, channel_id, channel_name, author_id, author_name, date"
_TOP = "try_element_at(categories, 1).id AS category"

DERIVED: dict[str, str] = {
    "offers": f"""
        SELECT {_WHO}, intent, {_TOP},
               transform(categories, c -> c.id) AS categories,
               transform(platforms, p -> p.id) AS platforms,
               size(prices) AS n_prices, size(contacts) AS n_contacts, text, month
        {_WHERE} AND offer""",
    "prices": f"""
        SELECT {_WHO}, intent, {_TOP}, idx, price.*, month
        FROM {VIEW} LATERAL VIEW posexplode(prices) p AS idx, price
        WHERE error IS NULL""",
    "contacts": f"""
        SELECT {_WHO}, offer, idx, contact.*, month
        FROM {VIEW} LATERAL VIEW posexplode(contacts) c AS idx, contact
        WHERE error IS NULL""",
}

SUMMARY = f"""
    SELECT count(*) AS records,
           count(error) AS errors,
           count_if(offer) AS offers,
           coalesce(sum(CASE WHEN error IS NULL THEN size(prices) END), 0) AS prices,
           coalesce(sum(CASE WHEN error IS NULL THEN size(contacts) END), 0) AS contacts,
           count(DISTINCT month) AS months
    FROM {VIEW}"""


def folder(output: str, name: str) -> str:
    """``output/name`` for any URI scheme."""
    return f"{output.rstrip('/')}/{name}"


def write_messages(results: DataFrame, output: str) -> None:
    """The extraction results, straight from the extraction tasks (no shuffle)."""
    results.write.mode("overwrite").partitionBy("month").parquet(folder(output, "messages"))


def write_derived(spark: SparkSession, output: str) -> dict[str, Any]:
    """Offers, prices and contacts from the written ``messages/``; its counts."""
    spark.read.parquet(folder(output, "messages")).createOrReplaceTempView(VIEW)
    for name, sql in DERIVED.items():
        frame = spark.sql(sql).repartition("month")  # one file per month and table
        frame.write.mode("overwrite").partitionBy("month").parquet(folder(output, name))
    return spark.sql(SUMMARY).collect()[0].asDict()
