from undersight.text.normalize import normalize
from undersight.text.numbers import parse_number


def test_full_width_and_traditional_fold_to_one_length():
    n = normalize("ＱＱ：１２３４５ 偽基站")
    assert n.cased == "QQ:12345 伪基站"
    assert n.lower == "qq:12345 伪基站"
    assert n.segments is None  # same length: spans map one to one


def test_spaces_between_chinese_words_are_dropped_but_not_around_numerals():
    text = "可以 打 流量 三千 月租 AB CD"
    n = normalize(text)
    assert n.cased == "可以打流量 三千 月租 AB CD"
    start = n.cased.index("打流量")
    s, e = n.to_original(start, start + 3)
    assert text[s:e] == "打 流量"


def test_spans_map_back_through_entities_and_zero_width():
    text = "CVV &amp; dumps 伪\u200b基站 &#36;15"
    n = normalize(text)
    assert n.cased == "CVV & dumps 伪基站 $15"
    start = n.lower.index("伪基站")
    s, e = n.to_original(start, start + 3)
    assert text[s:e] == "伪\u200b基站"
    price = n.lower.index("$15")
    s, e = n.to_original(price, price + 3)
    assert text[s:e] == "&#36;15"


def test_unknown_entity_is_kept_verbatim():
    n = normalize("a &notanentity; b")
    assert n.cased == "a &notanentity; b"


def test_control_characters_and_nul_are_removed():
    n = normalize("a\x00b\x07c\ufeffd")
    assert n.cased == "abcd"
    assert n.to_original(1, 3) == (2, 5)


def test_lower_keeps_length_even_for_expanding_characters():
    text = "İstanbul ABC"
    n = normalize(text)
    assert len(n.lower) == len(n.cased)
    assert n.lower.endswith("abc")


def test_numbers_in_every_written_form():
    cases = {
        "1,500": 1500,
        "1.5k": 1500,
        "3w": 30000,
        "10万": 100000,
        "十万": 100000,
        "两千": 2000,
        "三百五": 350,
        "1.2亿": 120000000,
        "2千5": 2500,
        "1百五": 150,
        "1万5": 15000,
    }
    for raw, value in cases.items():
        assert parse_number(raw) == value, raw
    assert parse_number("abc") is None
    assert parse_number("1.2.3") is None


def test_fast_chinese_numeral_reader_agrees_with_cn2an():
    import random

    import cn2an

    from undersight.text.numbers import _chinese_fast

    rng = random.Random(2013)
    values = [rng.randint(1, 99) for _ in range(300)]
    values += [rng.randint(100, 99_999_999) for _ in range(1500)]
    values += [rng.randint(1, 9) * 10 ** rng.randint(1, 8) for _ in range(200)]
    for value in values:
        written = cn2an.an2cn(value, "low")
        assert _chinese_fast(written) == value, written
    for colloquial, value in {"三百五": 350, "两千五": 2500, "一万五": 15000, "十二": 12}.items():
        assert _chinese_fast(colloquial) == value
        assert float(cn2an.cn2an(colloquial, "smart")) == value
    assert _chinese_fast("一二") is None
