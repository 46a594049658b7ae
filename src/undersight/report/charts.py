"""Altair charts of the report, rendered offline to SVG by vl-convert.

Each builder takes an analysis table and returns an Altair chart, or None when
the table holds nothing to draw; :func:`to_svg` renders one to a standalone,
checked SVG string safe to inline in HTML.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import vl_convert as vlc

from undersight.report.formatting import change
from undersight.report.labels import basis, category_name
from undersight.report.svg import tidy_svg

FONT = "Noto Sans CJK SC, Noto Sans, DejaVu Sans, sans-serif"
WIDTH = 640
MIN_N = 3  # a price basis needs this many prices to be drawn
TOP_BASES = 18  # price bases charted, the most-priced first
CHARTS = ("prices", "activity", "growth", "mobile")

_GROWTH_TICKS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
_RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
_GROWTH_METRICS = {
    "messages_growth": "messages (raw, not coverage-corrected)",
    "msgs_per_group_day_growth": "messages per active group-day",
    "participants_growth": "participants per active group-day",
    "like_for_like_msgs_per_group_day_growth": "messages per group-day, same groups",
}


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(font=FONT, background="white").configure_view(stroke=None)


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def price_chart(prices: pd.DataFrame, top: int = TOP_BASES) -> alt.TopLevelMixin | None:
    """Price ranges per category and basis: min-max line, quartile box, median tick."""
    usable = [
        n >= MIN_N and all(_finite(v) and v > 0 for v in row)
        for n, *row in zip(
            prices["n"], prices["min_usd"], prices["median_usd"], prices["max_usd"], strict=True
        )
    ]
    df = prices[usable].copy()
    if df.empty:
        return None
    df["basis"] = [
        f"{category_name(c)} · {basis(u, b, k)}"
        for c, u, b, k in zip(
            df["category"], df["unit"], df["billing_period"], df["basis"], strict=True
        )
    ]
    keep = df.groupby("basis")["n"].sum().nlargest(top).index
    df = df[df["basis"].isin(keep)]
    df["period"] = df["period"].astype(str)
    df["min_usd"] = df["min_usd"].clip(lower=0.01)
    order = df.groupby("basis")["median_usd"].median().sort_values(ascending=False).index.tolist()
    y = alt.Y("basis:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    low, high = float(df["min_usd"].min()), float(df["max_usd"].max())
    ticks = [10.0**k for k in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)]
    x = alt.X(
        "min_usd:Q",
        scale=alt.Scale(type="log", domain=[ticks[0], ticks[-1]]),
        axis=alt.Axis(values=ticks, format="$,~r", grid=True),
        title="price in USD (log scale)",
    )
    periods = df["period"].nunique()
    offset = alt.YOffset("period:N") if periods > 1 else alt.YOffset(value=0)
    color = alt.Color("period:N", title="period") if periods > 1 else alt.value("#2b6cb0")
    base = alt.Chart(df).encode(y=y, yOffset=offset)
    line = base.mark_rule(color="#888").encode(x=x, x2="max_usd:Q")
    box = base.mark_bar(size=8, opacity=0.85).encode(x="p25_usd:Q", x2="p75_usd:Q", color=color)
    tick = base.mark_tick(color="black", thickness=2, size=12).encode(x="median_usd:Q")
    height = max(160, 22 * len(order) * (1 if periods == 1 else 1 + 0.4 * (periods - 1)))
    chart = (line + box + tick).properties(width=WIDTH - 300, height=height)
    return _config(chart)


def _monthly(activity: pd.DataFrame) -> pd.DataFrame:
    """The activity rows on a calendar axis, months without messages as gaps."""
    df = activity.assign(month=pd.to_datetime(activity["period"].astype(str) + "-01"))
    months = pd.date_range(df["month"].min(), df["month"].max(), freq="MS")
    return df.set_index("month").reindex(months).rename_axis("month").reset_index()


def activity_chart(activity: pd.DataFrame) -> alt.TopLevelMixin | None:
    """Messages per month (bars) over the per-group daily rates (lines, gaps kept)."""
    if activity.empty:
        return None
    df = _monthly(activity)
    x = alt.X("yearmonth(month):T", title=None, axis=alt.Axis(format="%Y-%m", labelAngle=-90))
    bars = (
        alt.Chart(df)
        .mark_bar(color="#90a4c8")
        .encode(x=x, y=alt.Y("messages:Q", title="messages"))
        .properties(width=WIDTH, height=120)
    )
    rates = df.melt(
        id_vars=["month"],
        value_vars=["msgs_per_group_day", "participants_per_group_day"],
        var_name="rate",
        value_name="value",
    ).replace(
        {
            "rate": {
                "msgs_per_group_day": "messages per active group-day",
                "participants_per_group_day": "participants per active group-day",
            }
        }
    )
    lines = (
        alt.Chart(rates)
        .mark_line(point=True, invalid="break-paths-show-domains")
        .encode(
            x=x,
            y=alt.Y("value:Q", title="per active group per day"),
            color=alt.Color("rate:N", title=None, legend=alt.Legend(orient="bottom")),
        )
        .properties(width=WIDTH, height=170)
    )
    return _config(alt.vconcat(bars, lines).resolve_scale(x="shared"))


def growth_chart(activity: pd.DataFrame) -> alt.TopLevelMixin | None:
    """Year-on-year change, raw and coverage-corrected, on a ratio (log) scale."""
    rows = [
        {"period": str(r["period"]), "measure": label, "factor": 1.0 + float(r[col])}
        for _, r in activity.iterrows()
        for col, label in _GROWTH_METRICS.items()
        if col in activity.columns and _finite(r[col]) and float(r[col]) > -1.0
    ]
    if not rows:
        return None
    df = pd.DataFrame(rows)
    df["text"] = [change(f - 1.0) for f in df["factor"]]
    order = list(_GROWTH_METRICS.values())
    low = min(0.8, float(df["factor"].min()) / 1.5)
    high = max(2.0, float(df["factor"].max()) * 1.5)
    x = alt.X(
        "factor:Q",
        scale=alt.Scale(type="log", domain=[low, high]),
        axis=alt.Axis(
            values=[t for t in _GROWTH_TICKS if low <= t <= high],
            labelExpr="format(datum.value - 1, '+,.0%')",
        ),
        title="change on the previous year (ratio scale; 0% = flat)",
    )
    y = alt.Y("measure:N", sort=order, title=None, axis=alt.Axis(labelLimit=300))
    base = alt.Chart(df).encode(y=y)
    bars = base.mark_bar().encode(
        x=x, x2=alt.datum(1), color=alt.Color("measure:N", sort=order, legend=None)
    )
    text = base.mark_text(align="left", dx=4).encode(x="factor:Q", text="text:N")
    one = alt.Chart().mark_rule(color="black").encode(x=alt.datum(1))
    chart = alt.layer(bars, text, one).properties(
        width=WIDTH - 240, height=22 * df["measure"].nunique()
    )
    return _config(chart.facet(row=alt.Row("period:N", title=None), data=df))


def mobile_chart(mobile: pd.DataFrame) -> alt.TopLevelMixin | None:
    """Mobile/other median price ratio per category, with its bootstrap interval."""
    df = mobile[[_finite(v) and v > 0 for v in mobile["ratio"]]].copy()
    if df.empty:
        return None
    df["label"] = [
        f"{category_name(c)}" + (f" · {basis(u, b, k)}" if c != "(all)" else "") + f" (n={nm}/{no})"
        for c, u, b, k, nm, no in zip(
            df["category"],
            df["unit"],
            df["billing_period"],
            df["basis"],
            df["n_mobile"],
            df["n_other"],
            strict=True,
        )
    ]
    order = df.loc[df["category"] != "(all)", "label"].tolist()
    order += df.loc[df["category"] == "(all)", "label"].tolist()
    df["has_ci"] = [
        _finite(a) and _finite(b) and a > 0
        for a, b in zip(df["ci_low"], df["ci_high"], strict=True)
    ]
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=340))
    base = alt.Chart(df).encode(y=y)
    ci = (
        base.transform_filter("datum.has_ci")
        .mark_rule(strokeWidth=2, color="#555")
        .encode(
            x=alt.X(
                "ci_low:Q",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(values=list(_RATIO_TICKS), format="~g"),
                title="median price per unit, mobile / other (log scale; 95% bootstrap interval)",
            ),
            x2="ci_high:Q",
        )
    )
    point = base.mark_point(filled=True, size=70, color="#c0392b").encode(x="ratio:Q")
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(strokeDash=[4, 3]).encode(x="x:Q")
    chart = (ci + point + one).properties(width=WIDTH - 320, height=26 * len(df))
    return _config(chart)


def to_svg(chart: alt.TopLevelMixin, name: str, title: str) -> str:
    """``chart`` as inline-safe SVG: ids prefixed with ``name``, no scripts or links."""
    svg = vlc.vegalite_to_svg(chart.to_dict(), allowed_base_urls=[])
    return tidy_svg(svg, name, title)


def build_charts(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Every chart the tables allow, as inline SVG keyed by name."""
    specs = {
        "prices": (price_chart, "prices", "Price distributions per category"),
        "activity": (activity_chart, "activity_month", "Activity over time"),
        "growth": (growth_chart, "activity_year", "Growth on the previous year"),
        "mobile": (mobile_chart, "mobile_premium", "Mobile premium with 95% intervals"),
    }
    out: dict[str, str] = {}
    for name, (builder, table, title) in specs.items():
        chart = builder(tables[table])
        if chart is not None:
            out[name] = to_svg(chart, name, title)
    return out
