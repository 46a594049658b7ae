"""Evaluation scores as rich terminal tables."""

from __future__ import annotations

import orjson
from rich.console import Console
from rich.table import Table

from undersight.evaluation import Counts, Report


def _row(name: str, c: Counts) -> list[str]:
    return [name, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", str(c.tp + c.fn)]


def _counts_table(title: str, key: str, counts: dict[str, Counts]) -> Table:
    table = Table(title=title)
    for col in (key, "precision", "recall", "F1", "gold n"):
        table.add_column(col, justify="left" if col == key else "right")
    for name, c in sorted(counts.items()):
        table.add_row(*_row(name, c))
    return table


def groups_table(reports: dict[str, Report]) -> Table:
    """One row per corpus or written file, and one per kind (written, real)."""
    table = Table(title="Per corpus: written sets vs real corpora")
    columns = ("set", "n", "offer", "intent", "cats", "prices", "contacts")
    for col in columns:
        if col == "set":
            table.add_column(col, justify="left", no_wrap=True, min_width=22)
        else:
            table.add_column(col, justify="right")
    table.caption = "offer, cats (categories, macro), prices, contacts: F1; intent: accuracy"
    for name, r in reports.items():
        intent = r.summary()["intent_accuracy"]
        table.add_row(
            f"[bold]{name}[/]" if "/" not in name else f"  {name}",
            str(r.messages),
            f"{r.offer.f1:.3f}",
            "–" if intent is None else f"{intent:.3f}",
            f"{r.category_macro_f1:.3f}",
            f"{r.prices.f1:.3f}",
            f"{r.contacts.f1:.3f}",
        )
    return table


def print_report(report: Report, show_errors: bool = False, console: Console | None = None) -> None:
    console = console or Console()
    s = report.summary()
    table = Table(title=f"Extraction scores on {report.messages} messages")
    for col in ("field", "precision", "recall", "F1", "gold n"):
        table.add_column(col, justify="right" if col != "field" else "left")
    table.add_row(*_row("offer", report.offer))
    table.add_row(*_row("categories (micro)", report.category_micro))
    table.add_row("categories (macro)", "", "", f"{report.category_macro_f1:.3f}", "")
    table.add_row(*_row("prices", report.prices))
    table.add_row(*_row("contacts", report.contacts))
    console.print(table)
    console.print(
        f"intent accuracy {s['intent_accuracy']}  ·  quantity right on found prices "
        f"{s['quantity_accuracy']}  ·  period right {s['period_accuracy']}"
        + (f"  ·  usd within 2% {s['usd_accuracy']}" if s["usd_accuracy"] is not None else "")
    )
    console.print(_counts_table("Per category (true offers)", "category", report.categories))
    console.print(_counts_table("Per contact type", "type", report.contact_types))
    langs = Table(title="Per language (F1)")
    for col in ("language", "offer", "prices", "contacts"):
        langs.add_column(col)
    for lang, fields in sorted(report.by_lang.items()):
        langs.add_row(lang, *(f"{fields[k].f1:.3f}" for k in ("offer", "prices", "contacts")))
    console.print(langs)
    if show_errors:
        for err in report.errors:
            console.print(orjson.dumps(err).decode(), markup=False, highlight=False)
