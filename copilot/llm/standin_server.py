"""A stand-in OpenAI-compatible model server that answers in a fixed time (tests and ``bench/bench_pool.py``).

It generates nothing: ``/v1/chat/completions`` waits ``delay_s`` and answers a fixed text (streamed as SSE
when asked), so what a benchmark measures around it is the API layer, not a model. Tests switch its
``mode`` to inject failures. Run one: ``python -m copilot.llm.standin_server --port 8081 --delay 0.2``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

ANSWER = "According to the sources: check the suction strainer first [1]."


@dataclass
class StandIn:
    """Behaviour and counters of one stand-in server (mutable from tests)."""

    delay_s: float = 0.0
    mode: str = "ok"  # ok | error500 | busy429 | bad400 | drop_mid_stream | garbage
    answer: str = ANSWER
    hits: int = 0
    bodies: list[dict[str, Any]] = field(default_factory=list)
    in_flight: int = 0
    max_seen_in_flight: int = 0


def _completion(answer: str, model: str) -> dict[str, Any]:
    return {"id": "chatcmpl-standin", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": len(answer.split()), "total_tokens": 10}}


def _chunk(piece: str) -> str:
    return "data: " + json.dumps({"object": "chat.completion.chunk",
                                  "choices": [{"index": 0, "delta": {"content": piece}}]}) + "\n\n"


def build_app(state: StandIn) -> Starlette:
    """The Starlette app of one stand-in server."""

    async def chat(request: Request) -> Response:
        body = await request.json()
        state.hits += 1
        state.bodies.append(body)
        state.in_flight += 1
        state.max_seen_in_flight = max(state.max_seen_in_flight, state.in_flight)
        try:
            if state.mode == "error500":
                return JSONResponse({"error": "boom"}, status_code=500)
            if state.mode == "busy429":
                return JSONResponse({"error": "busy"}, status_code=429)
            if state.mode == "bad400":
                return JSONResponse({"error": "bad request"}, status_code=400)
            if state.mode == "garbage":
                return Response("not json", media_type="application/json")
            await asyncio.sleep(state.delay_s)
        finally:
            state.in_flight -= 1
        if not body.get("stream"):
            return JSONResponse(_completion(state.answer, body.get("model", "local")))
        pieces = state.answer.split(" ")
        drop = state.mode == "drop_mid_stream"

        async def events():  # type: ignore[no-untyped-def]
            for i, piece in enumerate(pieces):
                yield _chunk(piece + (" " if i < len(pieces) - 1 else ""))
                if drop and i == 1:
                    raise RuntimeError("stand-in server drops the connection mid-answer")
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    async def models(_: Request) -> Response:
        return JSONResponse({"object": "list", "data": [{"id": "local", "object": "model"}]})

    return Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"]),
                             Route("/v1/models", models, methods=["GET"])])


class Running:
    """A stand-in served by uvicorn on a background thread (``url`` ends in ``/v1``); ``stop()`` ends it."""

    def __init__(self, state: StandIn | None = None, port: int = 0) -> None:
        import socket

        import uvicorn

        self.state = state or StandIn()
        if not port:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/v1"
        config = uvicorn.Config(build_app(self.state), host="127.0.0.1", port=port, log_level="error",
                                lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.time() + 10
        while not self._server.started:
            if time.time() > deadline:
                raise RuntimeError("the stand-in server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds before each answer")
    args = parser.parse_args()
    import uvicorn

    uvicorn.run(build_app(StandIn(delay_s=args.delay)), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
