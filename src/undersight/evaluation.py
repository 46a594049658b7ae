"""Score the extractor against a labelled gold set, as the extract spec describes.

- offer: F1 of the ``true`` class; intent: accuracy over true offers;
- categories: micro- and macro-F1 over (message, id) pairs of true offers;
- prices: found when currency matches and amount (and amount_max) is within
  0.5%; precision/recall over all stated prices; quantity and period scored
  on the found ones; usd within 2% where the gold states it;
- contacts: precision/recall over (type, value) pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from undersight.extract.pipeline import Extractor, default_extractor


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    messages: int = 0
    offer: Counts = field(default_factory=Counts)
    intent_right: int = 0
    intent_total: int = 0
    categories: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    prices: Counts = field(default_factory=Counts)
    quantity_right: int = 0
    period_right: int = 0
    usd_right: int = 0
    usd_total: int = 0
    contacts: Counts = field(default_factory=Counts)
    contact_types: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_lang: dict[str, dict[str, Counts]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counts))
    )
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def category_micro(self) -> Counts:
        total = Counts()
        for c in self.categories.values():
            total.tp += c.tp
            total.fp += c.fp
            total.fn += c.fn
        return total

    @property
    def category_macro_f1(self) -> float:
        scored = [c.f1 for c in self.categories.values() if c.tp + c.fn > 0]
        return sum(scored) / len(scored) if scored else 1.0

    def summary(self) -> dict[str, Any]:
        found = self.prices.tp
        return {
            "messages": self.messages,
            "offer": self.offer.as_dict(),
            "intent_accuracy": round(self.intent_right / self.intent_total, 4)
            if self.intent_total
            else None,
            "categories_micro": self.category_micro.as_dict(),
            "categories_macro_f1": round(self.category_macro_f1, 4),
            "prices": self.prices.as_dict(),
            "quantity_accuracy": round(self.quantity_right / found, 4) if found else None,
            "period_accuracy": round(self.period_right / found, 4) if found else None,
            "usd_accuracy": round(self.usd_right / self.usd_total, 4) if self.usd_total else None,
            "contacts": self.contacts.as_dict(),
            "per_category": {k: v.as_dict() for k, v in sorted(self.categories.items())},
            "per_contact_type": {k: v.as_dict() for k, v in sorted(self.contact_types.items())},
            "per_language": {
                lang: {k: v.as_dict() for k, v in fields.items()}
                for lang, fields in sorted(self.by_lang.items())
            },
        }


def _close(a: float | None, b: float | None, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-9)


def _match_prices(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching in order of appearance."""
    used: set[int] = set()
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if pi in used or p.get("currency") != g.get("currency"):
                continue
            if not _close(float(p["amount"]), float(g["amount"]), 0.005):
                continue
            if g.get("amount_max") is not None and not _close(
                p.get("amount_max"), float(g["amount_max"]), 0.005
            ):
                continue
            used.add(pi)
            pairs.append((gi, pi))
            break
    return pairs


def _count(c: Counts, gold: set[Any], pred: set[Any]) -> None:
    c.tp += len(gold & pred)
    c.fp += len(pred - gold)
    c.fn += len(gold - pred)


def score(gold_records: Iterable[dict[str, Any]], extractor: Extractor | None = None) -> Report:
    """Run the extractor over gold records and score it."""
    ex = extractor or default_extractor()
    report = Report()
    for g in gold_records:
        report.messages += 1
        pred = ex.extract(g["text"], g.get("date")).to_dict()
        lang = g.get("lang", "?")
        per_lang = report.by_lang[lang]
        mistakes: dict[str, Any] = {}

        g_offer, p_offer = bool(g.get("offer")), bool(pred["offer"])
        for counts in (report.offer, per_lang["offer"]):
            _count(counts, {1} if g_offer else set(), {1} if p_offer else set())
        if g_offer != p_offer:
            mistakes["offer"] = [g_offer, p_offer]
        if g_offer:
            report.intent_total += 1
            if pred["intent"] == g.get("intent"):
                report.intent_right += 1
            else:
                mistakes["intent"] = [g.get("intent"), pred["intent"]]
            g_cats, p_cats = set(g.get("categories") or []), set(pred["categories"])
            for cid in g_cats | p_cats:
                _count(
                    report.categories[cid],
                    {1} if cid in g_cats else set(),
                    {1} if cid in p_cats else set(),
                )
            if g_cats != p_cats:
                mistakes["categories"] = [sorted(g_cats), sorted(p_cats)]

        g_prices, p_prices = list(g.get("prices") or []), pred["prices"]
        pairs = _match_prices(g_prices, p_prices)
        for counts in (report.prices, per_lang["prices"]):
            counts.tp += len(pairs)
            counts.fp += len(p_prices) - len(pairs)
            counts.fn += len(g_prices) - len(pairs)
        for gi, pi in pairs:
            gp, pp = g_prices[gi], p_prices[pi]
            if _close(gp.get("quantity"), pp.get("quantity"), 0.005):
                report.quantity_right += 1
            else:
                mistakes.setdefault("quantity", []).append([gp.get("quantity"), pp.get("quantity")])
            if gp.get("period") == pp.get("period"):
                report.period_right += 1
            else:
                mistakes.setdefault("period", []).append([gp.get("period"), pp.get("period")])
            if gp.get("usd") is not None:
                report.usd_total += 1
                report.usd_right += _close(gp["usd"], pp.get("usd"), 0.02)
        if len(pairs) != len(g_prices) or len(pairs) != len(p_prices):
            mistakes["prices"] = [
                [(p["amount"], p.get("amount_max"), p["currency"]) for p in g_prices],
                [(p["amount"], p.get("amount_max"), p["currency"]) for p in p_prices],
            ]

        g_contacts = {(c["type"], c["value"]) for c in g.get("contacts") or []}
        p_contacts = {(c["type"], c["value"]) for c in pred["contacts"]}
        for counts in (report.contacts, per_lang["contacts"]):
            _count(counts, g_contacts, p_contacts)
        for kind in {t for t, _ in g_contacts | p_contacts}:
            _count(
                report.contact_types[kind],
                {c for c in g_contacts if c[0] == kind},
                {c for c in p_contacts if c[0] == kind},
            )
        if g_contacts != p_contacts:
            mistakes["contacts"] = [
                sorted(g_contacts - p_contacts),
                sorted(p_contacts - g_contacts),
            ]
        if mistakes:
            report.errors.append({"id": g.get("id"), "text": g["text"], **mistakes})
    return report


def _join_real(record: dict[str, Any], where: str, texts: Any) -> dict[str, Any]:
    """A real-corpus label (corpus, key, sha) joined to its text in ``shared/data/real``."""
    from undersight.corpora import LANGUAGE, text_hash

    if texts is None:
        raise ValueError(
            f"{where}: a real-corpus label (no 'text'): give the corpora folder with --real"
        )
    message = texts.get((record.get("corpus"), record.get("key")))
    if message is None:
        raise ValueError(f"{where}: {record.get('corpus')}/{record.get('key')}: no such message")
    if text_hash(message.text) != record.get("sha"):
        raise ValueError(
            f"{where}: {record['corpus']}/{record['key']}: the text changed (hash mismatch)"
        )
    joined = {"id": f"{record['corpus']}/{record['key']}", "lang": LANGUAGE[record["corpus"]]}
    joined.update(record)
    joined["text"], joined["date"] = message.text, message.date
    return joined


def _label_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.rglob("*.jsonl")) if p.is_dir() else [p])
    return files


def load_gold(
    paths: Iterable[str | Path], real_root: str | Path | None = None
) -> list[dict[str, Any]]:
    """Gold records from JSONL files or folders of them; a bad line names file and line.

    A record without ``text`` is a label of a real-corpus message (``corpus``,
    ``key``, ``sha``): its text is read from ``real_root`` and its hash checked.
    Written records are grouped by their file's name, real ones by corpus.
    """
    records: list[dict[str, Any]] = []
    texts = None
    for path in _label_files(paths):
        with path.open("rb") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise ValueError(f"{where}: invalid JSON: {exc}") from None
                if not isinstance(record, dict):
                    raise ValueError(f"{where}: expected a JSON object")
                if "text" not in record and "sha" in record:
                    if texts is None and real_root is not None:
                        from undersight.corpora import index

                        texts = index(Path(real_root))
                    record = _join_real(record, where, texts)
                    record["group"] = f"real/{record['corpus']}"
                elif isinstance(record.get("text"), str):
                    record["group"] = f"written/{path.stem}"
                else:
                    raise ValueError(f"{where}: expected an object with a 'text' string")
                records.append(record)
    return records


def score_groups(
    gold_records: list[dict[str, Any]], extractor: Extractor | None = None
) -> dict[str, Report]:
    """One report per group (a real corpus or a written file) and per kind (real, written)."""
    ex = extractor or default_extractor()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in gold_records:
        group = record.get("group", "written/?")
        groups[group].append(record)
        groups[group.split("/")[0]].append(record)
    return {name: score(records, ex) for name, records in sorted(groups.items())}
