"""The persona-identifier-group graph, for Gephi (GraphML or GEXF via networkx)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import networkx as nx

from undersight.actors.link import ActorResult
from undersight.store.base import Store

_AUTHOR_GROUPS = """
SELECT m.author_key, m.source_id, CAST(count(*) AS BIGINT)
FROM messages m WHERE m.author_key IS NOT NULL
GROUP BY m.author_key, m.source_id
"""
FORMATS = (".graphml", ".gexf")


def persona_graph(result: ActorResult, store: Store) -> nx.Graph:
    """Nodes ``persona:ID``, ``identifier:TYPE:VALUE`` and ``group:SOURCE`` (attribute
    ``kind``); persona-identifier edges weighted by evidence messages, persona-group
    edges by messages posted. Excluded identifiers are nodes with ``excluded=True``."""
    g = nx.Graph()
    for p in result.personas:
        g.add_node(
            f"persona:{p.persona_id}",
            kind="persona",
            label=p.persona_id,
            aliases=", ".join(p.aliases),
            messages=p.messages,
            offers=p.offers,
        )
    excluded = {(e.id_type, e.value) for e in result.excluded}
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for link in result.links:
        persona = result.persona_of(link.author_key)
        if persona is None:
            continue
        node = f"identifier:{link.identifier}"
        if node not in g:
            g.add_node(
                node,
                kind="identifier",
                label=link.identifier,
                id_type=link.id_type,
                excluded=(link.id_type, link.value) in excluded,
            )
        weights[(f"persona:{persona.persona_id}", node)] += len(link.messages)
    for (a, b), n in sorted(weights.items()):
        g.add_edge(a, b, kind="uses", evidence=n, weight=max(n, 1))
    group_weights: dict[tuple[str, str], int] = defaultdict(int)
    for author, source, n in store.query(_AUTHOR_GROUPS):
        persona = result.persona_of(author)
        if persona is not None:
            group_weights[(f"persona:{persona.persona_id}", f"group:{source}")] += int(n)
    for (a, b), n in sorted(group_weights.items()):
        if b not in g:
            source = b.partition(":")[2]
            g.add_node(b, kind="group", label=result.group_names.get(source, source))
        g.add_edge(a, b, kind="posts_in", evidence=n, weight=n)
    return g


def write_graph(graph: nx.Graph, path: str | Path) -> Path:
    """Write ``graph`` as GraphML or GEXF, chosen by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".graphml":
        nx.write_graphml(graph, path)
    elif suffix == ".gexf":
        nx.write_gexf(graph, path)
    else:
        raise ValueError(f"{path}: graph files end in .graphml or .gexf")
    return path
