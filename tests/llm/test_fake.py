import json

from copilot.llm import build_llm
from copilot.llm.fake import FakeLLM


def test_factory_selects_fake(settings):
    assert isinstance(build_llm(settings), FakeLLM)


def test_json_schema_output_is_valid_instance():
    schema = {"type": "object", "properties": {"route": {"enum": ["maintenance", "governance"]},
                                               "n": {"type": "integer", "minimum": 2},
                                               "tags": {"type": "array", "items": {"type": "string"}}},
              "required": ["route", "n", "tags"]}
    out = json.loads(FakeLLM().chat([{"role": "user", "content": "x"}], json_schema=schema).text)
    assert out == {"route": "maintenance", "n": 2, "tags": []}


def test_answers_from_numbered_sources_with_markers():
    prompt = "Sources:\n[1] Pump guide\nCavitation is caused by low NPSH. More text.\n[2] LOTO\nIsolate first."
    text = FakeLLM().chat([{"role": "user", "content": prompt}]).text
    assert "[1]" in text and "[2]" in text and "low NPSH" in text


def test_no_sources_means_no_claim():
    assert "do not have enough information" in FakeLLM().chat([{"role": "user", "content": "hi"}]).text


def test_scripted_responses_and_stream_cancel():
    import threading

    llm = FakeLLM(responses=["one two three", "last"])
    assert llm.chat([{"role": "user", "content": "a"}]).text == "one two three"
    cancel = threading.Event()
    pieces = []
    for p in llm.stream([{"role": "user", "content": "b"}], cancel=cancel):
        pieces.append(p)
        cancel.set()
    assert pieces == ["last"]
