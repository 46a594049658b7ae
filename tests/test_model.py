"""The trained model beside the lexicon: shipped in the package, deterministic,
switchable from the command line, rebuilt by `undersight train`, and its
confidence stored and used by the analyses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from undersight.extract.pipeline import Extractor, extractor_version, model_choice
from undersight.learn.classifier import Classifier, ModelError, bundled_path

EXE = str(Path(sys.executable).with_name("undersight"))
DEV = Path(__file__).parent / "data" / "dev"
# A real DarkGram-style listing the lexicon alone does not take for an offer
# (no sell word) and a chatter line.
LISTING = "IPTV from Indonesia\n7 USD"
CHATTER = "lol that channel got banned again, anyone know why"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, *args], input=stdin, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_model_ships_inside_the_package_and_is_used_by_default():
    path = bundled_path()
    assert path is not None and path.stat().st_size > 10_000
    model = model_choice()
    assert isinstance(model, Classifier) and model.size > 100
    assert "+lexicon+" not in extractor_version()  # the version names the model


def test_results_are_byte_stable_for_a_model():
    model = model_choice()
    texts = [json.loads(line)["text"] for line in (DEV / "en-forum.jsonl").open()][:60]
    first = [Extractor(cache_size=0, model=model).extract(t, "2020-01-01") for t in texts]
    reloaded = Classifier(str(bundled_path()))
    again = [Extractor(cache_size=0, model=reloaded).extract(t, "2020-01-01") for t in texts]
    assert first == again
    assert any(e.confidence is not None and e.confidence < 1.0 for e in first)


def test_offers_carry_a_confidence_for_the_decision_and_each_category():
    ex = Extractor(cache_size=0, model=model_choice())
    e = ex.extract("出售 四件套 1200元一套 联系QQ 12345678")
    assert e.offer and 0.5 <= e.confidence <= 1.0
    assert len(e.category_confidence) == len(e.categories) >= 1
    assert all(0.0 <= p <= 1.0 for p in e.category_confidence)
    top = e.categories[0].label
    assert e.to_dict()["confidence"]["categories"][top] == e.category_confidence[0]
    chatter = ex.extract(CHATTER)
    assert not chatter.offer and chatter.confidence >= 0.5 and "confidence" in chatter.to_dict()


def test_no_model_and_model_options_of_extract():
    line = json.dumps({"id": "a", "text": "Selling fresh fullz $10 each, DM @shop_x"}) + "\n"
    default = json.loads(run("extract", stdin=line).stdout)
    lexicon = json.loads(run("extract", "--no-model", stdin=line).stdout)
    assert "confidence" in default and "confidence" not in lexicon
    assert default["offer"] and lexicon["offer"]
    bad = run("extract", "--model", "/nonexistent/model.npz", stdin=line)
    assert bad.returncode == 2 and "not a model file" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_train_rebuilds_a_model_that_extract_uses(tmp_path):
    out = tmp_path / "m.npz"
    proc = run("train", str(DEV), "--out", str(out), "--max-ngrams", "400")
    assert proc.returncode == 0, proc.stderr
    model = Classifier(str(out))
    assert 0 < model.size <= 400
    line = json.dumps({"id": "a", "text": "出售 肉鸡 100个 50元 QQ 12345678"}) + "\n"
    result = json.loads(run("extract", "--model", str(out), stdin=line).stdout)
    assert result["offer"] and "bots" in result["categories"]
    # the same labels give the same model
    again = tmp_path / "m2.npz"
    run("train", str(DEV), "--out", str(again), "--max-ngrams", "400")
    assert Classifier(str(again)).version == model.version


def test_a_model_for_other_features_is_refused(tmp_path):
    import numpy as np

    with np.load(str(bundled_path())) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["dense_names"] = arrays["dense_names"][:-1]
    bad = tmp_path / "old.npz"
    np.savez_compressed(bad, **arrays)
    with pytest.raises(ModelError, match="retrain"):
        Classifier(str(bad))


def test_the_model_beats_the_lexicon_on_listings_without_sell_words():
    lexicon = Extractor(cache_size=0).extract(LISTING)
    model = Extractor(cache_size=0, model=model_choice()).extract(LISTING)
    assert model.offer and [(p.amount, p.currency) for p in model.prices] == [(7.0, "USD")]
    assert lexicon.offer  # the listing-price rule makes it an offer for the lexicon too


def test_min_confidence_filters_the_analyses(tmp_path):
    from undersight.analyze.overview import overview
    from undersight.store import open_store
    from undersight.store.filters import min_confidence

    sample = Path(__file__).resolve().parents[1] / "src" / "undersight" / "data" / "sample"
    db = tmp_path / "s.duckdb"
    assert run("ingest", str(sample), "--db", str(db)).returncode == 0
    store = open_store(str(db))
    try:
        everything = overview(store).offers
        scored = store.query("SELECT count(confidence) FROM extractions WHERE offer")[0][0]
        assert scored == everything > 0  # the model decided every stored offer
        unsure = store.query("SELECT count(*) FROM extractions WHERE offer AND confidence < 0.95")
        with min_confidence(0.95):
            assert overview(store).offers == everything - unsure[0][0]
        with min_confidence(1.0):
            assert overview(store).offers <= everything - unsure[0][0]
        cats = store.query("SELECT count(*) FROM categories WHERE confidence IS NULL")[0][0]
        assert cats == 0
    finally:
        store.close()


def test_explain_names_the_rule_or_model_output_behind_each_field():
    lines = "".join(
        json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
        for i, t in (
            ("listing", "origin lifetime streaming account\n7"),
            ("ask", "有卖叶子的吗"),
            ("ad", "短信群发 三网通道 5000条300元 联系QQ 123456789"),
        )
    )
    out = run("extract", "--explain", stdin=lines)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "listing: origin lifetime streaming account" in text
    assert "rule listing-price" in text and "decided by the model" in text
    assert 'category  sms_spam - lexicon term "短信群发" [0,4)' in text
    assert "contact   qq 123456789" in text
    assert "intent    buy" in text  # the request-question rule
    plain = run("extract", "--explain", "--no-model", stdin=lines).stdout
    assert "decided by the lexicon" in plain and "rule request-question" in plain
    assert "model " not in plain.replace("--no-model", "")


def test_a_question_for_a_known_product_is_a_buy_request_with_the_model():
    ex = Extractor(cache_size=0, model=model_choice())
    e = ex.extract("问 大佬 有没有 卖 春药 的")  # a real TUMCC line
    assert e.offer and e.intent == "buy" and "drugs" in e.category_ids
    assert 0.5 <= e.confidence <= 1.0
    assert not ex.extract("有没有人知道这个群为什么被封").offer  # a question, no product
