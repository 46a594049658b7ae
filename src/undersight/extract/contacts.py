"""Contact handles and indicators: QQ, WeChat, Telegram, e-mail, phone, URLs,
domains, IPs and crypto wallets.

Values are normalized (Telegram lower-case without ``@``, phones in E.164,
URLs and domains refanged with a lower-case host). Wallets are reported only
when their checksum holds, so a random run of characters is never a wallet.
Each identifier is reported once, as its most specific type.
"""

from __future__ import annotations

import re
from bisect import bisect_right, insort
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from typing import Final

import base58
import bech32
import phonenumbers

from undersight.extract.records import contact
from undersight.model import Contact
from undersight.text.normalize import Normalized

DOT: Final = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))"
_LABEL: Final = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_STOP: Final = r"\s<>\"'`|\u3000-\u303f\u4e00-\u9fff\uff00-\uffef，。、！？；：“”‘’（）【】《》"

# Patterns are written so that every alternative starts with a literal
# character: the regex engine then skips ahead to those characters instead of
# trying the whole pattern at every position. A lookbehind that belongs before
# that character is written after it, over both: ``q(?<![a-z0-9]q)`` is
# ``(?<![a-z0-9])q``.
URL: Final = re.compile(
    rf"(?<![a-z0-9])(?:https?|hxxps?|h\[xx\]ps?|h\*\*ps?|ftp|fxp)(?::|\[:\])//[^{_STOP}]{{1,2048}}"
    rf"|(?<![a-z0-9.@/])www{DOT}{_LABEL}(?:{DOT}{_LABEL}){{1,6}}(?:[/:?#][^{_STOP}]{{0,2048}})?"
)
TELEGRAM_LINK: Final = re.compile(
    rf"(?<![a-z0-9.])(?:https?://|hxxps?://)?(?:t|telegram){DOT}(?:me|dog)/"
    r"(?!joinchat|addlist/|addstickers/|\+|s/|c/)"
    r"@?([a-z][a-z0-9_]{3,31})(?![a-z0-9_])"
)
# "name.t.me": a channel's own subdomain
TELEGRAM_SUBDOMAIN: Final = re.compile(
    r"(?<![a-z0-9._/@-])(?:https?://)?([a-z][a-z0-9_]{3,31})\.t\.me(?![a-z0-9.-])/?"
)
EMAIL: Final = re.compile(
    rf"(?<![a-z0-9._%+-])([a-z0-9][a-z0-9._%+-]{{0,63}})\s?(?:@|\[@\]|\(@\)|\[at\]|\(at\))\s?"
    rf"({_LABEL}(?:{DOT}{_LABEL}){{0,6}}{DOT}[a-z]{{2,24}})(?![a-z0-9-])"
)
# the local part and the space before the "@" take at most this many characters
_EMAIL_REACH: Final = 65
# What every e-mail holds after its local part: an "@" (plain or defanged), a
# host-name label and a dot; searching for it is much cheaper than for EMAIL.
_EMAIL_AT: Final = re.compile(rf"(?:@|\[@\]|\(@\)|\[at\]|\(at\))\s?{_LABEL}{DOT}")
TELEGRAM_AT: Final = re.compile(
    r"@(?<![a-z0-9_@.]@)([a-z][a-z0-9_]{3,31})(?![a-z0-9_@]|\.[a-z0-9])"
)
_TG_LABEL: Final = r"\s*(?:id|号|账号)?\s*(?:[:：=]\s*@?|@)"  # "tg: @name", "tg@name"
_TG_SIGN: Final = r"\s*(?:id|号|账号)?\s*[:：=]?\s*@?"  # "飞机 name"
TELEGRAM_CUE: Final = re.compile(
    rf"(?:t(?<![a-z]t)(?:g|elegram|elegarm|ele){_TG_LABEL}|电(?<![a-z]电)报{_TG_LABEL}"
    rf"|纸飞机{_TG_SIGN}|小飞机{_TG_SIGN}|飞机{_TG_SIGN}|电报{_TG_SIGN}|✈️?{_TG_SIGN}|✈{_TG_SIGN})"
    r"([a-z][a-z0-9_]{4,31})(?![a-z0-9_])"
)
QQ: Final = re.compile(
    r"(?:q(?<![a-z0-9]q)\s?q|扣扣|抠抠|企鹅|球球|口口|q(?<![a-z0-9]q)|扣|群)"
    r"\s*(?:号码|号|群|群号)?\s*(?:[:：=是]|联系)?\s*"
    r"([1-9]\d{0,10}(?:[ \t]\d{1,10}){0,10})(?!\d)"
)
# "2903318852（扣扣）", "12345678(QQ)": a number labelled after it, in brackets
QQ_AFTER: Final = re.compile(r"([1-9](?<!\d[1-9])\d{4,10})\s?[(（\[]\s?(?:qq|扣扣|企鹅)\s?[)）\]]")
WECHAT: Final = re.compile(
    r"(?:微信号?|威信|薇信|徽信|卫星|v\s?信|v(?<![a-z0-9]v)x"
    r"|w(?<![a-z0-9]w)(?:x|eixin|echat|e chat|echat id)"
    r"|薇|加v|\+v|v(?<![a-z0-9]v)(?=\s*[:：])|微(?=\s*[:：]))"
    r"\s*(?:号|id)?\s*[:：=]?\s*"
    r"([a-z][-_a-z0-9]{5,19}|1[3-9]\d{9}|[1-9]\d{4,11})(?![-_a-z0-9])"
)
PHONE_INTL: Final = re.compile(
    r"\+(?<![\w+]\+)\d{1,3}[\s.-]?(?:\(?\d{1,4}\)?[\s.-]?){1,5}\d{1,4}(?!\d)"
)
PHONE_CN: Final = re.compile(r"1(?<!\d1)[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
PHONE_CUE: Final = re.compile(
    r"(?:电话|手机号?|联系电话|热线|tel|phone|call|whatsapp|wa|☎️?|📞)\s*[:：.]?\s*"
    r"(\(?\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,5})(?!\d)"
)
BTC_BASE58: Final = re.compile(r"(?<![0-9A-Za-z])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![0-9A-Za-z])")
BTC_BECH32: Final = re.compile(r"(?<![0-9a-z])bc1[02-9ac-hj-np-z]{6,87}(?![0-9a-z])")
ETH: Final = re.compile(r"(?<![0-9a-z])0x[0-9a-f]{40}(?![0-9a-z])")
TRON: Final = re.compile(r"(?<![0-9A-Za-z])T[1-9A-HJ-NP-Za-km-z]{33}(?![0-9A-Za-z])")
XMR: Final = re.compile(
    r"(?<![0-9A-Za-z])[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}(?:[1-9A-HJ-NP-Za-km-z]{11})?(?![0-9A-Za-z])"
)
_OCTET: Final = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# (not after a letter: "v4.7.2.1" is a version)
IPV4: Final = re.compile(rf"(?<![\w.])(?:{_OCTET}{DOT}){{3}}{_OCTET}(?![\d]|\.\d)")
# A version number written like an address: "Version: 16.0.3.51", "build 2.0.0.86".
_VERSION_BEFORE: Final = re.compile(
    r"(?<![a-z])(?:version|ver\.?|build|release|update|v)\s*[:：]?\s*$"
)
# Reverse-DNS names of Android packages ("com.picsart.studio") and versions
# ("v7.3.11.31685.gp") look like domains; a domain's first label is neither.
_PACKAGE_HEADS: Final = frozenset(
    {"com", "org", "net", "io", "me", "ai", "app", "co", "de", "ru", "cn", "tv", "in", "uk", "us"}
)
DOMAIN: Final = re.compile(
    rf"(?<![a-z0-9@.\-_/])((?:{_LABEL}{DOT}){{1,8}}([a-z]{{2,24}}))(?![a-z0-9\-_]|{DOT}[a-z0-9])"
)
# Messenger ids written after their app's name: "ICQ: 123456", "jabber -
# name@exploit.im", "Skype: live:name", "Wickr: name", "Session ID 05ab...",
# "Potato: name", "Threema: ABCD1234". A Session id is 66 hex digits (05...).
_SEP: Final = r"\s*(?:id|name|me|chat|号)?\s*(?:[:：=#-]|->|=>|\*{1,3})?\s*"
# Names that are also words ("skype account", "wickr me"): only after an explicit separator.
_SEP_STRICT: Final = r"\s*(?:id|name|me|chat|号)?\s*(?:[:：=#-]|->|=>|\*{1,3})\s*"
_XMPP_ID: Final = (
    rf"[a-z0-9][a-z0-9._%+-]{{0,63}}(?:@|\[@\]|\(@\)|\[at\])"
    rf"[a-z0-9-]+(?:{DOT}[a-z0-9-]+)*{DOT}[a-z]{{2,24}}"
)
MESSENGER: Final = re.compile(
    rf"i(?<![a-z]i)cq(?:#|{_SEP})(\d(?:[ -]?\d){{4,9}})(?!\d)"
    rf"|j(?<![a-z]j)(?:abber|abb|id|ab)\b(?:{_SEP})(?:\(?xmpp\)?\s*[:：-]?\s*)?({_XMPP_ID})"
    rf"|x(?<![a-z]x)mpp(?:{_SEP})({_XMPP_ID})"
    rf"|s(?<![a-z]s)kype(?:{_SEP_STRICT})(live:[a-z0-9._-]{{3,40}}|[a-z][a-z0-9._,-]{{5,31}})(?![a-z0-9._-])"
    rf"|w(?<![a-z]w)ickr(?:{_SEP_STRICT})([a-z0-9][a-z0-9._-]{{2,31}})(?![a-z0-9._-])"
    rf"|s(?<![a-z]s)ession(?:{_SEP})(05[0-9a-f]{{64}})(?![0-9a-z])"
    rf"|p(?<![a-z]p)otato(?:{_SEP_STRICT})@?([a-z][a-z0-9_]{{2,31}})(?![a-z0-9_])"
    rf"|土豆(?:{_SEP})@?([a-z][a-z0-9_]{{2,31}})(?![a-z0-9_])"
    rf"|t(?<![a-z]t)hreema(?:{_SEP_STRICT})([a-z0-9*]{{8}})(?![a-z0-9])"
)
_MESSENGER_TYPES: Final = (
    "icq", "jabber", "jabber", "skype", "wickr", "session", "potato", "potato", "threema"
)  # fmt: skip
_MESSENGER_GATE: Final = re.compile("icq|jab|jid|xmpp|skype|wickr|session|potato|土豆|threema")
# A bare Session id (no app name before it)
SESSION_ID: Final = re.compile(r"(?<![0-9a-z])05[0-9a-f]{64}(?![0-9a-z])")
# Public XMPP servers: an address on one of them is a Jabber id, not an e-mail.
_XMPP_HOSTS: Final = frozenset(
    {
        "jabber.org", "jabber.ru", "jabber.de", "jabber.cz", "jabber.at", "jabber.fr",
        "jabber.cc", "jabber.calyxinstitute.org", "exploit.im", "xmpp.jp", "xmpp.is",
        "jabb.im", "jabbim.com", "jabbim.cz", "thesecure.biz", "dukgo.com", "creep.im",
        "draugr.de", "404.city", "jabber.sk", "jabber.ccc.de", "xmpp.ru", "safetyjabber.com",
        "richim.org", "pwned.life", "jabber.hot-chilli.net", "jabber.zone", "qip.ru",
        "sj.ms", "blabber.im", "jabber.se", "xabber.org", "conversations.im",
        "yax.im", "jix.im", "rows.io", "jabber.me", "jabber.no", "jabber.one",
    }
)  # fmt: skip


def _messengers(norm: Normalized, c: _Collector) -> None:
    lower = norm.lower
    if _MESSENGER_GATE.search(lower) is not None:
        for m in MESSENGER.finditer(lower):
            group = m.lastindex or 0
            kind = _MESSENGER_TYPES[group - 1]
            start, end = m.span(group)
            if not c.free(start, end):
                continue
            value = m.group(group)
            if kind == "icq":
                value = value.replace(" ", "").replace("-", "")
            elif kind == "jabber":
                value = refang(value.replace("[at]", "@").replace("[@]", "@").replace("(@)", "@"))
            elif kind == "threema":
                value = norm.cased[start:end].upper()
            c.add(kind, value, start, end)
        if "05" in lower:
            for m in SESSION_ID.finditer(lower):
                start, end = m.span()
                if c.free(start, end):
                    c.add("session", m.group(), start, end)


# What each of TELEGRAM_CUE, WECHAT and QQ cannot match without: one of these
# words (looked for first, in one search, much cheaper than the pattern's).
_TELEGRAM_CUE_WORDS: Final = ("tg", "tele", "飞机", "电报", "✈")
_WECHAT_WORDS: Final = (
    "v",
    "微",
    "薇",
    "wx",
    "wechat",
    "weixin",
    "we chat",
    "威信",
    "徽信",
    "卫星",
)
_QQ_WORDS: Final = ("q", "群", "扣", "企鹅", "球球", "口口", "抠抠")
_TELEGRAM_CUE_GATE: Final = re.compile("|".join(map(re.escape, _TELEGRAM_CUE_WORDS)))
_WECHAT_GATE: Final = re.compile("|".join(map(re.escape, _WECHAT_WORDS)))
_QQ_GATE: Final = re.compile("|".join(map(re.escape, _QQ_WORDS)))
_QQ_AFTER_GATE: Final = re.compile("qq|扣扣|企鹅")  # what QQ_AFTER needs
_PHONE_SHAPE: Final = re.compile(r"\d(?:[\s().-]{0,2}\d){6}")
# A dot (or a defanged one) between host-name characters; the match starts at
# the dot, one character after the host-name character before it.
_DOT_HIT: Final = re.compile(
    r"(?:\.(?<=[a-z0-9_-]\.)|\[(?<=[a-z0-9_-]\[)(?:\.\]|dot\])"
    r"|\((?<=[a-z0-9_-]\()(?:\.\)|dot\))|\{(?<=[a-z0-9_-]\{)\.\})[a-z0-9]"
)
_START_END: Final = itemgetter(0, 1)
# Contact types whose values are compared without case (and written lower-case).
CASELESS_TYPES: Final = frozenset(
    {"email", "domain", "telegram", "jabber", "skype", "wickr", "potato"}
)
_INF: Final = float("inf")


# The readable forms the fast patterns above were rewritten from (each matches
# exactly what its fast form matches; tests/test_extract_fast_paths.py holds them).
PLAIN_FORMS: Final = {
    "QQ": re.compile(
        r"(?:(?<![a-z0-9])q\s?q|扣扣|抠抠|企鹅|球球|口口|(?<![a-z0-9])q|扣|群)"
        r"\s*(?:号码|号|群|群号)?\s*(?:[:：=是]|联系)?\s*"
        r"([1-9]\d{0,10}(?:[ \t]\d{1,10}){0,10})(?!\d)"
    ),
    "QQ_AFTER": re.compile(r"(?<!\d)([1-9]\d{4,10})\s?[(（\[]\s?(?:qq|扣扣|企鹅)\s?[)）\]]"),
    "WECHAT": re.compile(
        r"(?:微信号?|威信|薇信|徽信|卫星|v\s?信"
        r"|(?<![a-z0-9])(?:vx|wx|weixin|wechat|we chat|wechat id)"
        r"|薇|加v|\+v|(?<![a-z0-9])v(?=\s*[:：])|微(?=\s*[:：]))"
        r"\s*(?:号|id)?\s*[:：=]?\s*"
        r"([a-z][-_a-z0-9]{5,19}|1[3-9]\d{9}|[1-9]\d{4,11})(?![-_a-z0-9])"
    ),
    "TELEGRAM_CUE": re.compile(
        r"(?:(?<![a-z])(?:tg|telegram|telegarm|tele|电报)\s*(?:id|号|账号)?\s*(?:[:：=]\s*@?|@)"
        r"|(?:纸飞机|小飞机|飞机|电报|✈️?|✈)\s*(?:id|号|账号)?\s*[:：=]?\s*@?)"
        r"([a-z][a-z0-9_]{4,31})(?![a-z0-9_])"
    ),
    "TELEGRAM_AT": re.compile(r"(?<![a-z0-9_@.])@([a-z][a-z0-9_]{3,31})(?![a-z0-9_@]|\.[a-z0-9])"),
    "PHONE_INTL": re.compile(
        r"(?<![\w+])\+\d{1,3}[\s.-]?(?:\(?\d{1,4}\)?[\s.-]?){1,5}\d{1,4}(?!\d)"
    ),
    "PHONE_CN": re.compile(r"(?<!\d)1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)"),
}

_TLDS: frozenset[str] | None = None


def _load_tlds() -> frozenset[str]:
    global _TLDS
    _TLDS = _tlds()
    return _TLDS


# Maximal runs of characters a host name can be written with (linear to find).
_TOKEN: Final = re.compile(r"[a-z0-9\-_.\[\]{}()]+")
_TOKEN_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.[]{}()")
_LONG_TOKEN: Final = re.compile(r"[0-9A-Za-z]{26,}")
_REFANG: Final = (
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[dot]", "."),
    ("(dot)", "."),
    ("[:]", ":"),
)
_TRAILING: Final = ".,;:!?)]}>'\"*("
# Domains that are file names far more often than sites.
_FILE_LIKE_TLDS: Final = frozenset(
    {"zip", "mov", "md", "py", "sh", "rs", "pl", "so", "js", "ps", "cs"}
)


@lru_cache(maxsize=1)
def _tlds() -> frozenset[str]:
    text = resources.files("undersight.lexicon").joinpath("tlds.txt").read_text(encoding="utf-8")
    return frozenset(x.strip() for x in text.splitlines() if x.strip() and not x.startswith("#"))


def refang(value: str) -> str:
    """Undo the usual defanging: ``hxxp`` -> ``http``, ``[.]`` -> ``.``."""
    for old, new in _REFANG:
        value = value.replace(old, new)
    if value[:4].lower() in ("hxxp", "h[xx", "h**p", "fxp:"):
        value = re.sub(r"^(?:hxxp|h\[xx\]p|h\*\*p)", "http", value, flags=re.IGNORECASE)
        value = re.sub(r"^fxp", "ftp", value, flags=re.IGNORECASE)
    return value


_URL_PARTS: Final = re.compile(r"([a-zA-Z]+://)?([^/?#]*)(.*)", re.DOTALL)
_PATH_MARK: Final = re.compile(r"[/?#]")


def _normalize_url(raw: str) -> str:
    url = refang(raw)
    match = _URL_PARTS.match(url)
    if not match:
        return url
    scheme, host, rest = match.groups()
    return f"{(scheme or '').lower()}{host.lower()}{rest}"


@lru_cache(maxsize=4096)
def _valid_base58(addr: str, versions: tuple[int, ...]) -> bool:
    try:
        raw = base58.b58decode_check(addr)
    except ValueError:
        return False
    return len(raw) == 21 and raw[0] in versions


@lru_cache(maxsize=4096)
def _valid_bech32(addr: str) -> bool:
    witver, program = bech32.decode("bc", addr)
    if witver is not None and program is not None:
        return True
    # bech32m (BIP-350, taproot): the same polymod with another constant.
    hrp, data = addr[:2], [bech32.CHARSET.find(c) for c in addr[3:]]
    if -1 in data or len(data) < 7 or data[0] == 0:
        return False
    return bech32.bech32_polymod(bech32.bech32_hrp_expand(hrp) + data) == 0x2BC830A3


@lru_cache(maxsize=8192)
def _phone_e164(raw: str, region: str | None) -> str | None:
    """E.164 form; an explicit ``+`` country code needs a possible number,
    a bare national one a valid number (so digit runs are not phones)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    check = (
        phonenumbers.is_possible_number
        if raw.lstrip().startswith("+")
        else phonenumbers.is_valid_number
    )
    if not check(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class _Collector:
    """Keeps found contacts, refusing ones that overlap an earlier, more specific one."""

    def __init__(self, norm: Normalized):
        self.norm = norm
        self.taken: list[tuple[int, int]] = []  # sorted by start, disjoint
        self.found: list[tuple[int, int, str, str]] = []

    def free(self, start: int, end: int) -> bool:
        """No earlier claim overlaps ``[start, end)`` (bisect: hostile texts have thousands)."""
        i = bisect_right(self.taken, (start, _INF)) - 1
        if i >= 0 and self.taken[i][1] > start:
            return False
        return not (i + 1 < len(self.taken) and self.taken[i + 1][0] < end)

    def add(
        self, kind: str, value: str, start: int, end: int, claim: tuple[int, int] | None = None
    ) -> None:
        insort(self.taken, claim or (start, end))
        self.found.append((start, end, kind, value))

    def spans(self) -> tuple[tuple[int, int], ...]:
        """Normalized-text spans of what was found (to mask them from other matching)."""
        return tuple((start, end) for start, end, _, _ in self.found)

    def contacts(self) -> tuple[Contact, ...]:
        seen: set[tuple[str, str]] = set()
        out: list[Contact] = []
        for start, end, kind, value in sorted(self.found, key=_START_END):
            key = (kind, value.lower() if kind in CASELESS_TYPES else value)
            if key in seen:
                continue
            seen.add(key)
            out.append(contact(kind, value, self.norm.to_original(start, end)))
        return tuple(out)


def _strip_trailing(text: str, start: int, end: int) -> int:
    bbcode = text.find("[/", start, end)  # "...png[/COLOR]": forum markup after a link
    if bbcode > start:
        end = bbcode
    while end > start and text[end - 1] in _TRAILING:
        if text[end - 1] == ")" and text[start:end].count("(") >= text[start:end].count(")"):
            break
        if text[end - 1] == "]" and text[end - 3 : end] in ("[.]", "[:]"):
            break
        end -= 1
    return end


def _links(norm: Normalized, c: _Collector) -> None:
    lower, cased = norm.lower, norm.cased
    if "me/" in lower or "dog/" in lower:
        for m in TELEGRAM_LINK.finditer(lower):
            c.add("telegram", m.group(1), m.start(), m.end())
    if ".t.me" in lower:
        for m in TELEGRAM_SUBDOMAIN.finditer(lower):
            if c.free(m.start(), m.end()):
                c.add("telegram", m.group(1), m.start(), m.end())
    urls: Iterable[re.Match[str]]
    if "//" not in lower and "www" not in lower:
        urls = ()
    else:
        urls = URL.finditer(lower)
    for m in urls:
        start, end = m.start(), _strip_trailing(lower, m.start(), m.end())
        if not c.free(start, end):
            continue
        value = _normalize_url(cased[start:end])
        if "://" not in value and not _PATH_MARK.search(value):
            c.add("domain", value.lower(), start, end)  # "www.example.com": a domain
        else:
            c.add("url", value, start, end)
    # no e-mail starts further before its "@" than the local part reaches
    first = lower.find("@")
    for cue in ("at]", "at)"):
        i = lower.find(cue, 0, first) if first >= 0 else lower.find(cue)
        if i >= 0:
            first = i
    if first < 0 or _EMAIL_AT.search(lower) is None:
        return
    for m in EMAIL.finditer(lower, max(0, first - 1 - _EMAIL_REACH)):
        if _masked_before(lower, m.start()):
            continue  # "278**206@qq.com": a masked address is no contact
        if c.free(m.start(), m.end()):
            host = refang(m.group(2))
            kind = "jabber" if host in _XMPP_HOSTS else "email"
            c.add(kind, f"{m.group(1)}@{host}", m.start(), m.end())


def _handles(norm: Normalized, c: _Collector) -> None:
    lower, cased = norm.lower, norm.cased
    if _TELEGRAM_CUE_GATE.search(lower) is not None:
        for m in TELEGRAM_CUE.finditer(lower):
            start, end = m.span(1)
            if c.free(start, end):
                c.add("telegram", m.group(1), start, end)
    if "@" in lower:
        for m in TELEGRAM_AT.finditer(lower):
            start, end = m.span()
            if c.free(start, end):
                c.add("telegram", m.group(1), start, end)
    if _WECHAT_GATE.search(lower) is not None:
        for m in WECHAT.finditer(lower):
            start, end = m.span(1)
            if c.free(start, end):
                c.add("wechat", cased[start:end], start, end)
    if _QQ_AFTER_GATE.search(lower) is not None:
        for m in QQ_AFTER.finditer(lower):
            start, end = m.span(1)
            if c.free(start, end):
                c.add("qq", m.group(1), start, end)
    if _QQ_GATE.search(lower) is None:
        return
    for m in QQ.finditer(lower):
        number = _qq_number(m.group(1))
        if number is None:
            continue
        start = m.start(1)
        end = start + number[1]
        if c.free(start, end):
            c.add("qq", number[0], start, end)


def _qq_number(raw: str) -> tuple[str, int] | None:
    """A QQ number (5-11 digits) and its length in ``raw``, spaced or grouped
    ("1 2 3 4 5 6", "7755 3311 02"); a complete first group stands alone."""
    groups = raw.replace("\t", " ").split(" ") if " " in raw or "\t" in raw else [raw]
    if len(groups[0]) >= 5:
        digits, used = groups[0], len(groups[0])
    else:
        digits, used = "", 0
        for g in groups:
            if len(digits) + len(g) > 11:
                break
            digits += g
            used += len(g) + (1 if used else 0)
    if not 5 <= len(digits) <= 11 or len(digits) > 11:
        return None
    return digits, used


def _phones(norm: Normalized, c: _Collector, region: str) -> None:
    lower = norm.lower
    if _PHONE_SHAPE.search(lower) is None:
        return  # no run of 7+ digits (spaced or not): no phone number
    for m in PHONE_INTL.finditer(lower) if "+" in lower else ():
        start, end = m.span()
        if c.free(start, end):
            value = _phone_e164(m.group(), None)
            if value:
                c.add("phone", value, start, end)
    for m in PHONE_CN.finditer(lower):
        start, end = m.span()
        if c.free(start, end):
            value = _phone_e164(m.group(), "CN")
            if value:
                c.add("phone", value, start, end)
    for m in PHONE_CUE.finditer(lower):
        start, end = m.span(1)
        if c.free(start, end):
            value = _phone_e164(m.group(1), region)
            if value:
                c.add("phone", value, start, end)


def _wallets(norm: Normalized, c: _Collector) -> None:
    lower, cased = norm.lower, norm.cased
    if "0x" in lower:
        for m in ETH.finditer(lower):
            start, end = m.span()
            if c.free(start, end):
                c.add("eth", cased[start:end], start, end)
    if "bc1" in lower:
        for m in BTC_BECH32.finditer(lower):
            start, end = m.span()
            if c.free(start, end) and _valid_bech32(m.group()):
                c.add("btc", m.group(), start, end)
    if _LONG_TOKEN.search(cased) is None:
        return
    for m in BTC_BASE58.finditer(cased):
        start, end = m.span()
        if c.free(start, end) and _valid_base58(m.group(), (0x00, 0x05)):
            c.add("btc", m.group(), start, end)
    for m in TRON.finditer(cased):
        start, end = m.span()
        if c.free(start, end) and _valid_base58(m.group(), (0x41,)):
            c.add("usdt_trc20", m.group(), start, end)
    for m in XMR.finditer(cased):
        start, end = m.span()
        if c.free(start, end):
            c.add("xmr", m.group(), start, end)


def _network(norm: Normalized, c: _Collector) -> None:
    lower = norm.lower
    if "." not in lower and "dot" not in lower:
        return  # every _DOT_HIT is a dot, plain or defanged ("[.]", "(dot)")
    tlds = _TLDS or _load_tlds()
    # Only tokens with a dot inside can hold an IP or a domain: scan those.
    done = -1
    for hit in _DOT_HIT.finditer(lower):
        at = hit.start() - 1  # the host-name character before the dot
        if at < done:
            continue
        lo = at
        floor = max(0, lo - 300)
        while lo > floor and lower[lo - 1] in _TOKEN_CHARS:
            lo -= 1
        token = _TOKEN.match(lower, at)
        hi = token.end() if token else hit.end()
        done = hi
        lo = max(0, lo - 1)
        hi = min(len(lower), hi + 1)
        # four octets need three dots ("." or "dot") in the token
        ipv4: Iterable[re.Match[str]]
        if lower.count(".", lo, hi) + lower.count("dot", lo, hi) < 3:
            ipv4 = ()
        else:
            ipv4 = IPV4.finditer(lower, lo, hi)
        for m in ipv4:
            start, end = m.span()
            if _VERSION_BEFORE.search(lower, max(0, start - 12), start):
                continue
            if c.free(start, end):
                c.add("ip", refang(m.group()), start, end)
        for m in DOMAIN.finditer(lower, lo, hi):
            tld = m.group(2)
            start, end = m.span()
            if tld not in tlds or tld in _FILE_LIKE_TLDS or not c.free(start, end):
                continue
            value = refang(m.group(1))
            if _not_a_host(value):
                continue
            c.add("domain", value, start, end)


def _masked_before(text: str, at: int) -> bool:
    """Whether asterisks inside a word end at ``at`` ("278**206"), not a
    separator before it ("MAIL**name")."""
    i = at
    while i > 0 and text[i - 1] == "*":
        i -= 1
    if i == at or i == 0 or not text[i - 1].isalnum():
        return False
    word = i
    while word > 0 and text[word - 1].isalpha():
        word -= 1
    return text[word:i] not in _LABEL_WORDS  # "MAIL**name@...": a label, then the address


_LABEL_WORDS: Final = frozenset({"mail", "email", "e-mail", "contact", "jabber", "xmpp", "skype"})


def _not_a_host(name: str) -> bool:
    """An Android package ("com.picsart.studio"), a version ("v7.3.11.31685.gp")
    or a list number glued to a word ("10.skype")."""
    labels = name.split(".")
    head = labels[0]
    if len(labels) >= 3 and head in _PACKAGE_HEADS:
        return True
    if head[:1] == "v" and head[1:].isdigit():
        return True
    return len(labels) == 2 and head.isdigit() and len(head) <= 2


def find_contacts(
    norm: Normalized, chinese: bool
) -> tuple[tuple[Contact, ...], tuple[tuple[int, int], ...]]:
    """Every contact in a normalized message, in order of appearance, and
    the normalized spans they occupy."""
    collector = _Collector(norm)
    _messengers(norm, collector)
    _links(norm, collector)
    _wallets(norm, collector)
    _handles(norm, collector)
    _phones(norm, collector, "CN" if chinese else "US")
    _network(norm, collector)
    found = collector.found
    if not found:
        return (), ()
    if len(found) == 1:  # nothing to sort or to deduplicate
        start, end, kind, value = found[0]
        return (contact(kind, value, norm.to_original(start, end)),), ((start, end),)
    return collector.contacts(), collector.spans()
