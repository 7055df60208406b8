"""One typed settings tree for the whole copilot.

Sources, lowest to highest priority: field defaults, the selected profile
(`default` or `test`), a YAML file (``COPILOT_CONFIG`` or ``./copilot.yaml``),
``COPILOT_*`` environment variables (nested with ``__``, e.g.
``COPILOT_LLM__N_THREADS=4``), then explicit overrides (``--set llm.n_ctx=2048``).

This is the only module that reads environment variables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """Raised when settings are invalid; the message names the offending field."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LLMSettings(_Section):
    backend: Literal["llama_cpp", "openai", "fake"] = Field(
        "llama_cpp", description="Which LLM backend answers: in-process llama.cpp, an OpenAI-compatible server, or the deterministic fake."
    )
    model: str = Field("qwen2.5-coder-1.5b", description="Name of a bundled model (see `copilot models list`).")
    model_path: Path | None = Field(None, description="Path to your own GGUF file; overrides `model`.")
    n_ctx: int = Field(4096, ge=512, le=131072, description="Context window in tokens.")
    n_threads: int = Field(2, ge=1, le=256, description="CPU threads for generation.")
    n_batch: int = Field(512, ge=16, le=8192, description="Prompt processing batch size.")
    max_tokens: int = Field(400, ge=1, le=8192, description="Default cap on generated tokens.")
    temperature: float = Field(0.1, ge=0.0, le=2.0)
    seed: int = Field(42, description="Sampling seed, for reproducible runs.")
    prompt_cache: bool = Field(True, description="Keep the KV state of the last prompt so the shared system message is evaluated once, not per request (off = every call starts cold).")
    base_url: str = Field("http://127.0.0.1:8080/v1", description="OpenAI-compatible server URL (backend=openai).")
    api_key: str = Field("not-needed", description="API key for the OpenAI-compatible server.")
    remote_model: str = Field("local", description="Model name sent to the OpenAI-compatible server.")
    request_timeout_s: float = Field(300.0, gt=0)
    base_urls: list[str] = Field(default_factory=list, description="A pool of OpenAI-compatible servers (backend=openai); "
                                 "empty = the single `base_url`. Requests go to the least busy healthy server.")
    max_in_flight_per_endpoint: int = Field(1, ge=1, le=1024, description="Requests this process sends to one server at "
                                            "once (its parallel slots divided by the API workers); more get HTTP 429.")
    endpoint_retry_s: float = Field(5.0, gt=0, le=3600, description="A failed server is retried after this long, "
                                    "doubling per further failure (capped at 60 s).")
    cache_prompt: bool = Field(True, description="Send `cache_prompt: true` so llama.cpp's server reuses the KV cache "
                               "of a shared prompt prefix (vLLM and Ollama ignore it and cache prefixes themselves).")

    @property
    def endpoints(self) -> list[str]:
        """The OpenAI-compatible servers to use: ``base_urls``, or ``[base_url]`` when that list is empty."""
        return list(self.base_urls) or [self.base_url]

    @property
    def concurrency(self) -> int:
        """Model calls this process can run at once: the pool's capacity for backend=openai, else 1."""
        return len(self.endpoints) * self.max_in_flight_per_endpoint if self.backend == "openai" else 1


class EmbedderSettings(_Section):
    backend: Literal["sentence_transformers", "onnx", "fake"] = Field(
        "onnx", description="onnx = int8 ONNX Runtime export of the bundled model (3x faster on CPU, same "
        "retrieval quality; made at install); sentence_transformers = the model in torch float32.")
    model_path: Path | None = Field(
        None, description="A sentence-transformers model directory; default is the bundled all-MiniLM-L6-v2."
    )
    batch_size: int = Field(32, ge=1, le=1024)
    max_seq_length: int | None = Field(
        None, ge=16, le=8192, description="Truncate texts to this many tokens; default: the model's own (256 for MiniLM).")
    fake_dim: int = Field(384, ge=8, le=4096, description="Dimension of the deterministic fake embedder.")
    onnx_reduce_range: bool = Field(
        False, description="onnx: 7-bit int8 weights (quantize_dynamic reduce_range), for CPUs without VNNI.")
    onnx_sessions: int = Field(
        2, ge=1, le=16, description="onnx: ingest batches split between this many one-thread sessions in parallel.")
    onnx_keep_float: Literal["", "ffn_out", "ffn"] = Field(
        "ffn", description="onnx: operators left in float32 (ffn_out: the feed-forward output projections; "
        "ffn: both feed-forward projections; empty: everything int8).")


class IngestSettings(_Section):
    chunk_size: int = Field(1200, ge=200, le=20000, description="Target chunk size in characters.")
    chunk_overlap: int = Field(150, ge=0, le=5000, description="Overlap between consecutive chunks, characters.")
    max_file_mb: float = Field(25.0, gt=0, description="Files larger than this are rejected.")
    extensions: list[str] = Field(
        default_factory=lambda: [".md", ".markdown", ".txt", ".pdf", ".html", ".htm", ".docx", ".csv", ".xlsx", ".json", ".jsonl"]
    )
    max_unzipped_mb: float = Field(100.0, gt=0, description="DOCX/XLSX whose members expand past this are refused.")
    max_zip_ratio: float = Field(100.0, gt=1, description="Refuse DOCX/XLSX members over 1 MB that expand more than this.")
    parse_in_worker: bool = Field(True, description="Parse each file in a separate worker process with the limits below.")
    parse_timeout_s: float = Field(120.0, gt=0, description="Wall-clock (and CPU) seconds allowed to parse one file.")
    parse_memory_mb: int = Field(1536, ge=128, description="Address-space limit of the parsing worker (RLIMIT_AS).")

    @field_validator("chunk_overlap")
    @classmethod
    def _overlap_smaller(cls, v: int, info: Any) -> int:
        size = info.data.get("chunk_size", 1200)
        if v >= size:
            raise ValueError(f"chunk_overlap ({v}) must be smaller than chunk_size ({size})")
        return v


class RetrievalSettings(_Section):
    mode: Literal["hybrid", "dense", "bm25"] = "hybrid"
    k: int = Field(6, ge=1, le=200, description="Chunks returned by default.")
    candidates: int = Field(50, ge=1, le=2000, description="Candidates per retriever before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")
    weight_dense: float = Field(1.0, ge=0)
    weight_bm25: float = Field(1.0, ge=0)
    weight_exact: float = Field(2.0, ge=0, description="Weight of exact code/tag matches (E-204, P-101).")
    faiss_index: Literal["auto", "flat", "hnsw", "ivf"] = Field(
        "auto", description="flat = exact search; hnsw, ivf = approximate; auto = flat up to 200k chunks, ivf above.")
    fusion: Literal["score", "rrf"] = Field(
        "score", description="Hybrid fusion: score = calibrated weighted sum of scaled scores; rrf = weighted RRF.")
    weight_head: float = Field(0.5, ge=0, description="BM25 field boost of the title and heading path.")
    weight_terms: float = Field(1.0, ge=0, description="Weight of passages defining the term a query asks about.")
    doc_candidates: int = Field(200, ge=1, le=5000, description="Candidates per retriever for document ranking.")
    doc_aggregate: Literal["max", "decay"] = Field(
        "max", description="Document score from its chunks: max = best passage; decay = best + decaying next two.")
    doc_decay: float = Field(0.5, ge=0, le=1, description="Share of the 2nd (and squared for the 3rd) passage.")
    rerank: Literal["off", "llm"] = Field(
        "off", description="Rerank stage: llm = the local model judges the best candidates (P(yes) to 'does it answer').")
    rerank_candidates: int = Field(5, ge=1, le=50, description="Candidates (chunks, or documents) the judge re-scores.")
    rerank_weight: float = Field(0.5, ge=0, le=1, description="Share of the judge in the blended score.")
    rerank_max_chars: int = Field(600, ge=50, le=8000, description="Characters of each passage shown to the judge.")
    min_relevance: float = Field(
        0.25, ge=-1, le=1, description="Below this best dense cosine similarity the copilot says it does not know."
    )


class TablesSettings(_Section):
    enabled: bool = True
    max_categorical: int = Field(60, ge=1, description="Distinct values up to which a text column counts as categorical.")
    fuzzy_threshold: int = Field(80, ge=0, le=100)
    semantic_threshold: float = Field(0.55, ge=-1, le=1)
    max_rows: int = Field(50, ge=1, le=10000, description="Rows shown in an answer.")


class AgentSettings(_Section):
    context_budget_tokens: int = Field(600, ge=100, description="Token budget (model tokens) for the numbered sources in a prompt.")
    focus_context: bool = Field(True, description="Keep each source's lines most related to the question within the budget, instead of cutting the last source.")
    history_turns: int = Field(4, ge=0, le=50)
    router_confidence: float = Field(0.6, ge=0, le=1, description="Below this the router asks the LLM to break the tie.")
    escalation_contact: str = Field("the shift supervisor or the site reliability engineer")
    stated_check: bool = Field(True, description="Before a model answer to a specific question, ask the model (same "
                               "cached prompt) whether the sources state it; if not, abstain.")
    cmms_webhook_url: str | None = Field(None, description="Optional webhook that receives approved work orders.")
    webhook_timeout_s: float = Field(10.0, gt=0, le=300, description="Timeout of one webhook delivery attempt.")
    webhook_max_attempts: int = Field(8, ge=1, le=100, description="Delivery attempts before a webhook is given up.")
    webhook_backoff_s: float = Field(2.0, gt=0, le=3600, description="First retry delay; doubles per attempt (capped at 1 h).")


class ServerSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    queue_size: int = Field(8, ge=1, le=1000, description="Chat requests that may wait for the model.")
    request_timeout_s: float = Field(300.0, gt=0)
    max_message_chars: int = Field(8000, ge=10)
    max_upload_mb: float = Field(20.0, gt=0)
    ui_path: str = "/chat"


class AuthSettings(_Section):
    enabled: bool = True
    keys_file: Path | None = Field(None, description="Hashed API keys and users; default <data_dir>/auth.json.")
    secrets_file: Path | None = Field(None, description="HMAC keys of the audit chain and webhook signatures (0600); "
                                      "default <data_dir>/secrets.json. Keep it outside the data dir to protect the audit chain from someone who can write the database.")
    login_max_failures: int = Field(5, ge=1, le=1000, description="Failed logins per user or client before a lockout.")
    login_window_s: float = Field(900.0, gt=0, description="Window in which failed logins are counted.")
    login_lockout_s: float = Field(60.0, gt=0, description="First lockout; doubles with each further failure (capped at 1 h).")


class StorageSettings(_Section):
    url: str | None = Field(None, description="Database of approvals, work orders, threads, feedback, the audit log "
                            "and the conversation checkpoints: unset = SQLite files in data_dir; "
                            "postgresql://user:pass@host:5432/db = PostgreSQL shared by several API workers "
                            "(schema created by the product's versioned migrations).")

    @field_validator("url")
    @classmethod
    def _postgres_only(cls, v: str | None) -> str | None:
        if v and v.split("://", 1)[0] not in ("postgresql", "postgres", "postgresql+psycopg"):
            raise ValueError("storage.url must be a postgresql:// URL (leave it unset for SQLite)")
        return v or None


class Settings(BaseSettings):
    """The whole configuration. Build with :func:`load_settings`."""

    model_config = SettingsConfigDict(env_prefix="COPILOT_", env_nested_delimiter="__", extra="forbid")

    profile: Literal["default", "test"] = "default"
    data_dir: Path = Field(PROJECT_ROOT / "var", description="Index, databases, audit log, uploads.")
    models_dir: Path = Field(Path.home() / ".cache" / "industrial-copilot" / "models", description="Assembled GGUF files.")
    knowledge_paths: list[Path] = Field(default_factory=lambda: [PROJECT_ROOT / "knowledge"])
    llm: LLMSettings = Field(default_factory=LLMSettings)
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    tables: TablesSettings = Field(default_factory=TablesSettings)
    agents: AgentSettings = Field(default_factory=AgentSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings)

    # convenience paths -------------------------------------------------
    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def db_path(self) -> Path | str:
        """The stores' database: the SQLite file, or the ``storage.url`` of PostgreSQL when set."""
        return self.storage.url or self.data_dir / "copilot.sqlite3"


PROFILES: dict[str, dict[str, Any]] = {
    "default": {},
    "test": {
        "llm": {"backend": "fake"},
        "embedder": {"backend": "fake"},
        "auth": {"enabled": True},
        # the fake model's schema answer is always "false": unit tests that want the check turn it on
        "agents": {"stated_check": False},
    },
}


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def parse_overrides(pairs: list[str] | None) -> dict[str, Any]:
    """Turn ``["llm.n_ctx=2048", "retrieval.mode=bm25"]`` into a nested dict (values parsed as YAML)."""
    result: dict[str, Any] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise SettingsError(f"override {pair!r} must look like section.field=value")
        dotted, raw = pair.split("=", 1)
        value = yaml.safe_load(raw) if raw.strip() else ""
        node = result
        parts = [p for p in dotted.strip().split(".") if p]
        if not parts:
            raise SettingsError(f"override {pair!r} names no field")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SettingsError(f"cannot read settings file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"settings file {path} must hold a mapping at top level")
    return data


def load_settings(
    profile: str | None = None,
    config_file: Path | None = None,
    overrides: dict[str, Any] | list[str] | None = None,
) -> Settings:
    """Build the settings from profile, YAML file, environment and overrides; raise SettingsError naming the field."""
    if isinstance(overrides, list):
        overrides = parse_overrides(overrides)
    env_file = os.environ.get("COPILOT_CONFIG")
    path = config_file or (Path(env_file) if env_file else None)
    if path is None and Path("copilot.yaml").exists():
        path = Path("copilot.yaml")
    file_data = _read_yaml(path) if path else {}
    chosen = profile or os.environ.get("COPILOT_PROFILE") or file_data.get("profile") or "default"
    if chosen not in PROFILES:
        raise SettingsError(f"profile: unknown profile {chosen!r}; choose one of {sorted(PROFILES)}")
    merged = _deep_merge(PROFILES[chosen], file_data)
    merged = _deep_merge(merged, overrides or {})
    merged["profile"] = chosen
    env_keys = {k for k in os.environ if k.startswith("COPILOT_") and "__" in k}
    # Environment variables beat the YAML file: drop file keys that the environment sets.
    for key in env_keys:
        parts = key[len("COPILOT_"):].lower().split("__")
        node = merged
        for part in parts[:-1]:
            node = node.get(part, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            node.pop(parts[-1], None)
    for flat in ("data_dir", "models_dir"):
        if f"COPILOT_{flat.upper()}" in os.environ:
            merged.pop(flat, None)
    try:
        return Settings(**merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from exc
