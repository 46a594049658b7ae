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

from undersight.cli import main as undersight
from undersight.export.misp import write_event
from undersight.export.stix import write_bundle
from undersight.export.tables import write_tables
from undersight.store import open_store
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
    t["extractions"].append((key, True, "sell", "test", 0.9))
    for rank, cat in enumerate(extra.get("cats", ["bots"])):
        t["categories"].append((key, rank, cat, 0, 1, 0.9))
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
    _write(url, rows)


def _write(url: str, rows: Rows) -> None:
    """Store ``rows``; PostgreSQL text cannot hold NUL, so there HOSTILE loses its NUL."""
    if url.startswith("postgresql://"):
        for name, table in rows.tables.items():
            rows.tables[name] = [
                tuple(v.replace("\x00", "") if isinstance(v, str) else v for v in row)
                for row in table
            ]
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
    assert undersight(["export", "tables", "--db", store, "--out", str(tmp_path / "t")]) == 0
    with open(tmp_path / "t" / "contacts.csv", encoding="utf-8") as f:
        values = {row["value"] for row in csv.DictReader(f)}
    assert "hxxp://evil[.]example[.]com/x" in values
    assert "a@evil.com" not in values and "1.2.3.4" not in values
    assert (
        undersight(
            ["export", "tables", "--db", store, "--out", str(tmp_path / "p"), "--format", "parquet"]
        )
        == 0
    )
    import pyarrow.parquet as pq

    assert "a@evil.com" in pq.read_table(tmp_path / "p" / "contacts.parquet")["value"].to_pylist()
    capsys.readouterr()
    assert undersight(["export", "stix", "--db", store]) == 0
    _check_stix(capsys.readouterr().out)
    assert undersight(["export", "misp", "--db", store, "--since", "2013-05-02"]) == 0
    event = MISPEvent()
    event.load(capsys.readouterr().out)
    assert sum(o.name == "chat-message" for o in event.objects) == 1
    assert undersight(["export", "stix", "--db", store, "--since", "yesterday"]) == 2


def _many(url: str, n: int = 40) -> None:
    """``n`` offers and as many chatter messages (with contacts and categories of their
    own, which no offer may pick up), in one store."""
    rows = Rows()
    for i in range(n):
        _message(
            rows,
            f"qq:g:{i:03d}",
            str(i % 4),
            f"seller{i % 4}",
            f"出售 remcos {i}",
            1 + i % 28,
            cats=["rat", "bots"] if i % 3 else ["fake_base_station"],
            prices=[(10.0 + i, "CNY", 1.0, "host", None)] * (i % 3),
            contacts=[("qq", str(700 + i % 5)), ("telegram", f"tg{i % 7}"), ("email", f"{i}@x.cn")],
        )
        _message(rows, f"qq:g:{i:03d}c", "9", "chatter", "hello", 1, contacts=[("qq", "1")])
        rows.tables["extractions"][-1] = (f"qq:g:{i:03d}c", False, None, "test", 0.9)
    _write(url, rows)


def _offers(url: str, **kw) -> list:
    from undersight.export.data import iter_offers

    store = open_store(url)
    try:
        return list(iter_offers(store, **kw))
    finally:
        store.close()


def test_offers_read_in_key_ranges_are_the_same(tmp_path: Path, monkeypatch) -> None:
    url = str(tmp_path / "many.duckdb")
    _many(url)
    since = datetime(2013, 5, 10, tzinfo=UTC)
    whole = [_offers(url), _offers(url, since=since), _offers(url, category="fake_base_station")]
    assert [len(w) for w in whole] == [40, 22, 14]
    assert all(not o.key.endswith("c") for o in whole[0])  # no chatter
    assert whole[0][1].contacts == [("qq", "701"), ("telegram", "tg1"), ("email", "1@x.cn")]
    assert whole[0][1].categories == ["rat", "bots"] and len(whole[0][2].prices) == 2
    monkeypatch.setattr("undersight.store.chunks.CHUNK", 7)  # about 12 ranges of 80 messages
    from undersight.store.chunks import key_ranges

    store = open_store(url)
    assert len(key_ranges(store)) >= 8
    store.close()
    ranged = [_offers(url), _offers(url, since=since), _offers(url, category="fake_base_station")]
    assert ranged == whole


def _objects_as_stix2_writes_them(text: str) -> None:
    """Every object of the bundle serialized exactly as ``stix2`` serializes it, and
    every handle's id the one ``stix2`` derives."""
    lines = text.splitlines()[1:-1]
    assert lines
    for line in lines:
        line = line.removesuffix(",")
        assert stix2.parse(line, allow_custom=True).serialize(ensure_ascii=True) == line
        obj = json.loads(line)
        if obj["type"] == "user-account":
            expected = stix2.UserAccount(account_type=obj["account_type"], user_id=obj["user_id"])
            assert obj["id"] == expected.id


def test_stix_objects_are_those_stix2_builds(tmp_path: Path) -> None:
    url = str(tmp_path / "hostile.duckdb")
    _fill(url, hostile=True)
    _objects_as_stix2_writes_them(_stix(url))
    url = str(tmp_path / "times.duckdb")
    rows = Rows()
    for i, micro in enumerate([0, 1000, 120000, 123456, 999999]):
        _message(rows, f"k{i}", str(i), f"n{i}", "出售", 1 + i, contacts=[("wechat", f"w{i}")])
        msg = rows.tables["messages"][-1]
        when = datetime(2013, 5, 1 + i, 1, 2, 3, micro, tzinfo=UTC)
        rows.tables["messages"][-1] = (*msg[:4], when, *msg[5:])
    store = open_store(url)
    store.write_batch(rows)
    store.close()
    text = _stix(url)
    _objects_as_stix2_writes_them(text)
    observed = [o["first_observed"] for o in _check_stix(text) if o["type"] == "observed-data"]
    assert observed == [
        "2013-05-01T01:02:03Z",
        "2013-05-02T01:02:03.001Z",
        "2013-05-03T01:02:03.12Z",
        "2013-05-04T01:02:03.123Z",
        "2013-05-05T01:02:03.999Z",
    ]


def _exports(url: str, folder: Path, capsys) -> dict[str, object]:
    """Every export of a store through the CLI, with what varies between runs (bundle and
    event uuids, MISP attribute uuids and timestamps) left out."""
    capsys.readouterr()
    assert undersight(["export", "stix", "--db", url]) == 0
    stix = json.loads(capsys.readouterr().out)
    _check_stix(json.dumps(stix))
    assert undersight(["export", "misp", "--db", url]) == 0
    event = MISPEvent()
    event.load(capsys.readouterr().out)
    misp = sorted(
        (
            o.name,
            o.uuid,
            sorted((a.object_relation, str(a.value)) for a in o.attributes),
            sorted((r.referenced_uuid, r.relationship_type) for r in o.references),
        )
        for o in event.objects
    )
    attributes = sorted((a.type, a.value, a.comment) for a in event.attributes)
    tables = {}
    for fmt in ("csv", "parquet"):
        out = folder / fmt
        assert (
            undersight(["export", "tables", "--db", url, "--out", str(out), "--format", fmt]) == 0
        )
        for path in sorted(out.iterdir()):
            if fmt == "csv":
                tables[path.name] = path.read_text(encoding="utf-8")
            else:
                import pyarrow.parquet as pq

                tables[path.name] = pq.read_table(path).to_pylist()
    capsys.readouterr()
    return {
        "stix": stix["objects"],
        "misp": misp,
        "attributes": attributes,
        "tags": sorted(t.name for t in event.tags),
        "tables": tables,
    }


def test_postgres_exports_match_duckdb(postgres_url: str, tmp_path: Path, capsys, monkeypatch):
    """stix, misp and tables from a PostgreSQL store: valid, and the same as from DuckDB
    (read whole, and read in many key ranges: server-side cursors, range queries)."""
    duck = str(tmp_path / "many.duckdb")
    for url in (duck, postgres_url):
        _many(url)
        _fill(url)
    expected = _exports(duck, tmp_path / "duck", capsys)
    assert len([o for o in expected["stix"] if o["type"] == "observed-data"]) == 42
    assert expected == _exports(postgres_url, tmp_path / "pg", capsys)
    assert _offers(postgres_url) == _offers(duck)
    monkeypatch.setattr("undersight.store.chunks.CHUNK", 7)
    assert _exports(postgres_url, tmp_path / "pg-ranges", capsys) == expected
