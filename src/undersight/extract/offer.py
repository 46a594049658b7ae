"""Is a message an offer, and with which intent (sell, buy, exchange)?

A transparent score: intent cues, category evidence, a stated price and a
contact speak for an offer; chatter cues (questions, scam complaints,
warnings, news, vouches) speak against it. Every cue that counted is kept
as evidence with its span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from undersight.extract.matcher import Hit
from undersight.model import Evidence
from undersight.text.normalize import Normalized

# Two payment methods or currencies joined by a swap marker: "PP > BTC", "USDT换RMB".
_SWAP = re.compile(
    r"(?:paypal|pp|btc|bitcoin|lr|liberty reserve|wmz|webmoney|perfect money|pm|usdt|eth|ltc|xmr|"
    r"skrill|cashapp|cash app|zelle|venmo|revolut|payoneer|amazon gc|gift ?cards?|wu|"
    r"usd|eur|rmb|cny|u|人民币|支付宝|微信|银行卡|\$|€|£)"
    r"[\s\d.,$€£%k]{0,12}(?:->|=>|>|→|to|for|换|兑|⇄|<->|<>)\s*[\d.,$€£\s]{0,12}"
    r"(?:paypal|pp|btc|bitcoin|lr|liberty reserve|wmz|webmoney|perfect money|pm|usdt|eth|ltc|xmr|"
    r"skrill|cashapp|cash app|zelle|venmo|revolut|payoneer|amazon|gift ?cards?|wu|"
    r"usd|eur|rmb|cny|u|人民币|支付宝|微信|银行卡|\$|€|£)(?![a-z])"
)
_HAVE_WANT = re.compile(r"\[h\].{0,80}\[w\]|\bhave\b.{0,60}\bwant\b|\(h\).{0,80}\(w\)")


@dataclass(frozen=True, slots=True)
class OfferDecision:
    offer: bool
    intent: str | None
    score: float
    evidence: tuple[Evidence, ...]


def decide_offer(
    norm: Normalized,
    cue_hits: list[Hit],
    category_scores: dict[str, float],
    has_price: bool,
    has_contact: bool,
) -> OfferDecision:
    """Decide offer and intent from the cues found in a message."""
    totals = {"sell": 0.0, "buy": 0.0, "exchange": 0.0, "chatter": 0.0}
    evidence: list[Evidence] = []
    seen: set[str] = set()
    for hit in cue_hits:
        term = norm.lower[hit.start : hit.end]
        for kind, _, weight in hit.entries:
            key = f"{kind}:{term}"
            if key in seen:
                continue
            seen.add(key)
            totals[kind] = totals.get(kind, 0.0) + weight
            evidence.append(Evidence(kind, norm.to_original(hit.start, hit.end)))

    swap = _SWAP.search(norm.lower) is not None or _HAVE_WANT.search(norm.lower) is not None
    if swap:
        totals["exchange"] += 1.5

    intent_strength = totals["sell"] + totals["buy"] + totals["exchange"]
    best_category = max(category_scores.values(), default=0.0)
    score = (
        0.8 * min(intent_strength, 3.0)
        + 0.8 * min(best_category, 2.0)
        + 1.0 * has_price
        + 0.3 * has_contact
        - 0.9 * totals["chatter"]
    )
    offer = score >= 1.8 and (best_category >= 0.5 or has_price or intent_strength >= 2.0)
    if not offer:
        return OfferDecision(False, None, score, tuple(evidence))
    if totals["exchange"] >= 1.5 and totals["exchange"] >= max(totals["sell"], totals["buy"]) * 0.6:
        intent = "exchange"
    elif totals["buy"] > totals["sell"]:
        intent = "buy"
    else:
        intent = "sell"
    return OfferDecision(True, intent, score, tuple(evidence))
