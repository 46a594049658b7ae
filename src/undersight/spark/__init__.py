"""Apache Spark support: the extractor over a cluster, one message per row.

- :mod:`~undersight.spark.columns`: the Arrow/Spark schema of a result row.
- :mod:`~undersight.spark.transform`: the pure Arrow batch -> batch function
  that ``DataFrame.mapInArrow`` applies (no pyspark import).
- :mod:`~undersight.spark.records`: a result row back to the spec dict, the
  ``Message`` and the ``Extraction`` (no pyspark import).
- :mod:`~undersight.spark.session`, :mod:`~undersight.spark.inputs`,
  :mod:`~undersight.spark.outputs`, :mod:`~undersight.spark.job`: the job.
- :mod:`~undersight.commands.spark`: ``undersight spark extract``.

Install with ``pip install 'undersight[spark]'`` (needs Java 17 or newer).
"""
