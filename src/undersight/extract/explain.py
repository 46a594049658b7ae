"""``undersight extract --explain``: which rule or model output decided each field.

A diagnostic path beside the extractor: it runs the same stages
(normalization, term matching, cue scores, the model, the price rules,
contacts) and reports, per field, the evidence and the rule that decided it.
Its decisions are the extractor's own: the extraction it explains is computed
by :meth:`Extractor.extract` and printed with it.
"""

from __future__ import annotations

import datetime as dt

from undersight.extract.pipeline import CATEGORY_UNITS, Extractor
from undersight.learn.classifier import THRESHOLD
from undersight.learn.features import PRICE_INDEX, STRUCTURED_INDEX
from undersight.model import Extraction


def _quote(text: str, span: tuple[int, int]) -> str:
    piece = text[span[0] : span[1]].replace("\n", " ")
    return f'"{piece[:40]}" [{span[0]},{span[1]})'


# Refused numbers listed at most (a price list can hold hundreds).
_MOST_REFUSED = 12


def explain(
    ex: Extractor, text: str, date: dt.date | dt.datetime | str | None = None
) -> tuple[Extraction, list[str]]:
    """The extraction of ``text`` and one line per decision that made it."""
    result = ex.extract(text, date)
    r = ex.read(text)
    norm, lower, chinese = r.norm, r.lower, r.chinese
    vocab_hits, masked = r.vocab_hits, r.contact_spans
    scores, first_hit, listing, cues = r.scores, r.first_hit, r.listing, r.cues
    lines: list[str] = []
    trace: list[tuple[int, int, str]] = []
    top = ex._ranked_categories(scores)
    unit = CATEGORY_UNITS.get(top[0]) if top else None
    found = ex.prices.find(norm, chinese, vocab_hits, unit, masked, trace)
    accepted = {norm.to_original(f.start, f.end): f.rule for f in found}
    refused = {norm.to_original(a, b): rule for a, b, rule in trace}

    cue_words = (
        ", ".join(f"{e.label} {_quote(text, e.span)}" for e in cues.evidence) or "no cue words"
    )
    if listing:
        cue_words += "; listing layout (a line holding only a price)"
    lexicon_says = cues.intent(
        bool(result.prices) or listing, any(p.quantity or p.period for p in result.prices)
    )
    lines.append(f"  cues      {cue_words}")
    lines.append(
        "  lexicon   "
        + (f"offer, intent {lexicon_says}" if lexicon_says else "not an offer")
        + f" (score {cues.score(bool(result.prices), False):.2f}, needs 1.80)"
    )
    model = ex.model
    if model is not None:
        dense = r.dense(False, False)
        logits = model.logits(model.rows(lower), dense)
        if found:
            model.add_feature(logits, PRICE_INDEX)
            if any(p.quantity or p.period for p in found):
                model.add_feature(logits, STRUCTURED_INDEX)
        p_offer, intent, chosen = model.decide(logits)
        lines.append(
            f"  model     offer p={p_offer:.3f} (threshold {THRESHOLD}), intent {intent}, "
            + ", ".join(f"{c} p={p:.2f}" for c, p in chosen)
            + f"  [{model.path.rsplit('/', 1)[-1]} {model.version}]"
        )
    decided_by = "model" if model is not None else "lexicon"
    lines.append(
        f"  offer     {'yes' if result.offer else 'no'} - decided by the {decided_by}"
        + (f" (confidence {result.confidence})" if result.confidence is not None else "")
    )
    if result.offer:
        if model is None:
            rule, _ = cues.intent_rule()
            lines.append(f"  intent    {result.intent} - rule {rule}")
        else:
            rule, lexicon_intent = cues.intent_rule()
            lines.append(
                f"  intent    {result.intent} - model (lexicon rule {rule} says {lexicon_intent})"
            )
        confidences = dict(zip(result.category_ids, result.category_confidence, strict=False))
        for cat in result.categories:
            how = (
                f"lexicon term {_quote(text, cat.span)}, score {scores.get(cat.label, 0):.1f}"
                if cat.label in first_hit
                else "model"
            )
            p = confidences.get(cat.label)
            lines.append(f"  category  {cat.label} - {how}" + (f", p={p}" if p is not None else ""))
        for p in result.prices:
            extra = "".join(
                f" {k}={v}"
                for k, v in (("quantity", p.quantity), ("unit", p.unit), ("period", p.period))
                if v is not None
            )
            lines.append(
                f"  price     {p.amount:g} {p.currency}{extra} {_quote(text, p.span)}"
                f" - rule {accepted.get(p.span, 'currency-word')}"
            )
    for start, end in sorted(refused)[:_MOST_REFUSED]:
        lines.append(f"  no price  {_quote(text, (start, end))} - rule {refused[(start, end)]}")
    for c in result.contacts:
        lines.append(f"  contact   {c.type} {c.value} {_quote(text, c.span)}")
    return result, lines
