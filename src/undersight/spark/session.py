"""Starting (or joining) the Spark session the job runs in, with one-line errors."""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

INSTALL_HINT = "pip install 'undersight[spark]'"
PANDAS_WARNING = "PySpark does not yet fully support pandas"
JAVA_HINT = "java 17+ on PATH or JAVA_HOME set, e.g. apt-get install openjdk-17-jre-headless"

# SQL settings the job relies on: UTC months and timestamps, Parquet timestamps
# every reader understands, ``month=2013-05`` partitions read back as text.
JOB_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.sql.execution.arrow.maxRecordsPerBatch": "5000",
}


class SparkUnavailable(Exception):
    """Spark cannot run here (no pyspark, no Java): ``str`` is one line."""


def require_pyspark() -> None:
    """Raise :class:`SparkUnavailable` when pyspark cannot be imported."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SparkUnavailable(f"pyspark is not installed: {INSTALL_HINT}") from None
    # Only the Arrow path is used: pyspark's warning about pandas 3 is noise here.
    warnings.filterwarnings("ignore", message=PANDAS_WARNING, category=FutureWarning)


def under_spark_submit() -> bool:
    """Whether this driver was started by ``spark-submit`` (its JVM is waiting)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def start_session(master: str | None = None, app_name: str = "undersight") -> SparkSession:
    """A session on ``master`` (default: spark-submit's, else ``local[*]``).

    Locally the Python workers run this interpreter, so they import the same
    undersight; on a cluster, ``PYSPARK_PYTHON`` or ``spark.pyspark.python``
    (a packed environment) decides, as usual.
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    if master is None and not under_spark_submit():
        master = "local[*]"
    if master and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    builder = builder.config("spark.ui.showConsoleProgress", str(sys.stderr.isatty()).lower())
    for key, value in JOB_CONF.items():
        builder = builder.config(key, value)
    if not under_spark_submit() and not os.environ.get("JAVA_HOME") and not shutil.which("java"):
        raise SparkUnavailable(f"Spark needs Java 17 or newer: {JAVA_HINT}")
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # pyspark's own runtime errors, e.g. JAVA_GATEWAY_EXITED
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise SparkUnavailable(f"could not start Spark ({JAVA_HINT}): {first}") from None
    spark.sparkContext.setLogLevel("WARN")
    include_wheels(spark)
    return spark


def include_wheels(spark: SparkSession) -> None:
    """Put ``--py-files`` wheels on the executors' Python path too.

    spark-submit ships every ``--py-files`` file to the executors, but pyspark
    puts only ``.zip``/``.egg``/``.jar`` ones on their ``sys.path``; a wheel of
    pure Python (undersight's) imports from a zip just as well.
    """
    sc = spark.sparkContext
    includes = getattr(sc, "_python_includes", None)
    if includes is None:
        return
    for path in sc.getConf().get("spark.submit.pyFiles", "").split(","):
        name = os.path.basename(path)
        if name.lower().endswith(".whl") and name not in includes:
            includes.append(name)


def configure(spark: SparkSession) -> None:
    """Apply :data:`JOB_CONF` to a session the job did not start (tests, notebooks)."""
    require_pyspark()
    for key, value in JOB_CONF.items():
        spark.conf.set(key, value)
