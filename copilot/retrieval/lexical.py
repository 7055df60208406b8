"""Lexical (BM25 body + heading field) scores of one query, computed only where they are needed.

``SparseLexical`` gives the same scores as summing every query word's posting list into an array
of one float per chunk (bm25s ``get_scores``), bit for bit, but its cost follows the *rare* query
words. At 1M chunks a word in most chunks (idf near 0) has a posting list of ~1M entries; summing
it, then selecting the top rows among ~1M positive scores, was most of a hybrid query's time.

Top rows, exactly (MaxScore, Turtle & Flood 1995): the query's (field, word) lists are split into
*frequent* ones (more than ``FREQUENT`` of the chunks) and the rest. A row that occurs in no rare
list scores at most ``bound`` = the sum of the frequent lists' largest entries. The rare lists are
summed (``partial``); if the n-th best partial score ``theta`` exceeds ``bound``, no other row can
enter the top n, and among the rare rows only those with ``partial + bound >= theta`` can; their
full scores are completed by binary search in the frequent lists. Otherwise (the rare lists cover
more than a quarter of the chunks, too few rare rows, the bound not below ``theta``, or more than
``MAX_LOOKUPS`` rows left) it computes the full array, at the old cost. Scores of single rows (fusion candidates,
hits) are looked up the same way.
"""

from __future__ import annotations

from typing import Any

import numpy as np

FREQUENT = 1 / 16  # share of the chunks above which a list is not summed in full
MAX_LOOKUPS = 5_000  # rows completed by binary search before the full array is cheaper
_SLACK = 1e-4  # relative margin on the pruning test (partial sums are added in another order)


class DenseLexical:
    """Scores held in a full array (segmented generations; the fallback)."""

    def __init__(self, scores: np.ndarray) -> None:
        self.scores = scores

    def __getitem__(self, row: int) -> float:
        return float(self.scores[row])

    def at(self, rows: list[int]) -> np.ndarray:
        return self.scores[np.asarray(rows, dtype=np.int64)]

    def max(self) -> float:
        return float(self.scores.max()) if self.scores.size else 0.0

    def top(self, n: int, allowed: np.ndarray | None) -> list[int]:
        """Rows of the ``n`` best positive scores (restricted to ``allowed`` rows when given)."""
        scores = self.scores
        positive = scores > 0
        if allowed is not None:
            mask = np.zeros(len(scores), dtype=bool)
            mask[allowed] = True
            positive &= mask
        rows = np.flatnonzero(positive)
        return _best(rows, scores[rows], n)


def _best(rows: np.ndarray, vals: np.ndarray, n: int) -> list[int]:
    """The ``n`` best rows by value, ties by lowest row (``rows`` ascending), best first."""
    n = min(n, len(rows))
    if n <= 0:
        return []
    if n < len(rows):
        cut = np.partition(vals, len(vals) - n)[len(vals) - n]  # the n-th best value
        above = np.flatnonzero(vals > cut)
        ties = np.flatnonzero(vals == cut)[: n - len(above)]
        part = np.concatenate([above, ties])
    else:
        part = np.arange(len(rows))
    part = np.sort(part)  # row order, so the stable sort below breaks ties by row
    return [int(rows[i]) for i in part[np.argsort(-vals[part], kind="stable")]]


class _List:
    """One (field, word) posting list: sorted rows, BM25 contributions, field weight."""

    def __init__(self, rows: np.ndarray, data: np.ndarray, field: int) -> None:
        self.rows, self.data, self.field = rows, data, field

    def at(self, rows: np.ndarray) -> np.ndarray:
        """Contribution of this list to each of ``rows`` (0 where the word does not occur)."""
        rows = rows.astype(self.rows.dtype, copy=False)  # else numpy casts the whole list to int64
        pos = np.searchsorted(self.rows, rows)
        pos[pos >= len(self.rows)] = 0
        return np.where(self.rows[pos] == rows, self.data[pos], np.float32(0))


class SparseLexical:
    """BM25 body (field 0) plus ``weight_head`` x heading field (field 1), scored lazily (see module doc)."""

    def __init__(self, lists: list[_List], count: int, weight_head: float) -> None:
        self.lists, self.count, self.weight_head = lists, count, np.float32(weight_head)
        self._dense: DenseLexical | None = None
        self._max: float | None = None
        self._allowed: np.ndarray | None = None
        self._allowed_mask = np.zeros(0, dtype=bool)

    @classmethod
    def for_query(cls, fields: list[Any], tokens_per_field: list[list[int]], count: int,
                  weight_head: float) -> SparseLexical:
        lists = []
        for field, (model, ids) in enumerate(zip(fields, tokens_per_field, strict=True)):
            ptr, idx, data = model.scores["indptr"], model.scores["indices"], model.scores["data"]
            lists.extend(_List(idx[ptr[t]:ptr[t + 1]], data[ptr[t]:ptr[t + 1]], field) for t in ids
                         if ptr[t + 1] > ptr[t])
        return cls(lists, count, weight_head)

    def _combine(self, rows: np.ndarray) -> np.ndarray:
        """Full scores of ``rows`` in the order bm25s adds them (query order per field, float32)."""
        sums = [np.zeros(len(rows), dtype=np.float32), np.zeros(len(rows), dtype=np.float32)]
        for lst in self.lists:
            sums[lst.field] += lst.at(rows)
        return sums[0] + self.weight_head * sums[1] if any(x.field for x in self.lists) else sums[0]

    def dense(self) -> DenseLexical:
        if self._dense is None:
            scores = np.zeros(self.count, dtype=np.float32)
            head = np.zeros(self.count, dtype=np.float32)
            for lst in self.lists:
                np.add.at(scores if lst.field == 0 else head, lst.rows, lst.data)
            rows = np.flatnonzero(head)
            scores[rows] += self.weight_head * head[rows]
            self._dense = DenseLexical(scores)
        return self._dense

    def __getitem__(self, row: int) -> float:
        if self._dense is not None:
            return self._dense[row]
        return float(self._combine(np.asarray([row], dtype=np.int64))[0])

    def at(self, rows: list[int]) -> np.ndarray:
        return self._combine(np.asarray(rows, dtype=np.int64))

    def max(self) -> float:
        if self._max is None:
            best = self.top(1, None)
            self._max = self[best[0]] if best else 0.0
        return self._max

    def top(self, n: int, allowed: np.ndarray | None) -> list[int]:
        """Rows of the ``n`` best positive scores (restricted to ``allowed`` rows when given)."""
        rows = self._top(n, allowed)
        if allowed is None and self._max is None:  # the best row overall: max() needs no second pass
            self._max = self[rows[0]] if rows else 0.0
        return rows

    def _top(self, n: int, allowed: np.ndarray | None) -> list[int]:
        if self._dense is not None:
            return self._dense.top(n, allowed)
        if not self.lists or n <= 0:
            return []
        frequent = [x for x in self.lists if len(x.rows) > FREQUENT * self.count]
        if len(frequent) == len(self.lists):  # keep the rarest list as the one summed in full
            frequent.remove(min(frequent, key=lambda x: len(x.rows)))
        rare = [x for x in self.lists if all(x is not f for f in frequent)]
        if frequent and sum(len(x.rows) for x in rare) > self.count // 4:  # every word common: no gain
            return self.dense().top(n, allowed)
        rows, partial = self._partial(rare, allowed)
        if not frequent:  # the partial sums are the full scores
            return _best(rows, partial, n)
        if len(rows) < n:
            return self.dense().top(n, allowed)
        bound = sum(float(x.data.max()) * (float(self.weight_head) if x.field else 1.0) for x in frequent)
        theta = float(np.partition(partial, len(partial) - n)[len(partial) - n])
        if bound * (1 + _SLACK) >= theta * (1 - _SLACK):
            return self.dense().top(n, allowed)
        rows = rows[partial + bound * (1 + _SLACK) >= theta * (1 - _SLACK)]
        if len(rows) > MAX_LOOKUPS:  # many near-ties: binary searches would cost more than the array
            return self.dense().top(n, allowed)
        return _best(rows, self._combine(rows), n)

    def _partial(self, lists: list[_List], allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Rows of ``lists`` (ascending, within ``allowed``) and the scores of those lists alone, added per
        field in query order as bm25s does (so with every list they are the full scores, bit for bit)."""
        total = sum(len(x.rows) for x in lists)
        if len(lists) == 1 and lists[0].field == 0:  # one body list: its rows are unique and sorted
            rows, body, head = lists[0].rows.astype(np.int64), lists[0].data, None
        elif total > self.count // 32:  # long lists: one array over all rows is cheaper than sorting
            sums = [np.zeros(self.count, dtype=np.float32) for _ in range(2)]
            for x in lists:
                np.add.at(sums[x.field], x.rows, x.data)
            rows = np.flatnonzero((sums[0] > 0) | (sums[1] > 0))
            body, head = sums[0][rows], sums[1][rows]
        else:
            rows = np.unique(np.concatenate([x.rows for x in lists])).astype(np.int64)
            body, head = np.zeros(len(rows), dtype=np.float32), np.zeros(len(rows), dtype=np.float32)
            for x in lists:
                (head if x.field else body)[np.searchsorted(rows, x.rows)] += x.data
        vals = body + self.weight_head * head if head is not None and any(x.field for x in lists) else body
        if allowed is not None:
            keep = self._mask(allowed)[rows]
            rows, vals = rows[keep], vals[keep]
        return rows, vals

    def _mask(self, allowed: np.ndarray) -> np.ndarray:
        if self._allowed is not allowed:
            self._allowed, self._allowed_mask = allowed, np.zeros(self.count, dtype=bool)
            self._allowed_mask[allowed] = True
        return self._allowed_mask
