"""The doctor compares the llama.cpp build's x86 features with this CPU's (pure functions + the real build)."""

from copilot.doctor import build_features, check_llama_cpp, compare_cpu, cpu_flags

INFO = ("CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | AVX512 = 1 | "
        "AVX512_VBMI = 1 | AVX512_VNNI = 1 | AVX512_BF16 = 0 | LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | ")


def test_build_features_reads_only_enabled_x86_features() -> None:
    assert build_features(INFO) == {"AVX", "AVX2", "F16C", "FMA", "AVX512", "AVX512_VBMI", "AVX512_VNNI"}


def test_avx512_build_on_an_avx2_cpu_is_unsupported() -> None:
    unsupported, unused = compare_cpu(build_features(INFO), {"avx", "avx2", "fma", "f16c"})
    assert unsupported == ["AVX512", "AVX512_VBMI", "AVX512_VNNI"] and unused == []


def test_avx2_build_on_an_avx512_cpu_reports_the_unused_speed() -> None:
    flags = {"avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni"}
    assert compare_cpu({"AVX", "AVX2", "FMA", "F16C"}, flags) == ([], ["AVX512", "AVX512_VNNI"])


def test_unknown_cpu_flags_compare_as_fine() -> None:
    assert compare_cpu({"AVX512"}, None) == ([], [])


def test_the_installed_build_runs_on_this_cpu(settings) -> None:
    settings.llm.backend = "llama_cpp"
    check = check_llama_cpp(settings)
    assert check.ok, check.detail
    assert cpu_flags() is None or "kernels" in check.detail
