"""undersight.synth: reproducible, well-formed exports whose summary and truth hold."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import undersight
from undersight.cli import main as undersight_main
from undersight.synth import generate, scenario
from undersight.synth.catalog import products

CN_SCALE = 0.004
HEADER = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{1,2}):(\d{2}):(\d{2}) (.*)\((\d{5,12})\)$")


def _mixed(seed: int = 3) -> Any:
    """QQ and Telegram (English and Chinese) groups over a year boundary."""
    return scenario(
        "custom",
        seed=seed,
        qq_groups=2,
        telegram_groups=3,
        start=dt.date(2022, 12, 10),
        end=dt.date(2023, 1, 20),
        rates={2022: 25.0},
        growth=2.0,
    )


@pytest.fixture(scope="module")
def cn(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("cn")
    return out, generate(scenario("cn-underground-2013", scale=CN_SCALE, seed=7), out)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("mixed")
    return out, generate(_mixed(), out)


def _truth(out: Path) -> list[dict[str, Any]]:
    with (out / "truth.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def read_qq(path: Path, encoding: str) -> list[dict[str, str]]:
    """The messages of a QQ text export, parsed independently of the generator."""
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    lines = raw.decode(encoding).split("\r\n")
    assert lines[0] == "消息记录（此消息记录为文本格式，不支持重新导入）"
    messages: list[dict[str, str]] = []
    channel, current = "", None
    for i, line in enumerate(lines):
        if line.startswith("消息对象:"):
            channel = line[len("消息对象:") :]
            assert lines[i - 2] == "消息分组:我的QQ群" and lines[i - 1] == "=" * 64
            continue
        m = HEADER.match(line)
        if m and (i == 0 or lines[i - 1] == "" or lines[i - 1].startswith("=")):
            day, hour, minute, second, nick, qq = m.groups()
            current = {
                "channel": channel,
                "time": f"{day}T{int(hour):02d}:{minute}:{second}+08:00",
                "date": day,
                "author": nick,
                "author_id": qq,
                "lines": [],
            }
            messages.append(current)
        elif line == "" or line.startswith("="):
            current = None
        elif current is not None:
            current["lines"].append(line)
    for m in messages:
        m["text"] = "\n".join(m.pop("lines"))
    return messages


def read_telegram(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) >= {"about", "personal_information", "chats"}
    out = []
    for chat in data["chats"]["list"]:
        assert chat["type"] == "private_supergroup"
        assert isinstance(chat["id"], int) and isinstance(chat["name"], str)
        ids = [m["id"] for m in chat["messages"]]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
        for msg in chat["messages"]:
            if msg["type"] != "message":
                assert msg["type"] == "service"
                continue
            text = msg["text"]
            parts = [text] if isinstance(text, str) else text
            plain = "".join(p if isinstance(p, str) else p["text"] for p in parts)
            assert plain == "".join(e["text"] for e in msg["text_entities"])
            for p in parts:
                assert isinstance(p, str) or set(p) == {"type", "text"}
            local = dt.datetime.fromisoformat(msg["date"])
            utc = dt.datetime.fromtimestamp(int(msg["date_unixtime"]), dt.UTC)
            assert local - utc.replace(tzinfo=None) == dt.timedelta(hours=8)
            assert re.fullmatch(r"user\d+", msg["from_id"])
            out.append(
                {
                    "channel": chat["name"],
                    "message_id": msg["id"],
                    "date": msg["date"][:10],
                    "author_id": msg["from_id"],
                    "text": plain,
                }
            )
    return out


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    for seed, folder in ((5, "a"), (5, "b"), (6, "c")):
        p = _mixed(seed)
        generate(p, tmp_path / folder)
    files = ["truth.jsonl", "summary.json", "qq/qq-groups.txt", "telegram/result.json"]
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a/truth.jsonl").read_bytes() != (tmp_path / "c/truth.jsonl").read_bytes()


def test_qq_export_parses_as_documented(cn: tuple[Path, dict[str, Any]]) -> None:
    out, summary = cn
    raw = (out / "qq/qq-groups.txt").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # the 2013 scenario writes GB18030
    messages = read_qq(out / "qq/qq-groups.txt", "gb18030")
    truth = [t for t in _truth(out) if t["platform"] == "qq"]
    assert len(messages) == len(truth) == summary["totals"]["messages"]
    for m, t in zip(messages, truth, strict=True):
        assert (m["channel"], m["time"], m["author"], m["author_id"], m["text"]) == (
            t["channel"],
            t["time"],
            t["author"],
            t["author_id"],
            t["text"],
        )
    assert len({m["channel"] for m in messages}) == summary["totals"]["groups"]["qq"]


def test_mixed_exports_parse(mixed: tuple[Path, dict[str, Any]]) -> None:
    out, summary = mixed
    assert (out / "qq/qq-groups.txt").read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    qq = read_qq(out / "qq/qq-groups.txt", "utf-8-sig")
    tg = read_telegram(out / "telegram/result.json")
    truth = _truth(out)
    assert len(qq) + len(tg) == len(truth) == summary["totals"]["messages"]
    tg_truth = [t for t in truth if t["platform"] == "telegram"]
    assert [(m["message_id"], m["text"], m["author_id"]) for m in tg] == [
        (t["message_id"], t["text"], t["author_id"]) for t in tg_truth
    ]
    langs = {t["lang"] for t in tg_truth}
    assert langs == {"en", "zh"}
    assert any(t["text"].startswith(("Selling", "WTS", "[SELL]")) for t in tg_truth)


def _per_year(rows: list[tuple[str, str, str]]) -> dict[str, tuple[float, float, int]]:
    """(channel, date, author) rows -> year: (messages, participants per group-day, groups)."""
    days: dict[tuple[str, str], list[str]] = defaultdict(list)
    for channel, date, author in rows:
        days[(channel, date)].append(author)
    years: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for (channel, date), authors in days.items():
        years[date[:4]].append((channel, len(authors), len(set(authors))))
    return {
        y: (
            sum(n for _, n, _ in v) / len(v),
            sum(k for _, _, k in v) / len(v),
            len({c for c, _, _ in v}),
        )
        for y, v in years.items()
    }


@pytest.mark.parametrize("corpus", ["cn", "mixed"])
def test_summary_rates_are_what_the_files_hold(corpus: str, request: pytest.FixtureRequest) -> None:
    out, summary = request.getfixturevalue(corpus)
    rows = []
    if (out / "qq/qq-groups.txt").exists():
        enc = "gb18030" if corpus == "cn" else "utf-8-sig"
        rows += [
            (m["channel"], m["date"], m["author_id"])
            for m in read_qq(out / "qq/qq-groups.txt", enc)
        ]
    if (out / "telegram/result.json").exists():
        rows += [
            (m["channel"], m["date"], m["author_id"])
            for m in read_telegram(out / "telegram/result.json")
        ]
    counted = _per_year(rows)
    assert set(counted) == set(summary["per_year"])
    for year, (messages, participants, groups) in counted.items():
        planted = summary["per_year"][year]
        assert planted["messages_per_group_day"]["realized"] == pytest.approx(messages, abs=1e-3)
        assert planted["participants_per_group_day"]["realized"] == pytest.approx(
            participants, abs=1e-3
        )
        assert planted["groups_active"] == groups
    months = defaultdict(int)
    for _, date, _ in rows:
        months[date[:7]] += 1
    assert summary["per_month"] == dict(sorted(months.items()))


def test_cn_scenario_calibration(cn: tuple[Path, dict[str, Any]]) -> None:
    _, summary = cn
    y = summary["per_year"]
    assert y["2012"]["messages_per_group_day"]["planted"] == 28.74
    assert y["2013"]["messages_per_group_day"]["planted"] == 62.56
    assert y["2012"]["participants_per_group_day"]["planted"] == 5.13
    assert y["2013"]["participants_per_group_day"]["planted"] == 11.26
    assert summary["totals"]["groups"] == {"qq": 4, "telegram": 0}  # QQ only
    assert "Honoured" in summary["choice"] and summary["params"]["scale"] == CN_SCALE
    planted = {
        key: prod["planted_median_usd"]
        for cat in summary["categories"].values()
        for key, prod in cat["products"].items()
    }
    assert planted["sms_spam/sms"] == 50 and planted["sms_spam/imessage"] == 16  # per 5k / 1k
    assert planted["ddos/month"] == 81 and planted["ddos/day"] == 16
    assert planted["bots/pc"] == 8 and planted["fake_base_station/kit"] == 7400
    assert planted["sms_spam/mms"] == 82 and planted["dns_attack/job"] == 323
    assert planted["rat/mobile"] == pytest.approx(planted["rat/year"] * 1.6)
    shares = {c: v["offer_share"]["planted"] for c, v in summary["categories"].items()}
    assert shares["bots"] > shares["ddos"] > shares["rat"] > shares["sms_spam"]
    sellers = summary["sellers"]
    assert sellers["count"] > 0 and sellers["groups_per_seller"]["planted"]["mean"] > 1


def test_sellers_repost_across_groups(cn: tuple[Path, dict[str, Any]]) -> None:
    out, _ = cn
    ads = [t for t in _truth(out) if t["kind"] == "ad"]
    groups, qq_numbers, texts = defaultdict(set), defaultdict(set), defaultdict(set)
    for t in ads:
        groups[t["seller"]].add(t["channel"])
        qq_numbers[t["seller"]].add(t["author_id"])
        if t["ad_id"]:
            texts[t["ad_id"]].add(t["text"])
    assert max(len(g) for g in groups.values()) >= 2  # a seller in several groups
    assert all(len(q) == 1 for q in qq_numbers.values())  # with one QQ number
    assert all(len(t) == 1 for t in texts.values())  # a standard ad is reposted verbatim
    reposted = sum(1 for t in ads if t["ad_id"]) - len(texts)
    assert reposted > len(ads) * 0.2
    assert len({t["text"] for t in ads}) > len(ads) * 0.3  # yet not trivially identical


def _price_ok(extracted: list[Any], truth: list[dict[str, Any]]) -> bool:
    if len(extracted) != len(truth):
        return False
    for e, t in zip(extracted, truth, strict=True):
        if e.currency != t["currency"] or abs(e.amount - t["amount"]) > 0.005 * t["amount"]:
            return False
        if (e.quantity or None) != t["quantity"] or e.period != t["period"]:
            return False
    return True


def test_extractor_reads_the_ads(
    cn: tuple[Path, dict[str, Any]], mixed: tuple[Path, dict[str, Any]]
) -> None:
    rows = [t for out, _ in (cn, mixed) for t in _truth(out)]
    ads = [t for t in rows if t["offer"]][:1500]
    negatives = [t for t in rows if t["kind"] not in ("ad", "buy", "chatter")][:800]
    assert len(ads) > 500 and len(negatives) > 300
    offer = category = price = 0
    for t in ads:
        e = undersight.extract(t["text"], t["date"])
        offer += e.offer and e.intent == t["intent"]
        category += bool(e.categories) and e.category_ids[0] == t["category"]
        price += _price_ok(list(e.prices), t["prices"])
    assert offer / len(ads) >= 0.95
    assert category / len(ads) >= 0.90
    assert price / len(ads) >= 0.90
    rejected = sum(not undersight.extract(t["text"], t["date"]).offer for t in negatives)
    assert rejected / len(negatives) >= 0.90


def test_truth_is_gold_for_eval(mixed: tuple[Path, dict[str, Any]]) -> None:
    from undersight.evaluation import load_gold, score

    out, _ = mixed
    report = score(load_gold([out / "truth.jsonl"])[:1000])
    assert report.contacts.f1 >= 0.9 and report.offer.f1 >= 0.9


def test_mobile_products_cost_the_premium() -> None:
    catalog = {p.key: p for p in products(2.0)}
    for p in catalog.values():
        if p.mobile_of:
            base = catalog[p.mobile_of]
            assert p.median_usd / p.per == pytest.approx(2.0 * base.median_usd / base.per)


_CHILD = """
import resource, sys, time
from undersight.synth import generate, scenario
p = scenario("cn-underground-2013", scale=float(sys.argv[1]), seed=3)
t = time.perf_counter()
s = generate(p, sys.argv[2])
took = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(s["totals"]["messages"], took, rss)
"""


def test_memory_stays_flat(tmp_path: Path) -> None:
    """Ten times the messages, about the same memory (the generator streams); the
    generator's speed is a benchmark figure, never asserted here."""
    runs = {}
    procs = {
        n: subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(n / 1.4e6), str(tmp_path / str(n))],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in (10_000, 100_000)
    }
    for n, proc in procs.items():
        stdout, _ = proc.communicate(timeout=600)  # a hang guard only
        assert proc.returncode == 0
        messages, took, rss_kb = stdout.split()
        runs[n] = (int(messages), float(took), int(rss_kb))
    small, big = runs[10_000], runs[100_000]
    assert 5_000 < small[0] < 20_000 and 70_000 < big[0] < 140_000
    assert (big[2] - small[2]) / 1024 < 50  # MB
    summary = json.loads((tmp_path / "100000/summary.json").read_text())
    for year in summary["per_year"].values():
        for key in ("messages_per_group_day", "participants_per_group_day"):
            assert year[key]["realized"] == pytest.approx(year[key]["planted"], rel=0.2)


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    argv = ["--scenario", "cn-underground-2013", "--scale", "0.001", "--seed", "1"]
    assert undersight_main(["synth", *argv, "--out", str(out)]) == 0
    assert (out / "qq/qq-groups.txt").exists() and (out / "summary.json").exists()
    printed = capsys.readouterr().out
    assert str(out / "qq/qq-groups.txt") in printed and str(out / "truth.jsonl") in printed
    bad = ["--start", "2023-02-01", "--end", "2023-01-01", "--out", str(tmp_path / "x")]
    assert undersight_main(["synth", *bad]) == 2
    assert undersight_main(["synth", "--mix", "nonsense=1", "--out", str(tmp_path / "x")]) == 2
    assert not (tmp_path / "x").exists()
    custom = [
        "--qq-groups", "1", "--telegram-groups", "1", "--start", "2023-01-01", "--end",
        "2023-01-10", "--rate", "20", "--mix", "ddos=1,bots=1", "--out", str(tmp_path / "c"),
    ]  # fmt: skip
    assert undersight_main(["synth", *custom]) == 0
    summary = json.loads((tmp_path / "c/summary.json").read_text())
    assert summary["params"]["rates"] == {"2023": 20.0}
    assert set(summary["totals"]["groups"].values()) == {1}
    cats = {c for c, v in summary["categories"].items() if v["offers"]}
    assert cats <= {"ddos", "bots"}
