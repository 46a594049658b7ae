"""Export readers on real files: every field, sniffing, broken input, hostile archives, memory."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from undersight.ingest.base import ReadReport
from undersight.ingest.registry import (
    READERS,
    InputError,
    ZipMember,
    iter_inputs,
    read_all,
    reader_for,
    sniff,
    zip_members,
)
from undersight.ingest.tabular import CsvReader
from undersight.model import Message

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"
TG_CHAT = EXPORTS / "telegram-chat" / "result.json"
TG_ACCOUNT = EXPORTS / "telegram-account" / "result.json"
QQ_GB = EXPORTS / "qq-groups-gb18030.txt"
QQ_BOM = EXPORTS / "qq-groups-utf8bom.txt"
DISCORD = EXPORTS / "discord-market.json"
FORUM_JSONL = EXPORTS / "forum.jsonl"
FORUM_CSV = EXPORTS / "forum.csv"
BUNDLE = EXPORTS / "bundle.zip"
BROKEN = EXPORTS / "broken"
UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def read(paths: list[Path] | Path, fmt: str | None = None, **kw: object) -> tuple[list, ReadReport]:
    report = ReadReport()
    items = [paths] if isinstance(paths, Path) else paths
    return list(read_all(items, fmt, report, **kw)), report  # type: ignore[arg-type]


def by_id(messages: list[Message]) -> dict[str | None, Message]:
    return {m.message_id: m for m in messages}


# --------------------------------------------------------------------------- Telegram


def test_telegram_single_chat_fields() -> None:
    messages, report = read(TG_CHAT)
    assert (report.read, report.skipped, report.failed) == (5, 2, 0)  # service + photo skipped
    assert [m.message_id for m in messages] == ["1202", "1203", "1204", "1205", "1207"]
    for m in messages:
        assert m.platform == "telegram"
        assert m.channel_id == "1784523690"
        assert m.channel_name == "暗网数据交易 | Data Market"
        assert m.source == str(TG_CHAT)
    got = by_id(messages)

    ad = got["1202"]
    assert ad.text == "出售各国信用卡料 CVV 带余额，一手货源，量大从优 联系 @cvv_king_demo"
    assert ad.date == utc(2023, 3, 5, 14, 22, 10)  # date_unixtime, not the UTC+8 local "date"
    assert (ad.author_id, ad.author_name) == ("user5800000001", "CVV King")
    assert (ad.reply_to, ad.forwarded_from, ad.edited) == (None, None, None)
    assert ad.position == "$.messages[1]"
    assert ad.key == "telegram:1784523690:1202"

    entities = got["1203"]
    assert entities.text == (
        "Selling fresh US fullz, SSN+DOB $15 each. Escrow OK. Contact @fullz_shop_demo"
        " or http://fullzshopdemo.onion"
    )
    assert entities.edited == utc(2023, 3, 6, 9, 0, 0)
    assert entities.date == utc(2023, 3, 5, 15, 1, 44)

    reply = got["1204"]
    assert reply.reply_to == "1203"
    assert reply.text == "price for 100? 收 批量"

    forwarded = got["1205"]
    assert forwarded.forwarded_from == "SMS Bomber Official"
    # a text_link entity keeps its target, on a line of its own after the text
    assert forwarded.text == "短信轰炸机 包月 200元\n支持三网 #短信\nhttps://t.me/sms_bomber_demo"
    assert forwarded.date == utc(2023, 3, 6, 2, 30, 0)

    old = got["1207"]  # no date_unixtime: the zone-less local date is taken as UTC
    assert old.date == utc(2023, 3, 7, 8, 0, 0)
    assert old.position == "$.messages[6]"


def test_telegram_full_account_export() -> None:
    messages, report = read(TG_ACCOUNT)
    assert (report.read, report.skipped, report.failed) == (5, 1, 0)
    assert [(m.channel_id, m.message_id, m.position) for m in messages] == [
        ("5123400001", "11", "$.chats.list[0].messages[0]"),
        ("5123400001", "12", "$.chats.list[0].messages[1]"),
        ("1650000002", "302", "$.chats.list[1].messages[1]"),
        ("1650000002", "303", "$.chats.list[1].messages[2]"),
        ("1400000003", "7", "$.left_chats.list[0].messages[0]"),
    ]
    got = {m.key: m for m in messages}
    rdp = got["telegram:5123400001:11"]
    assert rdp.text == "RDP 美国 管理员权限 $8 each, pay USDT TRC20"
    assert rdp.channel_name == "Vendor Bob"
    assert rdp.date == utc(2024, 5, 1, 18, 0, 0)
    assert got["telegram:5123400001:12"].reply_to == "11"
    logs = got["telegram:1650000002:302"]
    assert logs.text == "收 各国 logs，日结 Admin 担保交易"
    assert logs.channel_name == "Dumps & Logs 收料群"
    fwd = got["telegram:1650000002:303"]
    assert fwd.forwarded_from == "Logs Cloud"
    assert fwd.edited == utc(2024, 4, 2, 1, 30, 0)
    left = got["telegram:1400000003:7"]
    assert (left.author_id, left.author_name) == ("channel1400000003", "Carding Tutorials")
    assert left.text == "Free method: cashout guide\nhttps://example.com/guide"  # text_link kept
    assert left.date == utc(2022, 12, 24, 23, 59, 59)


def test_telegram_truncated_export_keeps_what_was_read() -> None:
    path = BROKEN / "telegram-truncated.json"
    messages, report = read(path)
    assert [m.text for m in messages] == ["first 出售", "second"]
    assert report.failed == 1
    problem = report.problems[0]
    assert problem.source == str(path)
    assert problem.position == "$.messages[2]"
    assert "truncated" in problem.reason
    assert "\n" not in str(problem)


def test_telegram_metadata_after_messages(tmp_path: Path) -> None:
    """Keys sorted (as ``jq -S`` writes them) put the chat name after the messages."""
    data = json.loads(TG_CHAT.read_text(encoding="utf-8"))
    path = tmp_path / "sorted.json"
    path.write_text(json.dumps(data, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    messages, report = read(path, "telegram")
    assert report.read == 5 and report.failed == 0
    assert {(m.channel_id, m.channel_name) for m in messages} == {
        ("1784523690", "暗网数据交易 | Data Market")
    }


def test_telegram_bad_records_are_reported(tmp_path: Path) -> None:
    chat = {
        "name": "x",
        "type": "private_group",
        "id": 42,
        "messages": [
            {"id": "nope", "type": "message", "date": "2023-01-01T00:00:00", "text": "a"},
            {"id": 2, "type": "message", "date": "someday", "text": "b"},
            {"id": 3, "type": "message", "date_unixtime": "1672531200", "text": [{"x": 1}]},
            "not an object",
            {"id": 5, "type": "message", "date_unixtime": "1672531200", "text": "ok"},
        ],
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(chat), encoding="utf-8")
    messages, report = read(path)
    assert [m.message_id for m in messages] == ["5"]
    assert [p.position for p in report.problems] == [
        "$.messages[0]",
        "$.messages[1]",
        "$.messages[2]",
        "$.messages[3]",
    ]
    assert "id" in report.problems[0].reason
    assert "date" in report.problems[1].reason


def test_telegram_bom_and_hostile_nesting(tmp_path: Path) -> None:
    with_bom = tmp_path / "bom.json"
    with_bom.write_bytes(b"\xef\xbb\xbf" + TG_CHAT.read_bytes())
    messages, report = read(with_bom)
    assert report.read == 5 and report.failed == 0
    deep = tmp_path / "deep.json"
    nested = "[" * 200_000 + "]" * 200_000  # ijson's own prefixes would cost O(depth²) memory
    deep.write_text(f'{{"name": "x", "type": "private_group", "id": 1, "messages": [{nested}]}}')
    messages, report = read(deep, "telegram")
    assert messages == []
    assert report.problems[0].position == "$.messages[0]"
    assert "nested deeper than" in report.problems[0].reason


# --------------------------------------------------------------------------- QQ


def test_qq_gb18030_two_groups_multiline() -> None:
    messages, report = read(QQ_GB)
    assert (report.read, report.skipped, report.failed) == (4, 1, 0)  # system (10000) skipped
    first, second, third, fourth = messages
    assert all(m.platform == "qq" and m.message_id is None for m in messages)

    assert first.channel_id == first.channel_name == "短信群发交流群"
    assert first.text == "出售三网短信通道 5000条300元\n支持验证码 营销 QQ 123456789"
    assert first.date == utc(2013, 5, 14, 1, 3, 41)  # 9:03:41 China time
    assert (first.author_id, first.author_name) == ("123456789", "短信通道老王")
    assert first.position == "line 9"
    assert first.key.startswith("qq:短信群发交流群:h")

    assert (second.author_id, second.author_name) == ("2233445566", "阿强(数据)")
    assert second.text == "收 各类料 实名手机卡\n价格好说\n\n量大长期合作"
    assert second.position == "line 16"

    assert (third.author_id, third.author_name) == ("seller_demo@example.com", "卡商")
    assert third.date == utc(2013, 5, 14, 15, 59, 59)
    assert third.text == "[图片]伪基站一台5万 包教包会"

    assert fourth.channel_id == "黑客技术交流"
    assert fourth.date == utc(2013, 5, 31, 16, 0, 5)  # crosses midnight into the previous day
    assert fourth.position == "line 31"


def test_qq_utf8_bom_crlf() -> None:
    messages, report = read(QQ_BOM)
    assert (report.read, report.skipped, report.failed) == (3, 0, 0)
    assert [(m.channel_id, m.author_id, m.position) for m in messages] == [
        ("跑分车队", "55667788", "line 9"),
        ("跑分车队", "99887766", "line 13"),
        ("账号交易所", "11112222", "line 22"),
    ]
    assert messages[0].text == "招跑分 支付宝 微信 日赚500+\n押金2000 可退"
    assert messages[0].date == utc(2019, 11, 20, 12, 0, 0)
    assert messages[2].text == "出售 微信老號 實名 每個80元\nTelegram: @hao_shang_demo"
    assert not any("\r" in m.text or "\ufeff" in m.text for m in messages)


def test_qq_malformed_headers_reported_and_skipped() -> None:
    path = BROKEN / "qq-malformed.txt"
    messages, report = read(path)
    assert [m.text for m in messages] == [
        "出售 四件套 银行卡 身份证 手机卡 U盾",
        "第二条正常消息 收USDT",
    ]
    assert [m.position for m in messages] == ["line 9", "line 18"]
    assert report.failed == 2
    assert [(p.source, p.position) for p in report.problems] == [
        (str(path), "line 12"),
        (str(path), "line 15"),
    ]
    assert all("malformed message header" in p.reason for p in report.problems)


def test_qq_same_messages_in_both_encodings(tmp_path: Path) -> None:
    text = QQ_GB.read_bytes().decode("gb18030")
    copy = tmp_path / "copy-utf8.txt"
    copy.write_bytes(text.encode("utf-8"))
    original, _ = read(QQ_GB)
    converted, _ = read(copy)
    assert [m.key for m in original] == [m.key for m in converted]


# --------------------------------------------------------------------------- Discord


def test_discord_fields() -> None:
    messages, report = read(DISCORD)
    assert (report.read, report.skipped, report.failed) == (3, 3, 0)  # join, pin, attachment
    wts, vouch, steam = messages
    assert all(m.platform == "discord" and m.channel_id == "1100000000000000002" for m in messages)
    assert wts.channel_name == "selling"
    assert wts.message_id == "1200000000000000002"
    assert wts.text == "WTS: RDP access US/EU, admin rights, $8 each. BTC/XMR. DM me"
    assert wts.date == dt.datetime(2024, 2, 1, 10, 30, 0, 456000, tzinfo=UTC)
    assert wts.edited == utc(2024, 2, 1, 11, 0, 0)
    assert (wts.author_id, wts.author_name) == ("900000000000000001", "rdp_vendor")
    assert wts.position == "$.messages[1]"
    assert vouch.reply_to == "1200000000000000002"
    assert steam.date == utc(2024, 2, 2, 6, 15, 0)
    assert steam.key == "discord:1100000000000000002:1200000000000000006"


# --------------------------------------------------------------------------- JSONL / CSV


def test_jsonl_forum_default_columns() -> None:
    messages, report = read(FORUM_JSONL)
    assert (report.read, report.failed) == (4, 0)
    first, second, third, fourth = messages
    assert first.platform == "forum"
    assert first.key == "forum:marketplace/credit-cards:t1001-p1"
    assert first.date == utc(2019, 7, 1, 12, 0, 0)
    assert (first.author_id, first.author_name, first.channel_name) == (
        "u4411",
        "dumpsmaster",
        "Credit Cards",
    )
    assert second.date == utc(2019, 7, 1, 13, 0, 0)  # unix seconds
    assert second.reply_to == "t1001-p1"
    assert third.date == utc(2019, 7, 2, 8, 30, 0)  # no zone: UTC
    assert third.edited == utc(2019, 7, 2, 7, 0, 0)
    assert fourth.date == utc(2019, 7, 2, 12, 0, 0)  # unix seconds as a string
    assert [m.position for m in messages] == ["line 1", "line 2", "line 3", "line 4"]


def test_csv_with_mapping_and_platform() -> None:
    mapping = {
        "text": "content",
        "date": "created_at",
        "author_name": "user",
        "channel_id": "board",
        "message_id": "post_id",
    }
    readers = {"csv": CsvReader(mapping, platform="market")}
    messages, report = read(FORUM_CSV, readers=readers)
    assert (report.read, report.failed) == (3, 0)
    first, second, third = messages
    assert first.text == (
        "Netflix premium accounts 1 year — $5\r\nSpotify family — $3\r\n"
        'Bulk discounts, "fast" delivery'
    )
    assert first.key == "market:accounts:9001"
    assert first.date == utc(2020, 1, 15, 5, 0, 0)
    assert first.author_name == "acc_shop"
    assert second.date == utc(2020, 1, 15, 10, 0, 0)
    assert third.channel_id == "hosting"
    assert third.date == utc(2020, 1, 16)
    assert [m.position for m in messages] == ["line 2", "line 5", "line 6"]


def test_read_all_mapping_and_platform_keywords() -> None:
    mapping = {"text": "content", "channel_id": "board", "message_id": "post_id"}
    messages, report = read(FORUM_CSV, mapping=mapping, platform="market")
    assert report.failed == 0
    assert [m.key for m in messages] == [
        "market:accounts:9001",
        "market:accounts:9002",
        "market:hosting:9003",
    ]
    assert messages[0].date is None  # no "date" column and none mapped
    with pytest.raises(ValueError, match="unknown Message field"):
        read(FORUM_CSV, mapping={"body": "content"})


def test_csv_without_text_column_is_reported() -> None:
    messages, report = read(FORUM_CSV)
    assert messages == []
    assert report.problems[0].position == "line 1"
    assert "set a column mapping" in report.problems[0].reason


def test_jsonl_bad_lines_reported_rest_read() -> None:
    path = BROKEN / "forum-bad.jsonl"
    messages, report = read(path)
    assert [m.message_id for m in messages] == ["b1", "b8"]
    assert messages[0].channel_id == "forum-bad"  # no channel column: the file name
    assert messages[1].date == utc(2021, 1, 1)
    assert report.skipped == 1  # empty text
    reasons = {p.position: p.reason for p in report.problems}
    assert set(reasons) == {"line 2", "line 3", "line 4", "line 5"}
    assert reasons["line 2"].startswith("invalid JSON")
    assert reasons["line 3"].startswith("missing text")
    assert reasons["line 4"].startswith("bad date")
    assert reasons["line 5"] == "not a JSON object"
    assert all(p.source == str(path) for p in report.problems)


def test_unknown_mapping_field_rejected() -> None:
    with pytest.raises(ValueError, match="unknown Message field"):
        CsvReader({"body": "content"})


# --------------------------------------------------------------------------- keys, sniffing


def test_keys_stable_across_two_reads() -> None:
    paths = [TG_CHAT, TG_ACCOUNT, QQ_GB, QQ_BOM, DISCORD, FORUM_JSONL, BUNDLE]
    first, _ = read(paths)
    second, _ = read(paths)
    assert [m.key for m in first] == [m.key for m in second]
    assert first == second
    # the copies inside the zip have the same keys as the loose files
    bundle_keys = {m.key for m in first if "!" in m.source}
    loose_keys = {m.key for m in first if "!" not in m.source}
    assert bundle_keys and bundle_keys <= loose_keys


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (TG_CHAT, "telegram"),
        (TG_ACCOUNT, "telegram"),
        (BROKEN / "telegram-truncated.json", "telegram"),
        (QQ_GB, "qq"),
        (QQ_BOM, "qq"),
        (BROKEN / "qq-malformed.txt", "qq"),
        (DISCORD, "discord"),
        (FORUM_JSONL, "jsonl"),
        (BROKEN / "forum-bad.jsonl", "jsonl"),
        (FORUM_CSV, "csv"),
    ],
)
def test_sniff_picks_the_reader(path: Path, name: str) -> None:
    assert sniff(path).name == name


def test_sniff_by_content_not_name(tmp_path: Path) -> None:
    for source, name in ((TG_ACCOUNT, "telegram"), (QQ_GB, "qq"), (DISCORD, "discord")):
        renamed = tmp_path / f"export-{name}.dat"
        renamed.write_bytes(source.read_bytes())
        assert sniff(renamed).name == name
    csv_like = tmp_path / "dump.dat"
    csv_like.write_text("id,author,text\n1,a,hello\n", encoding="utf-8")
    assert sniff(csv_like).name == "csv"


def test_sniff_zip_members() -> None:
    members = [m for m in zip_members(BUNDLE) if m.suffix != ".jpg"]
    assert {m.info.filename: sniff(m).name for m in members} == {
        "export/forum.jsonl": "jsonl",
        "export/qq-groups-utf8bom.txt": "qq",
        "export/telegram-chat/result.json": "telegram",
    }


def test_format_override_and_unknown_format(tmp_path: Path) -> None:
    assert reader_for(FORUM_JSONL, "jsonl") is READERS["jsonl"]
    assert reader_for(TG_CHAT, None) is READERS["telegram"]
    with pytest.raises(InputError, match="unknown format 'xml'"):
        reader_for(TG_CHAT, "xml")
    noise = tmp_path / "notes.txt"
    noise.write_text("just some notes\nnothing to see\n", encoding="utf-8")
    messages, report = read(noise)
    assert messages == []
    assert report.problems[0].source == str(noise)
    assert "unrecognized format" in report.problems[0].reason


# --------------------------------------------------------------------------- inputs, archives


def test_bundle_zip_streams_members() -> None:
    messages, report = read(BUNDLE)
    assert report.failed == 0
    sources = sorted({m.source for m in messages})
    assert sources == [
        f"{BUNDLE}!export/forum.jsonl",
        f"{BUNDLE}!export/qq-groups-utf8bom.txt",
        f"{BUNDLE}!export/telegram-chat/result.json",
    ]  # the photo and the __MACOSX junk are not read
    assert report.read == 4 + 3 + 5


def test_directory_expansion_sorted_and_recursive() -> None:
    seen: list[tuple[str, str]] = []
    items = [
        str(item) for item in iter_inputs([EXPORTS], on_error=lambda s, r: seen.append((s, r)))
    ]
    assert items[0] == str(BROKEN / "forum-bad.jsonl")
    assert str(TG_ACCOUNT) in items and str(TG_CHAT) in items
    assert f"{BUNDLE}!export/forum.jsonl" in items
    assert not any("evil" in item or item.endswith(".jpg") for item in items)
    assert [source for source, _ in seen] == [str(BROKEN / "evil.zip")]


def test_path_traversal_zip_refused() -> None:
    evil = BROKEN / "evil.zip"
    with pytest.raises(InputError) as caught:
        list(iter_inputs([evil]))
    message = str(caught.value)
    assert message.startswith(f"{evil}: refused")
    assert "'../evil.txt'" in message and "path traversal" in message
    assert "\n" not in message
    messages, report = read(evil)
    assert messages == []  # the harmless member is not read either
    assert (report.problems[0].source, report.problems[0].position) == (str(evil), "file")


def test_absolute_member_refused(tmp_path: Path) -> None:
    archive = tmp_path / "abs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(zipfile.ZipInfo("/tmp/abs.jsonl"), '{"text": "x"}\n')
    with pytest.raises(InputError, match="absolute path"):
        zip_members(archive)


def test_zip_bomb_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("zeros.jsonl", "w") as out:
        chunk = bytes(1024 * 1024)
        for _ in range(50):
            out.write(chunk)
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(InputError) as caught:
        list(iter_inputs([bomb]))
    assert str(caught.value).startswith(f"{bomb}: refused")
    assert "zip bomb" in str(caught.value) and "200:1" in str(caught.value)
    messages, report = read(bomb)
    assert messages == [] and report.failed == 1


def test_zip_total_size_cap(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="over the 1,000-byte limit"):
        zip_members(BUNDLE, max_total=1000)


def test_member_is_streamed_not_extracted() -> None:
    member = next(m for m in zip_members(BUNDLE) if m.name == "forum.jsonl")
    assert isinstance(member, ZipMember)
    assert (member.suffix, member.stem) == (".jsonl", "forum")
    with member.open("rb") as stream:
        assert stream.read() == FORUM_JSONL.read_bytes()


def test_unreadable_inputs_are_one_line_errors(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    not_zip = tmp_path / "fake.zip"
    not_zip.write_bytes(b"this is not a zip")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    messages, report = read([missing, not_zip, empty, FORUM_JSONL])
    assert len(messages) == 4  # the run goes on
    got = {p.source: p.reason for p in report.problems}
    assert got[str(missing)] == "no such file or folder"
    assert got[str(not_zip)].startswith("not a readable zip archive")
    assert got[str(empty)] == "empty file"
    with pytest.raises(InputError, match=r"missing\.json: no such file or folder"):
        list(iter_inputs([missing]))


def test_read_all_needs_a_report() -> None:
    with pytest.raises(TypeError):
        list(read_all([FORUM_JSONL]))


# --------------------------------------------------------------------------- memory

_PROBE = """
import resource, sys
from undersight.ingest.base import ReadReport
from undersight.ingest.registry import read_all
report = ReadReport()
count = sum(1 for _ in read_all([sys.argv[1]], report=report))
scale = 1 if sys.platform == "darwin" else 1024
print(count, report.failed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale)
"""


def _write_big_export(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n "name": "Big Market 大市场",\n "type": "public_supergroup",\n')
        out.write(' "id": 1700000001,\n "messages": [\n')
        for i in range(count):
            stamp = 1672531200 + i * 7
            out.write(",\n" if i else "")
            out.write(
                f'  {{"id": {i + 1}, "type": "message", "date": "2023-01-01T00:00:00", '
                f'"date_unixtime": "{stamp}", "from": "seller {i % 997}", '
                f'"from_id": "user{5800000000 + i % 997}", '
                f'"text": ["出售 fresh logs #{i} ", '
                f'{{"type": "mention", "text": "@shop{i % 50}"}}, '
                f'" price {i % 300}$"], "text_entities": [{{"type": "plain", "text": "出售"}}]}}'
            )
        out.write("\n ]\n}\n")


def _peak_rss(path: Path) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    count, failed, rss = (int(x) for x in done.stdout.split())
    assert failed == 0
    return count, rss


def test_large_telegram_export_memory_stays_flat(tmp_path: Path) -> None:
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    _write_big_export(small, 20_000)
    _write_big_export(large, 200_000)
    assert large.stat().st_size > 40 * 1024 * 1024
    small_count, small_rss = _peak_rss(small)
    large_count, large_rss = _peak_rss(large)
    assert (small_count, large_count) == (20_000, 200_000)
    assert large_rss - small_rss < 30 * 1024 * 1024
