"""Analyses: SQL over the store, the same on every backend."""

from undersight.analyze.activity import activity
from undersight.analyze.market_size import market_size
from undersight.analyze.mobile import mobile_premium
from undersight.analyze.prices import price_index
from undersight.analyze.top import top_groups, top_sellers

__all__ = ["activity", "market_size", "mobile_premium", "price_index", "top_groups", "top_sellers"]
