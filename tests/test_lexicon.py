import pytest

from undersight.lexicon import LexiconError, default_lexicon, load_lexicon
from undersight.model import CATEGORY_IDS


def test_every_spec_category_is_in_the_lexicon_and_no_other():
    lex = default_lexicon()
    assert {c.split("/")[0] for c in lex.categories} == set(CATEGORY_IDS)
    for cid, terms in lex.categories.items():
        if cid != "other":
            assert len(terms) >= 10, cid


def test_terms_are_stored_normalized():
    lex = default_lexicon()
    for terms in lex.categories.values():
        for term in terms:
            assert term == term.lower().strip()
            assert "偽" not in term and "遠" not in term  # traditional folded


def test_a_custom_lexicon_folder_loads_and_a_bad_one_is_refused(tmp_path):
    from importlib import resources

    src = resources.files("undersight.lexicon")
    for name in ("categories.yaml", "cues.yaml", "prices.yaml", "platforms.yaml"):
        (tmp_path / name).write_text(src.joinpath(name).read_text("utf-8"), "utf-8")
    assert load_lexicon(tmp_path).version == default_lexicon().version
    (tmp_path / "categories.yaml").write_text("not_a_category:\n  terms: {x: 1}\n", "utf-8")
    with pytest.raises(LexiconError, match="unknown category"):
        load_lexicon(tmp_path)
    (tmp_path / "categories.yaml").write_text("sms_spam: [unclosed\n", "utf-8")
    with pytest.raises(LexiconError):
        load_lexicon(tmp_path)
