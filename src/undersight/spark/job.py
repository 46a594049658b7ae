"""The ``spark-submit`` entry point: the same job as ``undersight spark extract``.

    spark-submit --py-files dist/undersight-0.1.0-py3-none-any.whl \\
        path/to/undersight/spark/job.py --input s3a://bucket/corpus/ --output s3a://bucket/results/

The executors need undersight's dependencies (a packed environment, see the
README's Spark section); the wheel itself is put on their path by the job.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run ``undersight spark extract`` with ``argv`` (the word ``extract`` optional)."""
    from undersight.cli import main as undersight

    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["extract"]:
        args = args[1:]
    return undersight(["spark", "extract", *args])


if __name__ == "__main__":
    sys.exit(main())
