"""Load evaluation datasets with precise errors: BEIR retrieval sets and answer JSONL files."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError, field_validator

from copilot.eval.metrics import Qrels
from copilot.jsonl import read_jsonl_lines

M = TypeVar("M", bound=BaseModel)


class DatasetError(ValueError):
    """A dataset file is missing or malformed; the message names the file and line."""


@dataclass
class BeirDataset:
    """queries: id -> text; qrels: query id -> {corpus id: grade}; corpus: id -> {title, text} (may be empty)."""

    path: Path
    queries: dict[str, str]
    qrels: dict[str, Qrels]
    corpus: dict[str, dict[str, str]] = field(default_factory=dict)
    split: str = "test"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Objects of a JSONL file; blank lines are ignored."""
    return [obj for _n, obj in read_jsonl_lines(path, DatasetError)]


def read_qrels(path: Path) -> dict[str, Qrels]:
    """BEIR qrels TSV (``query-id corpus-id score`` with a header row)."""
    if not path.is_file():
        raise DatasetError(f"{path}: file not found")
    qrels: dict[str, Qrels] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.reader(fh, delimiter="\t"), start=1):
            if not row or not "".join(row).strip():
                continue
            if n == 1 and row[0].strip().lower() in ("query-id", "query_id", "qid"):
                continue
            if len(row) < 3:
                raise DatasetError(f"{path}:{n}: expected 3 tab-separated columns query-id, corpus-id, score")
            try:
                grade = int(float(row[2]))
            except ValueError as exc:
                raise DatasetError(f"{path}:{n}: score {row[2]!r} is not a number") from exc
            qrels.setdefault(row[0].strip(), {})[row[1].strip()] = grade
    return qrels


def load_beir(path: Path, split: str = "test") -> BeirDataset:
    """Read ``queries.jsonl``, ``qrels/<split>.tsv`` and the optional ``corpus.jsonl`` of a BEIR folder."""
    path = Path(path)
    if not path.is_dir():
        raise DatasetError(f"{path}: not a directory (expected a BEIR folder with queries.jsonl and qrels/)")
    queries: dict[str, str] = {}
    for row in read_jsonl(path / "queries.jsonl"):
        if "_id" not in row or "text" not in row:
            raise DatasetError(f"{path / 'queries.jsonl'}: every query needs _id and text (got {sorted(row)})")
        queries[str(row["_id"])] = str(row["text"])
    qrels = read_qrels(path / "qrels" / f"{split}.tsv")
    unknown = sorted(set(qrels) - set(queries))
    if unknown:
        raise DatasetError(f"{path}: qrels name queries missing from queries.jsonl: {unknown[:5]}")
    corpus: dict[str, dict[str, str]] = {}
    if (path / "corpus.jsonl").is_file():
        for row in read_jsonl(path / "corpus.jsonl"):
            if "_id" not in row or "text" not in row:
                raise DatasetError(f"{path / 'corpus.jsonl'}: every document needs _id and text")
            corpus[str(row["_id"])] = {"title": str(row.get("title", "")), "text": str(row["text"])}
    # Only queries that have judgements are evaluated.
    return BeirDataset(path=path, queries={q: t for q, t in queries.items() if q in qrels}, qrels=qrels,
                       corpus=corpus, split=split)


class Fact(BaseModel):
    fact: str = Field(min_length=1)
    essential: bool = True


class AnswerItem(BaseModel):
    """One answer-evaluation item (see eval/datasets/README.md)."""

    model_config = {"extra": "allow"}

    id: str = ""
    question: str = Field(min_length=1)
    agent: str | None = None
    reference_answer: str | None = None
    gold_sources: list[str] = Field(default_factory=list)
    required_facts: list[Fact] = Field(default_factory=list)
    expect: str = "answer"
    unanswerable: bool = False

    @field_validator("expect")
    @classmethod
    def _expect(cls, v: str) -> str:
        if v not in ("answer", "refuse", "escalate"):
            raise ValueError("expect must be answer, refuse or escalate")
        return v

    @field_validator("required_facts", mode="before")
    @classmethod
    def _facts(cls, v: Any) -> Any:
        return [{"fact": f} if isinstance(f, str) else f for f in (v or [])]


def parse_item(model: type[M], row: dict[str, Any], path: Path, n: int) -> M:
    """``model(**row)``; a validation error becomes a DatasetError naming the file, the item and each problem."""
    try:
        return model(**row)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise DatasetError(f"{path}: item {n}: {problems}") from exc


def load_answers(path: Path) -> list[AnswerItem]:
    """Read and validate an answers JSONL file; items without an id get ``line-<n>``."""
    items = []
    for n, row in enumerate(read_jsonl(Path(path)), start=1):
        item = parse_item(AnswerItem, row, path, n)
        if not item.id:
            item.id = str(row.get("_id") or f"line-{n}")
        items.append(item)
    if not items:
        raise DatasetError(f"{path}: no items")
    return items
