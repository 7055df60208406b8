# Industrial AI copilot: same install as `make run` (portable llama.cpp build, bundled models), non-root.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake git make curl \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 copilot
USER copilot
WORKDIR /home/copilot/app

COPY --chown=copilot:copilot . .

# `make install`: venv, CPU torch, portable llama.cpp (GGML_NATIVE=OFF), bundled models assembled and verified.
RUN make install && rm -rf /home/copilot/.cache/pip

ENV COPILOT_SERVER__HOST=0.0.0.0 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1

# Builds the index from knowledge/ if missing or stale, then serves the API and the chat UI.
CMD [".venv/bin/copilot", "serve"]
