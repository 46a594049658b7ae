"""Exports from real stores: STIX validates and round-trips, MISP loads back, CSV defangs."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import stix2
from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_string

from undersight.export.cli import main as export_main
from undersight.export.misp import write_event
from undersight.export.stix import write_bundle
from undersight.export.tables import write_tables
from undersight.store.base import open_store
from undersight.store.rows import Rows

HOSTILE = 'q"uo\'te\n\r\tnew\x00\x01\x1b[31m\u2028\ud7ff</script>{"x":1}\\'
BIG = "A" * (1 << 20)


def _message(rows: Rows, key: str, author: str, name: str, text: str, day: int, **extra) -> None:
    t = rows.tables
    t["sources"].append(
        (f"qq:{extra.get('chan', 'g')}", "qq", extra.get("chan", "g"), HOSTILE, None)
    )
    t["authors"].append((f"qq:{author}", "qq", author, name))
    when = datetime(2013, 5, day, 12, tzinfo=UTC)
    t["messages"].append(
        (key, f"qq:{extra.get('chan', 'g')}", f"qq:{author}", key, when, text)
        + (None,) * 5
        + (text, "zh")
    )
    t["extractions"].append((key, True, "sell", "test"))
    for rank, cat in enumerate(extra.get("cats", ["bots"])):
        t["categories"].append((key, rank, cat, 0, 1))
    for idx, (amount, cur, qty, unit, period) in enumerate(extra.get("prices", [])):
        t["prices"].append((key, idx, amount, None, cur, qty, unit, period, amount / 6, None, 0, 1))
    for idx, (ctype, value) in enumerate(extra.get("contacts", [])):
        t["contacts"].append((key, idx, ctype, value, 0, 1))


def _fill(url: str, hostile: bool = False) -> None:
    rows = Rows()
    _message(
        rows,
        "qq:g:1",
        "111",
        "卖鸡王",
        "出售肉鸡 njrat 100个50元 QQ 222",
        1,
        cats=["bots", "rat"],
        prices=[(50.0, "CNY", 100.0, "host", None)],
        contacts=[("qq", "222"), ("telegram", "seller_bot"), ("url", "http://evil.example.com/x")],
    )
    _message(
        rows,
        "qq:g:2",
        "333",
        "基站哥",
        "伪基站 一台5万 联系 a@evil.com 1.2.3.4",
        2,
        cats=["fake_base_station"],
        prices=[(50000.0, "CNY", None, None, "lifetime")],
        contacts=[
            ("qq", "222"),
            ("email", "a@evil.com"),
            ("ip", "1.2.3.4"),
            ("btc", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
        ],
    )
    if hostile:
        _message(
            rows,
            "qq:g:3" + HOSTILE,
            "4" + HOSTILE,
            HOSTILE,
            HOSTILE + BIG,
            3,
            chan=HOSTILE,
            cats=["sms_spam", HOSTILE],
            prices=[(1.0, HOSTILE, 2.0, HOSTILE, HOSTILE)],
            contacts=[("qq", HOSTILE), ("wechat", BIG), ("phone", HOSTILE), ("email", HOSTILE)],
        )
    store = open_store(url)
    store.write_batch(rows)
    store.close()


def _stix(url: str, **kw) -> str:
    out = io.StringIO()
    store = open_store(url)
    write_bundle(store, out, **kw)
    store.close()
    return out.getvalue()


def _check_stix(text: str) -> list[dict]:
    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    bundle = stix2.parse(text, allow_custom=True)
    assert bundle.type == "bundle"
    return json.loads(text)["objects"]


def _misp(url: str) -> MISPEvent:
    out = io.StringIO()
    store = open_store(url)
    write_event(store, out)
    store.close()
    event = MISPEvent()
    event.load(out.getvalue())
    return event


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = str(tmp_path / "s.duckdb")
    _fill(url)
    return url


def test_stix_bundle_is_valid_and_complete(store: str) -> None:
    objects = _check_stix(_stix(store))
    by_type: dict[str, list[dict]] = {}
    for o in objects:
        by_type.setdefault(o["type"], []).append(o)
    actors = by_type["threat-actor"]
    assert {a["aliases"][0] for a in actors} == {"卖鸡王", "基站哥"}
    assert all(a["threat_actor_types"] == ["criminal"] for a in actors)
    accounts = {(a["account_type"], a["user_id"]) for a in by_type["user-account"]}
    assert {("qq", "222"), ("telegram", "seller_bot"), ("qq", "111")} <= accounts
    assert len(by_type["user-account"]) == len(accounts)  # one object per handle
    infra = sorted(i["infrastructure_types"][0] for i in by_type["infrastructure"])
    assert infra == ["botnet", "unknown"]
    assert {r["relationship_type"] for r in by_type["relationship"]} == {"uses", "related-to"}
    ext_id = by_type["extension-definition"][0]["id"]
    observed = by_type["observed-data"]
    assert len(observed) == 2
    ext = next(o for o in observed if o["number_observed"] == 1)["extensions"][ext_id]
    assert ext["extension_type"] == "property-extension"
    first = next(
        o["extensions"][ext_id]
        for o in observed
        if o["extensions"][ext_id]["offer_key"] == "qq:g:1"
    )
    assert first["categories"] == ["bots", "rat"]
    assert first["prices"][0] == {
        "amount": 50.0,
        "currency": "CNY",
        "quantity": 100.0,
        "unit": "host",
        "usd": 50.0 / 6,
    }
    ids = {o["id"] for o in objects}
    for o in observed:
        assert set(o["object_refs"]) <= ids


def test_same_handle_same_id_across_exports(store: str, tmp_path: Path) -> None:
    def handle_ids(text: str) -> dict[tuple[str, str], str]:
        return {
            (o["account_type"], o["user_id"]): o["id"]
            for o in json.loads(text)["objects"]
            if o["type"] == "user-account"
        }

    first = handle_ids(_stix(store))
    other = str(tmp_path / "other.duckdb")
    _fill(other)
    assert handle_ids(_stix(other)) == first
    assert first[("qq", "222")] == stix2.UserAccount(account_type="qq", user_id="222").id


def test_filters(store: str) -> None:
    only = _check_stix(_stix(store, category="fake_base_station"))
    assert sum(o["type"] == "observed-data" for o in only) == 1
    late = _check_stix(_stix(store, since=datetime(2013, 5, 2, tzinfo=UTC)))
    assert sum(o["type"] == "observed-data" for o in late) == 1


def test_empty_store(tmp_path: Path) -> None:
    url = str(tmp_path / "empty.duckdb")
    open_store(url).close()
    objects = _check_stix(_stix(url))
    assert {o["type"] for o in objects} == {"identity", "extension-definition"}
    event = _misp(url)
    assert event.objects == [] and event.info


def test_misp_event(store: str) -> None:
    event = _misp(store)
    names = sorted(o.name for o in event.objects)
    assert names.count("chat-message") == 2
    assert {"user-account", "telegram-account", "coin-address"} <= set(names)
    qq = [
        o
        for o in event.objects
        if o.name == "user-account" and o.get_attributes_by_relation("user-id")[0].value == "222"
    ]
    assert len(qq) == 1  # one object for a handle named twice
    tags = {t.name for t in event.tags}
    assert 'gsma-fraud:technical="false-base-station-attack"' in tags
    assert 'misp-galaxy:rat="NJRat"' in tags  # the cluster value of MISP/misp-galaxy rat.json
    assert 'dark-web:motivation="marketplace-for-sale"' in tags
    values = {a.value for a in event.attributes}
    assert {"a@evil.com", "1.2.3.4", "http://evil.example.com/x"} <= values  # real values
    message = next(
        o
        for o in event.objects
        if o.name == "chat-message"
        and o.get_attributes_by_relation("message-id")[0].value == "qq:g:1"
    )
    content = message.get_attributes_by_relation("content")[0]
    assert 'undersight:category="bots"' in {t.name for t in content.tags}
    assert {r.relationship_type for r in message.references} == {"authored-by", "mentions"}


def test_misp_galaxy_tags_are_exact_cluster_values(tmp_path: Path) -> None:
    url = str(tmp_path / "g.duckdb")
    rows = Rows()
    _message(rows, "qq:g:9", "999", "rat", "出售 njRAT 免杀版 200元", 1, cats=["rat"])
    _message(rows, "qq:g:10", "998", "bot", "mirai bots + gh0st", 2, cats=["bots", "rat"])
    store = open_store(url)
    store.write_batch(rows)
    store.close()
    event = _misp(url)
    by_key = {
        o.get_attributes_by_relation("message-id")[0].value: {
            t.name for t in o.get_attributes_by_relation("content")[0].tags
        }
        for o in event.objects
        if o.name == "chat-message"
    }
    assert 'misp-galaxy:rat="NJRat"' in by_key["qq:g:9"]
    assert not any(t.startswith("misp-galaxy:botnet") for t in by_key["qq:g:9"])
    assert {'misp-galaxy:botnet="Mirai"', 'misp-galaxy:rat="Gh0st RAT"'} <= by_key["qq:g:10"]
    assert 'misp-galaxy:rat="NJRat"' in {t.name for t in event.tags}


def test_misp_streams_handles_once(tmp_path: Path) -> None:
    url = str(tmp_path / "many.duckdb")
    rows = Rows()
    for i in range(50):
        _message(
            rows,
            f"qq:g:{i:03d}",
            str(i % 3),
            f"seller{i % 3}",
            "出售 remcos",
            1 + i % 28,
            cats=["rat"],
            contacts=[("qq", "777"), ("email", f"x{i}@evil.com")],
        )
    store = open_store(url)
    store.write_batch(rows)
    out = io.StringIO()
    count = write_event(store, out)
    store.close()
    event = MISPEvent()
    event.load(out.getvalue())
    assert count == len(event.objects) == 50 + 3 + 1  # messages, authors, the shared QQ
    assert len({o.uuid for o in event.objects}) == count
    assert len(event.attributes) == 50
    uuids = {o.uuid for o in event.objects}
    for o in event.objects:
        assert {r.referenced_uuid for r in o.references} <= uuids


def test_hostile_strings(tmp_path: Path) -> None:
    url = str(tmp_path / "hostile.duckdb")
    _fill(url, hostile=True)
    text = _stix(url)
    objects = _check_stix(text)
    keys = {
        o["extensions"][next(iter(o["extensions"]))]["offer_key"]
        for o in objects
        if o["type"] == "observed-data"
    }
    assert "qq:g:3" + HOSTILE in keys  # real values survive
    event = _misp(url)
    assert sum(o.name == "chat-message" for o in event.objects) == 3
    paths = write_tables(open_store(url), tmp_path / "csv")
    assert all(p.exists() for p in paths)


def test_csv_defangs_and_cli(store: str, tmp_path: Path, capsys) -> None:
    assert export_main(["tables", "--db", store, "--out", str(tmp_path / "t")]) == 0
    with open(tmp_path / "t" / "contacts.csv", encoding="utf-8") as f:
        values = {row["value"] for row in csv.DictReader(f)}
    assert "hxxp://evil[.]example[.]com/x" in values
    assert "a@evil.com" not in values and "1.2.3.4" not in values
    assert (
        export_main(["tables", "--db", store, "--out", str(tmp_path / "p"), "--format", "parquet"])
        == 0
    )
    import pyarrow.parquet as pq

    assert "a@evil.com" in pq.read_table(tmp_path / "p" / "contacts.parquet")["value"].to_pylist()
    capsys.readouterr()
    assert export_main(["stix", "--db", store]) == 0
    _check_stix(capsys.readouterr().out)
    assert export_main(["misp", "--db", store, "--since", "2013-05-02"]) == 0
    event = MISPEvent()
    event.load(capsys.readouterr().out)
    assert sum(o.name == "chat-message" for o in event.objects) == 1
    assert export_main(["stix", "--db", store, "--since", "yesterday"]) == 2
