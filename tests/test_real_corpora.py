"""The extractor over every line of the real public corpora in ../shared/data/real
(skipped where that folder is absent). No crash, no error line, and spot checks
of results judged right by reading the messages."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from undersight import extract

EXE = str(Path(sys.executable).with_name("undersight"))
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")


def tumcc_lines(root: Path) -> list[str]:
    text = (root / "tumcc" / "TUMCC-clean.txt").read_text("utf-8", errors="replace")
    return [_CJK_SPACE.sub("", line.strip()) for line in text.splitlines() if line.strip()]


def darknet_posts(root: Path) -> list[tuple[str, str]]:
    path = root / "chinese-jargon-detection" / "sample.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [(r["category"], f"{r['title']}\n{r['content']}") for r in csv.DictReader(fh)]


def forum_posts(root: Path) -> list[str]:
    folder = root / "ugforum-currency-exchange" / "raw"
    return [p.read_text("utf-8", errors="replace").strip() for p in sorted(folder.iterdir())]


def test_every_real_message_goes_through_the_cli_without_error(shared_real, tmp_path):
    from undersight.corpora import CORPORA, messages

    found = {name: list(messages(shared_real, name)) for name in CORPORA}
    tumcc_file = (shared_real / "tumcc" / "TUMCC-clean.txt").read_text("utf-8", errors="replace")
    assert len(found["tumcc"]) == sum(1 for line in tumcc_file.splitlines() if line.strip())
    assert all(found.values()), [name for name, rows in found.items() if not rows]
    texts = [m.text for rows in found.values() for m in rows]
    src = tmp_path / "real.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(texts):
            fh.write(json.dumps({"id": str(i), "text": text}, ensure_ascii=False) + "\n")
    proc = subprocess.run([EXE, "extract", str(src)], capture_output=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-500:]
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(out) == len(texts)
    assert not [o for o in out if "error" in o]
    chatter = out[: len(found["tumcc"])]
    offers = sum(o["offer"] for o in chatter)
    assert 0.05 * len(chatter) < offers < 0.5 * len(chatter)  # chatter dominates real groups


@pytest.mark.parametrize(
    ("line", "offer", "category"),
    [
        ("出售 叶子 到货", True, "drugs"),
        ("国产 叶子 价格低 过检 烟油 无论 何时何地 一把来 直接 起飞", True, "drugs"),
        ("我买毒品被骗了", False, None),
        ("今天 有 几个 傻逼 来 找我 出 叶子 全 尼玛 骗子", False, None),
        ("跟 他的 对话 纪录 至少 知道 他 骗 什么 吧", False, None),
    ],
)
def test_tumcc_spot_checks(shared_real, line, offer, category):
    text = _CJK_SPACE.sub("", line)
    assert any(real.startswith(text) for real in tumcc_lines(shared_real))  # a real message
    e = extract(text)
    assert e.offer is offer
    if category:
        assert category in e.category_ids


def test_darknet_post_spot_checks(shared_real):
    posts = {text.split("\n")[0]: text for _, text in darknet_posts(shared_real)}
    kit = next(t for title, t in posts.items() if title.startswith("银行卡四件套大量有货"))
    e = extract(kit)
    assert e.offer and e.intent == "sell" and e.category_ids[0] == "carding"
    assert (e.prices[0].amount, e.prices[0].currency) == (1200, "CNY")
    wanted = next(t for title, t in posts.items() if title.startswith("求购0.015btc"))
    e = extract(wanted)
    # buying BTC paid by Alipay/WeChat: a currency swap, as the real labels have it
    assert e.offer and e.intent == "exchange" and "money_laundering" in e.category_ids
    assert (e.prices[0].amount, e.prices[0].currency) == (0.015, "BTC")
    gun = next(t for title, t in posts.items() if title.startswith("小7一把"))
    assert [(p.amount, p.currency) for p in extract(gun).prices] == [(7000, "CNY")]


def test_forum_exchange_spot_checks(shared_real):
    posts = forum_posts(shared_real)
    first = next(p for p in posts if p.startswith("35 $ PP > 30 $ LR"))
    e = extract(first)
    assert e.intent == "exchange" and e.category_ids == ["money_laundering"]
    assert [(p.amount, p.currency) for p in e.prices] == [(35, "USD"), (30, "USD")]
    closed = next(p for p in posts if p.startswith("Closed ."))
    assert extract(closed).offer is False
