"""BM25 scoring by indexed adds over the CSC posting lists equals bm25s's own scores."""

from __future__ import annotations

import numpy as np

from copilot.retrieval.bm25 import BM25Index
from copilot.retrieval.tokenize import tokenize

TEXTS = [
    "pump P-101 cavitation noise after restart",
    "the pump seal leaks; replace the seal and check the pump alignment",
    "conveyor belt tracking drift on the tail pulley",
    "cavitation damages the impeller of a centrifugal pump",
    "quarterly review of the AI risk register",
]


def test_scores_match_bm25s_get_scores() -> None:
    index = BM25Index.build(TEXTS)
    for query in ("pump cavitation", "seal seal pump", "risk register review", "belt", "unknown words only"):
        ours = index.scores(query)
        vocab = index.model.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        ref = index.model.get_scores(tokens) if tokens else np.zeros(len(TEXTS))
        assert ours.shape == (len(TEXTS),)
        np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-6)
    assert index.scores("pump cavitation").argmax() in (0, 3)
    assert not index.scores("unknown words only").any()


def test_empty_index_scores_zero() -> None:
    assert BM25Index.build([]).scores("pump").shape == (0,)
