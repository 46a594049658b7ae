"""Actor linking on real stores: recovery of planted sellers, exclusion of shared
identifiers, evidence, graph files, the CLI, and DuckDB/PostgreSQL agreement."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest

from undersight.actors import build_personas, persona_profile
from undersight.actors.graph import persona_graph, write_graph
from undersight.cli import main as undersight_main
from undersight.ingest.base import ReadReport
from undersight.ingest.pipeline import ingest_messages
from undersight.model import Message
from undersight.store import open_store

ADMIN_QQ = "1888866660"
ADMIN_QUOTERS = [f"qq:90000{i:02d}" for i in range(8)]
TWIN_AUTHORS = ["qq:7000001", "qq:7000002"]  # one seller, two accounts, one WeChat
MAIL_AUTHOR = "qq:7000003"


def _planted() -> list[Message]:
    """Messages planted on top of a corpus: an admin QQ quoted by 8 authors, one
    seller posting under two accounts with one WeChat, an e-mail seller."""
    day = dt.datetime(2013, 6, 1, tzinfo=dt.UTC)
    out = []
    for i, who in enumerate(ADMIN_QUOTERS):
        out.append(
            Message(
                platform="qq",
                channel_id="测试交易群" if i % 2 else "测试技术群",
                text=f"有事找管理员 QQ {ADMIN_QQ} 进群先看公告 {i}",
                date=day + dt.timedelta(hours=i),
                message_id=f"admin-{i}",
                author_id=who.partition(":")[2],
                author_name=f"群友{i}",
            )
        )
    for i, who in enumerate(TWIN_AUTHORS):
        out.append(
            Message(
                platform="qq",
                channel_id=("测试交易群", "测试技术群")[i],
                text="出售肉鸡 联系微信 wx: shadowseller88",
                date=day + dt.timedelta(days=i + 1),
                message_id=f"twin-{i}",
                author_id=who.partition(":")[2],
                author_name=f"影子{i}",
            )
        )
    out.append(
        Message(
            platform="qq",
            channel_id="测试交易群",
            text="出售肉鸡 100个50元 联系邮箱 seller@evil-shop.com",
            date=day + dt.timedelta(days=5),
            message_id="mail-0",
            author_id=MAIL_AUTHOR.partition(":")[2],
            author_name="邮差",
        )
    )
    return out


def _fill(url: str, corpus: Path) -> None:
    assert undersight_main(["ingest", str(corpus / "qq"), "--db", url]) == 0
    store = open_store(url)
    try:
        ingest_messages(_planted(), store, ReadReport())
    finally:
        store.close()


def _corpus(root: Path, messages: int) -> Path:
    out = root / f"corpus-{messages}"
    args = ["synth", "--scenario", "cn-underground-2013", "--messages", str(messages)]
    assert undersight_main([*args, "--seed", "1", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def market(tmp_path_factory) -> tuple[Path, str]:
    """The 20,000-message synth corpus with the planted messages, in DuckDB."""
    root = tmp_path_factory.mktemp("actors")
    corpus = _corpus(root, 20000)
    db = str(root / "market.duckdb")
    _fill(db, corpus)
    return corpus, db


@pytest.fixture(scope="module")
def result(market):
    store = open_store(market[1])
    try:
        return build_personas(store)
    finally:
        store.close()


def _truth(corpus: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Planted seller -> the author keys they posted under, and the groups they posted in."""
    accounts: dict[str, set[str]] = defaultdict(set)
    groups: dict[str, set[str]] = defaultdict(set)
    with open(corpus / "truth.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["seller"]:
                accounts[row["seller"]].add(f"{row['platform']}:{row['author_id']}")
                groups[row["seller"]].add(row["channel"])
    return accounts, groups


def test_multi_group_sellers_are_one_persona_each(market, result):
    corpus, _ = market
    accounts, groups = _truth(corpus)
    summary = json.loads((corpus / "summary.json").read_text("utf-8"))["sellers"]["per_seller"]
    assert {s["id"] for s in summary} == set(accounts)
    multi = [s for s in accounts if len(groups[s]) >= 2]
    assert len(multi) >= 10
    recovered = 0
    for seller in multi:
        personas = {result.persona_of(a).persona_id for a in accounts[seller]}
        if len(personas) != 1:
            continue
        persona = result.persona(personas.pop())
        names = {result.group_names[g] for g in persona.groups}
        recovered += groups[seller] <= names
    assert recovered / len(multi) >= 0.95
    # the advertised QQ number (often not the posting account) joins the seller's persona
    for s in summary:
        persona = result.persona_of(f"qq:{s['qq']}")
        assert ("qq", s["ad_qq"]) in persona.identifiers
    owners: dict[str, set[str]] = defaultdict(set)
    for seller, keys in accounts.items():
        for key in keys:
            owners[result.persona_of(key).persona_id].add(seller)
    assert all(len(v) == 1 for v in owners.values()), "a persona merges two planted sellers"


def test_admin_qq_is_excluded_and_merges_nobody(market, result):
    excluded = {e.identifier: e for e in result.excluded}
    assert f"qq:{ADMIN_QQ}" in excluded
    assert excluded[f"qq:{ADMIN_QQ}"].n_authors == len(ADMIN_QUOTERS)
    assert set(excluded[f"qq:{ADMIN_QQ}"].authors) == set(ADMIN_QUOTERS)
    personas = {result.persona_of(a).persona_id for a in ADMIN_QUOTERS}
    assert len(personas) == len(ADMIN_QUOTERS)
    for pid in personas:
        assert ("qq", ADMIN_QQ) not in result.persona(pid).identifiers
    # without the guard the admin number would merge all of them
    store = open_store(market[1])
    try:
        loose = build_personas(store, max_shared=1000)
    finally:
        store.close()
    assert len({loose.persona_of(a).persona_id for a in ADMIN_QUOTERS}) == 1
    assert not loose.excluded


def test_shared_wechat_links_two_accounts_with_evidence(market, result):
    store = open_store(market[1])
    try:
        keys = {k for (k,) in store.query("SELECT key FROM messages")}
        twin = result.persona_of(TWIN_AUTHORS[0])
        assert twin is result.persona_of(TWIN_AUTHORS[1])
        assert ("wechat", "shadowseller88") in twin.identifiers
        assert set(twin.aliases) == {"影子0", "影子1"}
        assert len(twin.groups) == 2
        assert twin.persona_id.startswith("P-") and len(twin.persona_id) == 12
        posted = [x for x in result.links if x.kind == "posted"]
        assert posted and all(x.messages and set(x.messages) <= keys for x in posted)
        wechat = [x for x in result.links_of(twin.persona_id) if x.id_type == "wechat"]
        assert {x.author_key for x in wechat} == set(TWIN_AUTHORS)
        assert all(x.first_seen and x.first_seen <= x.last_seen for x in wechat)
        profile = persona_profile(result, store, twin.persona_id)
    finally:
        store.close()
    assert profile.timeline == [("2013-06", 2)]
    assert [p.currency for p in profile.prices] == []
    assert {u.value for u in profile.identifiers} >= {"shadowseller88", "7000001", "7000002"}


def test_graph_files_load_back(market, result, tmp_path):
    store = open_store(market[1])
    try:
        graph = persona_graph(result, store)
    finally:
        store.close()
    kinds = defaultdict(int)
    for _, kind in graph.nodes(data="kind"):
        kinds[kind] += 1
    identifiers = {x.identifier for x in result.links}
    assert kinds == {
        "persona": len(result.personas),
        "identifier": len(identifiers),
        "group": len(result.group_names),
    }
    for suffix, read in ((".graphml", nx.read_graphml), (".gexf", nx.read_gexf)):
        back = read(write_graph(graph, tmp_path / f"actors{suffix}"))
        assert back.number_of_nodes() == graph.number_of_nodes()
        assert back.number_of_edges() == graph.number_of_edges()
        counts = defaultdict(int)
        for _, kind in back.nodes(data="kind"):
            counts[kind] += 1
        assert counts == kinds
        admin = back.nodes[f"identifier:qq:{ADMIN_QQ}"]
        assert admin["excluded"] in (True, "true")
        twin = f"persona:{result.persona_of(TWIN_AUTHORS[0]).persona_id}"
        edge = back.edges[twin, "identifier:wechat:shadowseller88"]
        assert int(edge["evidence"]) == 2


def test_cli_prints_defanged_identifiers(market, result, capsys, tmp_path):
    db = market[1]
    pid = result.persona_of(MAIL_AUTHOR).persona_id
    assert undersight_main(["actor", pid, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "seller@evil-shop[.]com" in out and "seller@evil-shop.com" not in out
    graph = tmp_path / "g.gexf"
    assert undersight_main(["actors", "--db", db, "--top", "5000", "--graph", str(graph)]) == 0
    out = capsys.readouterr().out
    assert "evil-shop.com" not in out
    assert "evil-shop[.]com" in out.replace("\n", "").replace("│", "").replace(" ", "")
    assert ADMIN_QQ in out  # reported among the identifiers not linked
    assert graph.exists()
    assert undersight_main(["actor", "P-nosuchthing", "--db", db]) == 2


def _signature(url: str) -> tuple:
    store = open_store(url)
    try:
        r = build_personas(store)
    finally:
        store.close()
    personas = [
        (p.persona_id, p.authors, p.identifiers, p.aliases, p.groups, p.messages, p.offers)
        for p in r.personas
    ]
    spans = [(p.categories, p.first_seen, p.last_seen) for p in r.personas]
    return personas, spans, r.links, r.excluded


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    return _corpus(tmp_path_factory.mktemp("small"), 3000)


@pytest.fixture(scope="module")
def small_duckdb(small_corpus, tmp_path_factory) -> tuple:
    db = str(tmp_path_factory.mktemp("small-db") / "small.duckdb")
    _fill(db, small_corpus)
    return _signature(db)


def test_backends_agree(store_url, small_corpus, small_duckdb):
    _fill(store_url, small_corpus)
    assert _signature(store_url) == small_duckdb


def test_export_persona_source_is_build_personas(market, result, monkeypatch):
    """The exports' lean persona source (bounded memory, the store read a key range at a
    time) finds the personas of ``build_personas``, in the same order."""
    from undersight.actors import persona_author_groups, persona_groups

    expected = [list(p.authors) for p in result.personas if p.offers]
    assert len(expected) > 10
    store = open_store(market[1])
    try:
        assert persona_groups(store) == expected
        monkeypatch.setattr("undersight.store.chunks.CHUNK", 997)  # about 20 ranges
        assert persona_author_groups(store) == expected
        loose = build_personas(store, max_shared=1000)
        wanted = [list(p.authors) for p in loose.personas if p.offers]
        assert persona_author_groups(store, max_shared=1000) == wanted
    finally:
        store.close()
