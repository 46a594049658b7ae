"""The headline findings: plain sentences built from the analysis tables."""

from __future__ import annotations

import pandas as pd

from undersight.report.data import ReportData
from undersight.report.formatting import change, factor, finite, num, pct, usd
from undersight.report.labels import basis, category_name

# Market-size rows in order of preference for the headline.
_ESTIMATORS = {"chao": "Chao's lower bound", "lincoln_petersen": "Lincoln-Petersen (Chapman)"}


def _year_line(r: pd.Series) -> str:
    line = (
        f"{r['period']}: {num(r['messages'])} messages ({num(r['offers'])} offers) in "
        f"{num(r['groups'])} groups over {num(r['group_days'])} active group-days, i.e. "
        f"{num(r['msgs_per_group_day'], 1)} messages and "
        f"{num(r['participants_per_group_day'], 1)} participants per active group per day"
    )
    if finite(r["msgs_per_group_day_growth"]):
        line += (
            f"; {change(r['msgs_per_group_day_growth'])} messages and "
            f"{change(r['participants_growth'])} participants per group-day on the previous "
            f"year (raw message count {change(r['messages_growth'])}, which also counts "
            "collection growth)"
        )
    if finite(r["like_for_like_msgs_per_group_day_growth"]):
        line += (
            f"; {change(r['like_for_like_msgs_per_group_day_growth'])} in the "
            f"{num(r['like_for_like_groups'])} groups seen in both years"
        )
    return line + "."


def _mobile_line(mobile: pd.DataFrame) -> str | None:
    if mobile.empty:
        return None
    pooled = mobile[mobile["category"] == "(all)"]
    rows = mobile[mobile["category"] != "(all)"]
    clear = rows[[finite(lo) and lo > 1 for lo in rows["ci_low"]]]
    parts = [
        f"{category_name(r['category'])} {basis(r['unit'], r['billing_period'], r['basis'])} "
        f"{factor(r['ratio'])} (95% CI {num(r['ci_low'], 2)}–{num(r['ci_high'], 2)}, "
        f"n={num(r['n_mobile'])}/{num(r['n_other'])})"
        for _, r in clear.sort_values("ratio", ascending=False).head(3).iterrows()
    ]
    line = "Mobile premium: "
    if not pooled.empty:
        r = pooled.iloc[0]
        line += (
            f"mobile-targeted offers ask {factor(r['ratio'])} the price of comparable others "
            f"(pooled, 95% CI {num(r['ci_low'], 2)}–{num(r['ci_high'], 2)}, "
            f"n={num(r['n_mobile'])}/{num(r['n_other'])})"
        )
    else:
        line += "no pooled estimate (too few comparable prices)"
    if parts:
        return line + "; clearly above 1 in " + "; ".join(parts) + "."
    return line + f"; no single row of {len(rows)} has its 95% interval above 1."


def _market_line(market: pd.DataFrame) -> str | None:
    for method, name in _ESTIMATORS.items():
        for r in market[market["method"] == method].to_dict("records"):
            if not finite(r["estimate"]):
                continue
            return (
                f"Sellers: {num(r['n_observed'])} seen; {name} estimates "
                f"{num(r['estimate'])} (95% CI {num(r['ci_low'])}–{num(r['ci_high'])})."
            )
    return None


def findings(data: ReportData) -> list[str]:
    """The few sentences a reader needs first, every figure with its n."""
    view = data.overview
    lines = [
        f"{num(view.messages)} messages from {num(view.sources)} groups and "
        f"{num(view.authors)} authors; {num(view.offers)} of them are offers "
        f"({pct(view.offers / view.messages if view.messages else None)})."
    ]
    lines += [_year_line(r) for _, r in data.tables["activity_year"].iterrows()]
    cats = data.tables["categories"].head(3)
    if not cats.empty:
        lines.append(
            "Biggest categories by offers: "
            + ", ".join(
                f"{category_name(r['category'])} {num(r['offers'])} ({pct(r['share'])})"
                for _, r in cats.iterrows()
            )
            + "."
        )
    prices = data.tables["prices"]
    if not prices.empty:
        r = prices.sort_values("n", ascending=False, kind="stable").iloc[0]
        lines.append(
            f"Most-priced item ({r['period']}): {category_name(r['category'])}, "
            f"{basis(r['unit'], r['billing_period'], r['basis'])}, median "
            f"{usd(r['median_usd'])} USD (95% CI {usd(r['median_ci_low_usd'])}–"
            f"{usd(r['median_ci_high_usd'])}; interquartile {usd(r['p25_usd'])}–"
            f"{usd(r['p75_usd'])}; n={num(r['n'])} from {num(r['n_sellers'])} sellers)."
        )
    for line in (
        _mobile_line(data.tables["mobile_premium"]),
        _market_line(data.tables["market_size"]),
    ):
        if line:
            lines.append(line)
    return lines
