"""``undersight actors`` and ``undersight actor``: personas as tables, a profile, a graph.

undersight actors [--db URL] [--top N] [--max-shared N] [--graph FILE.graphml|FILE.gexf]
undersight actor ID [--db URL] [--max-shared N]
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from undersight.actors.link import DEFAULT_MAX_SHARED
from undersight.commands.options import console_for, db_option
from undersight.errors import UserError
from undersight.safety import show
from undersight.store import open_existing_store

if TYPE_CHECKING:
    from rich.console import Console

    from undersight.actors.link import ActorResult
    from undersight.actors.profile import PersonaProfile


def _day(value: dt.datetime | None) -> str:
    return value.date().isoformat() if value else ""


def _ids(pairs: object, limit: int = 6) -> str:
    items = [f"{t}:{show(v, 60)}" for t, v in pairs]  # type: ignore[attr-defined]
    more = f" +{len(items) - limit}" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "actors",
        help="personas linked by shared contact identifiers",
        description="Personas: authors linked across groups by the contact identifiers they share.",
    )
    _common(p)
    p.add_argument("--top", type=int, default=20, help="personas shown (default 20)")
    p.add_argument("--graph", help="write the persona graph to FILE.graphml or FILE.gexf")
    p.add_argument("--wide", action="store_true", help="every column, uncut (default: 80 wide)")
    p.set_defaults(func=run_actors)
    p = sub.add_parser("actor", help="one persona's profile", description="One persona's profile.")
    p.add_argument("persona", help="persona id (P-...) or an author key (qq:12345)")
    _common(p)
    p.set_defaults(func=run_actor)


def _common(p: argparse.ArgumentParser) -> None:
    db_option(p)
    p.add_argument(
        "--max-shared",
        type=int,
        default=DEFAULT_MAX_SHARED,
        help="identifiers used by more distinct authors are not linked (default 5)",
    )


def print_personas(result: ActorResult, top: int, console: Console, wide: bool = False) -> None:
    """The top personas; at 80 columns by default (short cells, fewer columns),
    every column uncut with ``wide``."""
    from rich.table import Table

    table = Table(title=f"personas ({len(result.personas)}, top {top} by offers)")
    columns = ["persona", "aliases", "identifiers", "offers", "categories"]
    if wide:
        columns[3:3] = ["groups"]
        columns += ["first seen", "last seen"]
    for col in columns:
        table.add_column(
            col,
            overflow="fold",
            justify="right" if col == "offers" else "left",
            min_width=13 if col == "identifiers" else None,  # qq:1234567890 on one line
        )
    for p in result.personas[:top]:
        cells = {
            "persona": p.persona_id,
            "aliases": show(", ".join(p.aliases), 80 if wide else 14),
            "identifiers": _ids(p.identifiers, 6 if wide else 2),
            "groups": show(", ".join(result.group_names.get(g, g) for g in p.groups), 120),
            "offers": str(p.offers),
            "categories": ", ".join(p.categories if wide else p.categories[:2]),
            "first seen": _day(p.first_seen),
            "last seen": _day(p.last_seen),
        }
        table.add_row(*(cells[col] for col in columns))
    console.print(table)
    if result.excluded:
        ex = Table(title=f"identifiers not linked (used by more than {result.max_shared} authors)")
        for col in ("identifier", "authors", "messages"):
            ex.add_column(col)
        for e in result.excluded:
            ex.add_row(f"{e.id_type}:{show(e.value, 60)}", str(e.n_authors), str(e.n_messages))
        console.print(ex)


def run_actors(args: argparse.Namespace) -> int:
    from undersight.actors.graph import FORMATS, persona_graph, write_graph
    from undersight.actors.link import build_personas

    if args.graph and Path(args.graph).suffix.lower() not in FORMATS:
        raise UserError("--graph: the file must end in .graphml or .gexf")
    console = console_for(args)
    store = open_existing_store(args.db)
    try:
        with console.status("linking authors by shared identifiers"):
            result = build_personas(store, max_shared=args.max_shared)
        print_personas(result, args.top, console, wide=args.wide)
        if args.graph:
            graph = persona_graph(result, store)
            path = write_graph(graph, args.graph)
            console.print(f"graph: {graph.number_of_nodes()} nodes -> {path}")
    finally:
        store.close()
    return 0


def run_actor(args: argparse.Namespace) -> int:
    from undersight.actors.link import build_personas
    from undersight.actors.profile import persona_profile

    console = console_for(args)
    store = open_existing_store(args.db)
    try:
        with console.status("linking authors by shared identifiers"):
            result = build_personas(store, max_shared=args.max_shared)
        found = result.persona_of(args.persona)
        pid = found.persona_id if found else args.persona
        try:
            prof = persona_profile(result, store, pid)
        except KeyError:
            raise UserError(f"{args.persona}: no such persona") from None
    finally:
        store.close()
    print_profile(prof, console)
    return 0


def print_profile(prof: PersonaProfile, console: Console) -> None:
    from rich.table import Table

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
