"""``undersight actors`` and ``undersight actor``: personas as tables, a profile, a graph.

undersight actors [--db URL] [--top N] [--max-shared N] [--graph FILE.graphml|FILE.gexf]
undersight actor ID [--db URL] [--max-shared N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from undersight.actors.graph import FORMATS, persona_graph, write_graph
from undersight.actors.link import DEFAULT_MAX_SHARED, ActorResult, build_personas
from undersight.actors.profile import persona_profile
from undersight.report.safety import show
from undersight.store.base import DEFAULT_DB, Store, StoreError, open_store


def _open(db: str | None) -> Store:
    target = db or DEFAULT_DB
    if not target.startswith(("postgresql://", "postgres://")) and not Path(target).exists():
        raise StoreError(f"{target}: no such store (create one with `undersight ingest`)")
    return open_store(target)


def _console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=200)


def _day(value: dt.datetime | None) -> str:
    return value.date().isoformat() if value else ""


def _ids(pairs: object, limit: int = 6) -> str:
    items = [f"{t}:{show(v, 60)}" for t, v in pairs]  # type: ignore[attr-defined]
    more = f" +{len(items) - limit}" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def _parser(name: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"undersight {name}")
    p.add_argument("--db", help=f"store (default {DEFAULT_DB})")
    p.add_argument(
        "--max-shared",
        type=int,
        default=DEFAULT_MAX_SHARED,
        help="identifiers used by more distinct authors are not linked (default 5)",
    )
    return p


def print_personas(result: ActorResult, top: int, console: Console) -> None:
    table = Table(title=f"personas ({len(result.personas)}, top {top} by offers)")
    for col in ("persona", "aliases", "identifiers", "groups", "offers", "categories"):
        table.add_column(col, overflow="fold")
    table.add_column("first seen")
    table.add_column("last seen")
    for p in result.personas[:top]:
        table.add_row(
            p.persona_id,
            show(", ".join(p.aliases), 80),
            _ids(p.identifiers),
            show(", ".join(result.group_names.get(g, g) for g in p.groups), 120),
            str(p.offers),
            ", ".join(p.categories),
            _day(p.first_seen),
            _day(p.last_seen),
        )
    console.print(table)
    if result.excluded:
        ex = Table(title=f"identifiers not linked (used by more than {result.max_shared} authors)")
        for col in ("identifier", "authors", "messages"):
            ex.add_column(col)
        for e in result.excluded:
            ex.add_row(f"{e.id_type}:{show(e.value, 60)}", str(e.n_authors), str(e.n_messages))
        console.print(ex)


def actors_main(argv: list[str] | None = None) -> int:
    p = _parser("actors")
    p.add_argument("--top", type=int, default=20, help="personas shown (default 20)")
    p.add_argument("--graph", help="write the persona graph to FILE.graphml or FILE.gexf")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    if args.graph and Path(args.graph).suffix.lower() not in FORMATS:
        p.error("--graph: the file must end in .graphml or .gexf")
    try:
        store = _open(args.db)
    except StoreError as exc:
        print(f"undersight actors: {exc}", file=sys.stderr)
        return 2
    console = _console()
    try:
        result = build_personas(store, max_shared=args.max_shared)
        print_personas(result, args.top, console)
        if args.graph:
            graph = persona_graph(result, store)
            path = write_graph(graph, args.graph)
            console.print(f"graph: {graph.number_of_nodes()} nodes -> {path}")
    finally:
        store.close()
    return 0


def actor_main(argv: list[str] | None = None) -> int:
    p = _parser("actor")
    p.add_argument("persona", help="persona id (P-...) or an author key (qq:12345)")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        store = _open(args.db)
    except StoreError as exc:
        print(f"undersight actor: {exc}", file=sys.stderr)
        return 2
    console = _console()
    try:
        result = build_personas(store, max_shared=args.max_shared)
        found = result.persona_of(args.persona)
        pid = found.persona_id if found else args.persona
        try:
            prof = persona_profile(result, store, pid)
        except KeyError:
            print(f"undersight actor: {args.persona}: no such persona", file=sys.stderr)
            return 2
    finally:
        store.close()
    pers = prof.persona
    console.print(f"[bold]{pers.persona_id}[/bold]  {pers.messages} messages, {pers.offers} offers")
    console.print(f"aliases: {show(', '.join(pers.aliases), 300)}", markup=False)
    console.print(f"authors: {', '.join(pers.authors)}", markup=False)
    console.print(f"seen: {_day(pers.first_seen)} .. {_day(pers.last_seen)}")
    console.print(f"categories: {', '.join(pers.categories)}", markup=False)
    ids = Table(title="identifiers")
    for col in ("type", "value", "authors", "messages", "first", "last"):
        ids.add_column(col)
    for u in prof.identifiers:
        ids.add_row(
            u.id_type,
            show(u.value, 80),
            str(u.authors),
            str(u.messages),
            _day(u.first_seen),
            _day(u.last_seen),
        )
    console.print(ids)
    groups = Table(title="groups")
    groups.add_column("group")
    for _, name in prof.groups:
        groups.add_row(show(name, 80))
    console.print(groups)
    prices = Table(title="price history")
    for col in ("date", "category", "amount", "currency", "usd"):
        prices.add_column(col)
    for pp in prof.prices:
        prices.add_row(
            pp.date.isoformat() if pp.date else "",
            pp.category or "",
            f"{pp.amount:g}",
            pp.currency,
            "" if pp.usd is None else f"{pp.usd:.2f}",
        )
    console.print(prices)
    timeline = Table(title="messages per month")
    timeline.add_column("month")
    timeline.add_column("messages")
    for month, n in prof.timeline:
        timeline.add_row(month, str(n))
    console.print(timeline)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``actors ...`` or ``actor ...``: the word picks the command."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["actor"]:
        return actor_main(argv[1:])
    if argv[:1] == ["actors"]:
        return actors_main(argv[1:])
    return actors_main(argv)
