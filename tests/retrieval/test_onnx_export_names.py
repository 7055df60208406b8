"""Export variants of the ONNX embedder get distinct file names (fast: no export is made)."""

from __future__ import annotations

import itertools

from copilot.retrieval.onnx_embedder import FILE, KEEP_FLOAT, export_name


def test_default_options_name_the_default_file_not_the_older_all_int8_one() -> None:
    assert export_name() == FILE == "model-int8-v2.onnx"  # an all-int8 model-int8.onnx is never reused
    assert export_name(keep_float="ffn") == FILE


def test_every_option_changes_the_file_name() -> None:
    """An export made with other options is never reused by mistake: all 144 variants are distinct."""
    variants = itertools.product((True, False), (False, True), ("qint8", "quint8"), (1, 2), (True,),
                                 ((), ("MatMul",), ("MatMul", "Attention")), tuple(KEEP_FLOAT))
    names = [export_name(*v) for v in variants]
    assert len(set(names)) == len(names) == 144
    assert export_name(ops=("MatMul", "Attention"), keep_float="") == \
        "model-int8-pc1-rr0-qint8-o1-MatMul+Attention-fnone.onnx"
    assert export_name(keep_float="ffn_out") == "model-int8-pc1-rr0-qint8-o1-fffn_out.onnx"
    assert export_name(quantize=False).startswith("model-fp32-")
