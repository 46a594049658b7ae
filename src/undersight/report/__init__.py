"""The market report: ``undersight report`` writes report.html, report.pdf and every
table as CSV and Parquet, from the analyses of a store."""

from undersight.report.command import ReportFiles, main, make_report

__all__ = ["ReportFiles", "main", "make_report"]
