"""A small union-find (disjoint sets) over hashable items."""

from __future__ import annotations

from collections.abc import Hashable, Iterable


class UnionFind:
    """Disjoint sets with path halving; the root of a set is its smallest item."""

    def __init__(self, items: Iterable[Hashable] = ()) -> None:
        self._parent: dict[Hashable, Hashable] = {}
        for item in items:
            self.add(item)

    def add(self, item: Hashable) -> None:
        self._parent.setdefault(item, item)

    def find(self, item: Hashable) -> Hashable:
        parent = self._parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: Hashable, b: Hashable) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = (ra, rb) if str(ra) <= str(rb) else (rb, ra)
            self._parent[hi] = lo

    def groups(self) -> list[list[Hashable]]:
        """Every set, its items sorted, the sets in the order of their first item."""
        found: dict[Hashable, list[Hashable]] = {}
        for item in self._parent:
            found.setdefault(self.find(item), []).append(item)
        return sorted((sorted(g, key=str) for g in found.values()), key=lambda g: str(g[0]))
