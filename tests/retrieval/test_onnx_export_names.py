"""Export variants of the ONNX embedder get distinct file names (fast: no export is made)."""

from __future__ import annotations

import itertools

from copilot.retrieval.onnx_embedder import FILE, export_name


def test_default_options_keep_the_historic_file_name() -> None:
    assert export_name() == FILE == "model-int8.onnx"


def test_every_option_changes_the_file_name() -> None:
    """An export made with other options is never reused by mistake: all 48 variants are distinct."""
    variants = itertools.product((True, False), (False, True), ("qint8", "quint8"), (1, 2), (True,),
                                 ((), ("MatMul",), ("MatMul", "Attention")))
    names = [export_name(*v) for v in variants]
    assert len(set(names)) == len(names) == 48
    assert export_name(ops=("MatMul", "Attention")) == "model-int8-pc1-rr0-qint8-o1-MatMul+Attention.onnx"
    assert export_name(quantize=False).startswith("model-fp32-")
