from pathlib import Path

import pytest

from copilot.config import SettingsError, load_settings, parse_overrides


def test_defaults_select_real_backends():
    s = load_settings(profile="default")
    assert s.llm.backend == "llama_cpp"
    assert s.embedder.backend == "onnx" and s.embedder.onnx_keep_float == "ffn"
    assert s.server.host == "127.0.0.1"


def test_test_profile_selects_fakes():
    s = load_settings(profile="test")
    assert s.llm.backend == "fake" and s.embedder.backend == "fake"


def test_yaml_file_then_env_then_overrides(tmp_path: Path, monkeypatch):
    cfg = tmp_path / "copilot.yaml"
    cfg.write_text("llm:\n  n_ctx: 2048\n  n_threads: 3\nretrieval:\n  k: 9\n")
    monkeypatch.setenv("COPILOT_LLM__N_THREADS", "4")
    s = load_settings(config_file=cfg, overrides=["retrieval.k=3"])
    assert s.llm.n_ctx == 2048  # from the file
    assert s.llm.n_threads == 4  # the environment beats the file
    assert s.retrieval.k == 3  # explicit override beats the file


def test_invalid_value_names_the_field():
    with pytest.raises(SettingsError, match=r"llm\.n_threads"):
        load_settings(overrides={"llm": {"n_threads": 0}})


def test_unknown_field_is_rejected():
    with pytest.raises(SettingsError, match="llm.colour"):
        load_settings(overrides=["llm.colour=blue"])


def test_unknown_profile():
    with pytest.raises(SettingsError, match="profile"):
        load_settings(profile="prod")


def test_overlap_must_be_smaller_than_chunk():
    with pytest.raises(SettingsError, match="chunk_overlap"):
        load_settings(overrides={"ingest": {"chunk_size": 300, "chunk_overlap": 300}})


def test_parse_overrides_types():
    assert parse_overrides(["a.b=3", "a.c=true", "d=x"]) == {"a": {"b": 3, "c": True}, "d": "x"}
    with pytest.raises(SettingsError):
        parse_overrides(["novalue"])


def test_bad_yaml_file(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("llm: [unclosed")
    with pytest.raises(SettingsError, match="cannot read settings file"):
        load_settings(config_file=bad)
