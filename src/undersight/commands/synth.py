"""``undersight synth``: its options and the run (also ``python -m undersight.synth``).

    undersight synth --scenario cn-underground-2013 --scale 0.002 --seed 1 --out DIR
    undersight synth --qq-groups 4 --telegram-groups 6 --start 2022-01-01 \\
        --end 2023-12-31 --rate 2022=30,2023=60 --out DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from undersight.errors import UserError
from undersight.synth.params import SCENARIOS, expected_messages, scenario


def _by_year(text: str) -> dict[int, float]:
    """``2012=28.74,2013=62.56``, or one number (for the start year)."""
    out: dict[int, float] = {}
    for part in text.split(","):
        if "=" in part:
            year, value = part.split("=", 1)
            out[int(year)] = float(value)
        else:
            out[0] = float(part)
    return out


def _weights(text: str) -> dict[str, float]:
    """``bots=35,ddos=16``."""
    out = {}
    for part in text.split(","):
        key, value = part.split("=", 1)
        out[key.strip()] = float(value)
    return out


DESCRIPTION = (
    "Generate a seeded underground-market corpus in real export formats "
    "(QQ text export, Telegram result.json) with its ground truth (truth.jsonl and "
    "summary.json beside the exports; `undersight ingest` leaves them out)."
)


def register(sub: argparse._SubParsersAction) -> None:
    ap = sub.add_parser(
        "synth", help="generate a realistic corpus in real export formats", description=DESCRIPTION
    )
    add_arguments(ap)
    ap.set_defaults(func=run)


def build_parser() -> argparse.ArgumentParser:
    """The options alone (for callers that build parameters from a command line)."""
    ap = argparse.ArgumentParser(prog="undersight synth", description=DESCRIPTION)
    add_arguments(ap)
    return ap


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--out", required=True, help="folder to write into")
    ap.add_argument("--scenario", choices=SCENARIOS, default="custom")
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = the scenario's full size")
    ap.add_argument("--messages", type=int, help="about this many messages (sets --scale)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=dt.date.fromisoformat, help="first day, YYYY-MM-DD")
    ap.add_argument("--end", type=dt.date.fromisoformat, help="last day, YYYY-MM-DD")
    ap.add_argument("--groups", type=int, help="groups in all (split as the scenario splits)")
    ap.add_argument("--qq-groups", type=int)
    ap.add_argument("--telegram-groups", type=int)
    ap.add_argument("--telegram-en-share", type=float, help="share of Telegram groups in English")
    ap.add_argument("--members", type=int, help="members per group (mean)")
    ap.add_argument("--rate", type=_by_year, help="messages per active group per day: Y=V,...")
    ap.add_argument("--growth", type=float, help="yearly factor for years without a rate")
    ap.add_argument("--participants", type=_by_year, help="participants per group per day")
    ap.add_argument("--activity", type=float, help="chance a group is active on a day")
    ap.add_argument("--offer-share", type=float)
    ap.add_argument("--buy-share", type=float, help="share of offers that are buy requests")
    ap.add_argument("--negative-share", type=float, help="share of hard negatives")
    ap.add_argument("--mix", type=_weights, help="category mix: bots=35,ddos=16,...")
    ap.add_argument("--price", type=_weights, help="planted medians, USD: ddos/month=81,...")
    ap.add_argument("--mobile-premium", type=float)
    ap.add_argument("--sellers-per-group", type=float)
    ap.add_argument("--repost-share", type=float, help="share of ads that are verbatim reposts")
    ap.add_argument("--tricky-share", type=float, help="share of ads in hard-to-read forms")
    ap.add_argument("--qq-encoding", choices=("utf-8-sig", "gb18030"))


def params_from_args(args: argparse.Namespace) -> Any:
    """The scenario at its scale, then every explicit option over it."""
    p = scenario(args.scenario, scale=args.scale, seed=args.seed)
    over: dict[str, Any] = {}
    simple = {
        "start": "start",
        "end": "end",
        "qq_groups": "qq_groups",
        "telegram_groups": "telegram_groups",
        "telegram_en_share": "telegram_en_share",
        "members": "members_per_group",
        "growth": "growth",
        "activity": "daily_activity",
        "offer_share": "offer_share",
        "buy_share": "buy_share",
        "negative_share": "negative_share",
        "mix": "category_mix",
        "price": "medians",
        "mobile_premium": "mobile_premium",
        "sellers_per_group": "sellers_per_group",
        "repost_share": "repost_share",
        "tricky_share": "tricky_share",
        "qq_encoding": "qq_encoding",
    }
    for arg, name in simple.items():
        value = getattr(args, arg)
        if value is not None:
            over[name] = value
    start = over.get("start", p.start)
    for arg, name in (("rate", "rates"), ("participants", "participants")):
        value = getattr(args, arg)
        if value is not None:
            over[name] = {start.year if y == 0 else y: v for y, v in value.items()}
    if args.groups is not None:
        total = p.qq_groups + p.telegram_groups
        qq = round(args.groups * p.qq_groups / total) if total else args.groups
        over.setdefault("qq_groups", qq)
        over.setdefault("telegram_groups", args.groups - over["qq_groups"])
    if over:
        p = replace(p, **over)
    p.validate()
    if args.messages:
        full = vars(args) | {"scale": 1.0, "messages": None}
        expected = expected_messages(params_from_args(argparse.Namespace(**full)))
        scaled = vars(args) | {"scale": args.messages / max(expected, 1.0), "messages": None}
        return params_from_args(argparse.Namespace(**scaled))
    return p


def run(args: argparse.Namespace) -> int:
    """Generate a corpus; print where it went and what was planted. 0 on success."""
    from rich.console import Console

    console = Console()
    try:
        params = params_from_args(args)
    except (ValueError, KeyError) as exc:
        raise UserError(str(exc).strip("'\"")) from None
    from undersight.synth.engine import generate

    out = Path(args.out)
    with console.status(f"generating {params.scenario} (scale {params.scale:g}) into {out}"):
        summary = generate(params, out)
    _report(console, out, summary)
    return 0


def _report(console: Any, out: Path, summary: dict[str, Any]) -> None:
    from rich.table import Table

    console.print(
        f"[bold]{summary['scenario']}[/bold] (seed {summary['seed']}, "
        f"scale {summary['scale']:g}) written to [bold]{out}[/bold]:",
        soft_wrap=True,
    )
    for what, rel in summary["files"].items():
        path = out / rel
        size = path.stat().st_size / 1e6
        console.print(f"  {what:<9} {path}  [dim]{size:.1f} MB[/dim]", soft_wrap=True)

    years = Table(title="Per year (planted -> realized)")
    for col in ("year", "groups", "group-days", "messages", "msgs/group/day", "people/group/day"):
        years.add_column(col, justify="right")
    for year, y in summary["per_year"].items():
        m, pp = y["messages_per_group_day"], y["participants_per_group_day"]
        years.add_row(
            year,
            str(y["groups_active"]),
            str(y["group_days"]),
            f"{y['messages']:,}",
            f"{m['planted']:.2f} -> {m['realized']:.2f}",
            f"{pp['planted']:.2f} -> {pp['realized']:.2f}",
        )
    console.print(years)
    totals = summary["totals"]
    top = sorted(summary["categories"].items(), key=lambda kv: -kv[1]["offers"])[:5]
    top_text = ", ".join(f"{c} {v['offers']:,}" for c, v in top)
    premium = summary["mobile_premium"]
    sellers = summary["sellers"]
    console.print(
        f"{totals['messages']:,} messages, {totals['offers']:,} offers ({top_text}); "
        f"mobile premium {premium['planted']} -> {premium['realized']}; "
        f"{sellers['active']:,} of {sellers['count']:,} sellers posted, in "
        f"{sellers['groups_per_seller']['realized']['mean']} groups each on average"
    )
