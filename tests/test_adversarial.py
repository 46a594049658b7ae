"""Hostile input: huge lines, pathological repetitions, injection. The guard is
a generous wall-clock limit per message (a hang detector, not a speed target):
catastrophic regex backtracking would take minutes, linear work takes well
under a second."""

from __future__ import annotations

import signal

import pytest

from undersight import extract

HOSTILE = {
    "digits": "1" * 200_000,
    "spaced digits": "1 " * 100_000,
    "dots": "a." * 100_000,
    "defanged dots": "a[.]" * 50_000,
    "ats": "@" * 100_000,
    "at handles": "@aaaa" * 40_000,
    "url": "http://" + "a" * 500_000,
    "url path": "https://x.com/" + "a/" * 200_000,
    "entities": "&amp;" * 100_000,
    "broken entities": "&#" * 100_000,
    "zero width": "\u200b" * 200_000,
    "cjk": "伪基站出售" * 100_000,
    "chinese numerals": "一二三四五六七八九十" * 50_000,
    "qq cues": "QQ " * 100_000,
    "wechat cues": "vx:" * 100_000,
    "ranges": "1-" * 100_000,
    "currency": "$" * 100_000 + "5",
    "prices": "5元 " * 50_000,
    "base58": "1" + "A" * 300_000,
    "hex": "0x" + "f" * 300_000,
    "emails": "a@" * 100_000,
    "emoji": "🔥💰" * 100_000,
    "script": "<script>alert(1)</script>" * 20_000,
    "mixed": "出售 $5 QQ 12345 t.me/a a.com 1.1.1.1 " * 10_000,
}


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - only on a hang
    raise _Timeout


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_finishes_and_stays_sane(name):
    text = HOSTILE[name]
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(30)
    try:
        result = extract(text)
    except _Timeout:
        pytest.fail(f"{name}: extraction did not finish in 30 s (catastrophic backtracking?)")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    for p in result.prices:
        assert 0 <= p.span[0] < p.span[1] <= len(text)
    for c in result.contacts:
        assert 0 <= c.span[0] < c.span[1] <= len(text)


def test_script_injection_is_only_text():
    e = extract('<script>alert("x")</script> 出售伪基站 一台5万 QQ 12345678')
    assert e.offer is True
    assert e.category_ids == ["fake_base_station"]
    assert all("<" not in c.value for c in e.contacts)
