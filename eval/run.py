"""End-to-end runs shared by the CLI and the CI gate: build the components, evaluate, attach run info."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from copilot.config import Settings
from copilot.eval.loaders import load_answers, load_beir
from copilot.eval.retrieval_eval import MODES, build_temp_index, run_retrieval_eval, write_corpus
from copilot.eval.runinfo import index_stats, run_info
from copilot.types import ROUTES


def _embedder(settings: Settings, embedder: Any) -> Any:
    if embedder is not None:
        return embedder
    from copilot.retrieval.embedder import build_embedder

    return build_embedder(settings)


def retrieval_run(settings: Settings, dataset_dir: Path, *, docs: Path | None = None,
                  modes: Sequence[str] = MODES, k: int = 10, fetch_k: int | None = None, level: str = "doc",
                  embedder: Any = None, progress: bool = True, command: str = "",
                  prebuilt: tuple[Settings, Any] | None = None, split: str = "test") -> dict[str, Any]:
    """Retrieval eval on a BEIR folder.

    Index used: the dataset's ``corpus.jsonl`` (ingested into a temporary index), else ``docs``
    (a folder or file ingested into a temporary index), else the configured index. ``prebuilt``
    (settings, retriever) from :func:`~copilot.eval.retrieval_eval.build_temp_index` replaces ``docs``.
    """
    dataset = load_beir(dataset_dir, split)
    embedder = _embedder(settings, embedder)
    with tempfile.TemporaryDirectory(prefix="copilot-eval-") as tmp:
        if dataset.corpus:
            corpus_dir = write_corpus(dataset.corpus, Path(tmp) / "corpus")
            _, retriever = build_temp_index(settings, [corpus_dir], Path(tmp), embedder, progress)
            source = f"corpus.jsonl ({len(dataset.corpus)} documents, temporary index)"
        elif prebuilt is not None:
            retriever = prebuilt[1]
            source = f"{docs or 'prebuilt'} (temporary index)"
        elif docs is not None:
            _, retriever = build_temp_index(settings, [docs], Path(tmp), embedder, progress)
            source = f"{docs} (temporary index)"
        else:
            from copilot.retrieval.index import open_retriever

            retriever = open_retriever(settings, embedder=embedder)
            source = f"configured index {settings.index_dir}"
        report = run_retrieval_eval(retriever, dataset, modes, k=k, fetch_k=fetch_k, level=level, progress=progress)
        index = {"source": source, **index_stats(retriever)}
        close = getattr(retriever, "close", None)
        if callable(close) and prebuilt is None:
            close()
    report["info"] = run_info(settings, embedder_name=getattr(embedder, "name", None), index=index, command=command)
    return report


def isolated_settings(settings: Settings, tmp: Path) -> Settings:
    """Settings whose data_dir is ``tmp`` (threads, approvals and audit of the eval stay out of the real
    databases) with the configured tables database linked in, so table questions still work."""
    data = tmp / "data"
    data.mkdir(parents=True, exist_ok=True)
    tables = settings.data_dir / "tables.sqlite3"
    if tables.is_file():
        (data / "tables.sqlite3").symlink_to(tables)
    return settings.model_copy(update={"data_dir": data})


def answers_run(settings: Settings, dataset_file: Path, *, limit: int | None = None, agent: str | None = None,
                judge: bool = True, threshold: float = 0.7, docs: Path | None = None, llm: Any = None,
                embedder: Any = None, ids: Sequence[str] | None = None, progress: bool = True,
                command: str = "", partial: Path | None = None,
                prebuilt: tuple[Settings, Any] | None = None, split: str | None = None,
                entail: bool = False) -> dict[str, Any]:
    """Answer eval on a JSONL file through the conversation service (optionally over a temporary index of ``docs``).

    ``split`` keeps only items whose ``split`` field equals it (``dev`` / ``heldout``); ``entail`` adds the
    per-fact entailment check by the same LLM (see copilot.eval.entailment)."""
    from copilot.eval.answer_eval import run_answer_eval

    if agent is not None and agent not in ROUTES:
        raise ValueError(f"--agent: unknown agent {agent!r}; choose one of {', '.join(ROUTES)}")
    items = load_answers(dataset_file)
    if ids:
        wanted = set(ids)
        items = [it for it in items if it.id in wanted]
    if split:
        items = [it for it in items if (it.model_extra or {}).get("split") == split]
    if agent:
        items = [it for it in items if it.agent in (None, agent)]
    if limit is not None:
        items = items[:limit]
    if not items:
        raise ValueError(f"{dataset_file}: no items left after --split/--agent/--id/--limit filters")
    embedder = _embedder(settings, embedder)
    if llm is None:
        from copilot.llm.factory import build_llm

        llm = build_llm(settings)
    with tempfile.TemporaryDirectory(prefix="copilot-eval-") as tmp:
        if prebuilt is not None:
            run_settings, retriever = settings.model_copy(update={"data_dir": prebuilt[0].data_dir}), prebuilt[1]
            source = f"{docs or 'prebuilt'} (temporary index)"
        elif docs is not None:
            run_settings, retriever = build_temp_index(settings, [docs], Path(tmp), embedder, progress)
            source = f"{docs} (temporary index)"
        else:
            run_settings, retriever = isolated_settings(settings, Path(tmp)), None
            from copilot.retrieval.index import open_retriever

            retriever = open_retriever(settings, embedder=embedder)
            source = f"configured index {settings.index_dir}"
        from copilot.services import build_services

        service = build_services(run_settings, llm=llm, embedder=embedder, retriever=retriever).copilot
        on_record = None
        if partial is not None:
            partial.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text("", encoding="utf-8")

            def on_record(rec: dict[str, Any]) -> None:
                with partial.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")

        report = run_answer_eval(service, items, agent=agent, embed=embedder.embed, threshold=threshold,
                                 judge_llm=llm if judge else None, entail_llm=llm if entail else None,
                                 progress=progress, on_record=on_record)
        index = {"source": source, **index_stats(retriever)}
        close = getattr(service, "close", None)
        if callable(close):
            close()
    report["dataset"] = {"path": str(dataset_file), "items": len(items), "split": split}
    report["info"] = run_info(settings, embedder_name=getattr(embedder, "name", None), index=index, command=command)
    return report
