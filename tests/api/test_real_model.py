"""One streamed chat through the API with the real GGUF model and the real embedder (short answer)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from copilot.config import load_settings
from tests.api.conftest import write_corpus
from tests.api.test_chat_routes import MAINT_Q, sse_events


@pytest.mark.real_model
@pytest.mark.real_embedder
def test_real_model_streams_grounded_answer(tmp_path: Path, real_llm, real_embedder) -> None:
    from copilot.graph.service import CopilotService
    from copilot.ingest.pipeline import ingest_paths
    from copilot.retrieval.index import open_retriever
    from copilot.server import create_app

    settings = load_settings(profile="default", overrides={
        "data_dir": str(tmp_path / "data"), "knowledge_paths": [str(tmp_path / "kb")],
        "llm": {"max_tokens": 48}})
    ingest_paths(settings, [write_corpus(tmp_path / "kb")], embedder=real_embedder, progress=False)
    retriever = open_retriever(settings, real_embedder)
    service = CopilotService(settings, llm=real_llm, embedder=real_embedder, retriever=retriever)
    app = create_app(settings, copilot=service, retriever=retriever, ui=False)
    key = app.state.initial_credentials["viewer"]["api_key"]
    client = TestClient(app)
    r = client.post("/v1/chat", json={"message": MAINT_Q, "agent": "maintenance"}, headers={"X-API-Key": key})
    assert r.status_code == 200
    events = sse_events(r.text)
    names = [n for n, _ in events]
    assert names[0] == "route" and names[-1] == "done", names
    assert names.count("token") >= 3, "the real model streams token by token"
    done = events[-1][1]
    assert done["route"] == "maintenance" and done["text"].strip()
    assert any("P-101" in c["title"] for c in done["citations"])
    assert client.get("/readyz").status_code == 200


@pytest.mark.real_model
@pytest.mark.real_embedder
def test_openai_client_on_the_real_model(tmp_path: Path, real_llm, real_embedder) -> None:
    """The official openai client, streamed (with include_usage) and not, against the real GGUF model."""
    import openai

    from copilot.graph.service import CopilotService
    from copilot.ingest.pipeline import ingest_paths
    from copilot.retrieval.index import open_retriever
    from copilot.server import create_app
    from tests.api.live import live_server

    settings = load_settings(profile="default", overrides={
        "data_dir": str(tmp_path / "data"), "knowledge_paths": [str(tmp_path / "kb")],
        "llm": {"max_tokens": 48}})
    ingest_paths(settings, [write_corpus(tmp_path / "kb")], embedder=real_embedder, progress=False)
    retriever = open_retriever(settings, real_embedder)
    service = CopilotService(settings, llm=real_llm, embedder=real_embedder, retriever=retriever)
    app = create_app(settings, copilot=service, retriever=retriever, ui=False)
    key = app.state.initial_credentials["viewer"]["api_key"]
    with live_server(app) as base:
        client = openai.OpenAI(base_url=f"{base}/v1", api_key=key, max_retries=0, timeout=600)
        chunks = list(client.chat.completions.create(
            model="industrial-copilot-maintenance", stream=True, stream_options={"include_usage": True},
            messages=[{"role": "user", "content": MAINT_Q}]))
        pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
        assert len(pieces) >= 3 and "Sources:" in "".join(pieces)
        usage = chunks[-1].usage
        assert chunks[-1].choices == [] and usage.completion_tokens > 0
        assert usage.prompt_tokens > usage.completion_tokens  # a grounded prompt: sources and instructions
        plain = client.chat.completions.create(model="industrial-copilot-maintenance",
                                               messages=[{"role": "user", "content": MAINT_Q}])
        assert plain.choices[0].message.content.strip() and plain.usage.total_tokens == (
            plain.usage.prompt_tokens + plain.usage.completion_tokens) > 0
        assert service.list_approvals(None) == []  # it asks for a work order, but the caller did not ask for actions
        with pytest.raises(openai.NotFoundError):
            client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "hi"}])
    service.close()
