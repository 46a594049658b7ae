import json
import subprocess
import sys
from pathlib import Path

from conftest import DEV_SET
from undersight.evaluation import load_gold, score

EXE = str(Path(sys.executable).with_name("undersight"))


def test_scores_follow_the_spec_on_a_tiny_gold_set(tmp_path):
    gold = [
        {
            "id": "a",
            "text": "短信群发 5000条300元 QQ 123456789",
            "offer": True,
            "intent": "sell",
            "categories": ["sms_spam"],
            "prices": [
                {
                    "amount": 300,
                    "amount_max": None,
                    "currency": "CNY",
                    "quantity": 5000,
                    "period": None,
                }
            ],
            "contacts": [{"type": "qq", "value": "123456789"}],
        },
        # the gold says 301.0: within 0.5% of 300 -> still found
        {
            "id": "b",
            "text": "出 肉鸡 300元 包月",
            "offer": True,
            "intent": "sell",
            "categories": ["bots"],
            "prices": [
                {
                    "amount": 301.0,
                    "amount_max": None,
                    "currency": "CNY",
                    "quantity": None,
                    "period": "month",
                }
            ],
            "contacts": [],
        },
        # a wrong gold label: the extractor (rightly) disagrees, and is scored down for it
        {
            "id": "c",
            "text": "今天天气不错",
            "offer": True,
            "intent": "buy",
            "categories": ["drugs"],
            "prices": [{"amount": 5, "amount_max": None, "currency": "USD"}],
            "contacts": [{"type": "qq", "value": "99999"}],
        },
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in gold), "utf-8")
    report = score(load_gold([path]))
    s = report.summary()
    assert s["offer"]["tp"] == 2 and s["offer"]["fn"] == 1 and s["offer"]["fp"] == 0
    assert s["prices"]["tp"] == 2 and s["prices"]["fn"] == 1
    assert s["quantity_accuracy"] == 1.0 and s["period_accuracy"] == 1.0
    assert s["contacts"]["recall"] == 0.5
    assert s["per_category"]["drugs"]["recall"] == 0.0
    assert s["intent_accuracy"] == round(2 / 3, 4)

    proc = subprocess.run([EXE, "eval", str(path), "--json"], capture_output=True, check=True)
    assert json.loads(proc.stdout)["offer"]["tp"] == 2
    table = subprocess.run(
        [EXE, "eval", str(path)], capture_output=True, check=True
    ).stdout.decode()
    assert "offer" in table and "prices" in table and "sms_spam" in table


def test_a_malformed_gold_file_names_file_and_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n{oops\n', "utf-8")
    proc = subprocess.run([EXE, "eval", str(path)], capture_output=True, check=False)
    assert proc.returncode == 2
    assert f"{path}:2" in proc.stderr.decode()


def test_development_set_meets_the_quality_bar():
    """A regression guard on the project's own labelled set (tests/data/dev)."""
    gold = load_gold([DEV_SET])
    assert len(gold) >= 400
    s = score(gold).summary()
    assert s["offer"]["f1"] >= 0.95
    assert s["categories_macro_f1"] >= 0.88
    assert s["prices"]["f1"] >= 0.95
    assert s["quantity_accuracy"] >= 0.90 and s["period_accuracy"] >= 0.90
    assert s["contacts"]["f1"] >= 0.97


def test_held_out_set_meets_the_issue_thresholds():
    """tests/data/holdout3 was written independently and is never tuned on."""
    from conftest import REPO

    gold = load_gold([REPO / "tests" / "data" / "holdout3"])
    assert len(gold) == 200
    s = score(gold).summary()
    assert s["offer"]["f1"] >= 0.93
    assert s["categories_macro_f1"] >= 0.85
    assert s["prices"]["f1"] >= 0.93
    assert s["quantity_accuracy"] >= 0.90 and s["period_accuracy"] >= 0.90
    assert s["contacts"]["f1"] >= 0.95
