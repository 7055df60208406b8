"""Query-focused trimming of retrieved chunks, so a short context budget keeps the relevant lines.

Prompt evaluation dominates the time to first token on a CPU, so the context budget is small. Rather
than cutting a chunk at the budget (which drops whatever comes last, often the row or sentence that
answers the question), each chunk keeps its lines and sentences that share the most terms with the
question, in their original order, with ``...`` where something was left out. A code or tag from the
question (E-204, P-101) weighs more than a plain word. A markdown table keeps its header row with any
row it keeps, so the values stay labelled.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from copilot.agents.figures import label_tags, logical_lines
from copilot.retrieval.tokenize import CODE_PATTERN, norm_code, tokenize

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9(\"'])")
CODE_WEIGHT = 3.0
_NAMED_BULLET = re.compile(r"^\s*[-*•]\s+\**[A-Z]{1,5}-\d{2,5}[A-Z]?\b")
GAP = "..."
CODE_QUERY = re.compile(CODE_PATTERN, re.IGNORECASE)


def split_units(text: str) -> list[str]:
    """Lines (hard-wrapped prose joined, so "Foot bolts M20 class 8.8," keeps its "370 N·m." from the next line),
    with long prose lines split into sentences; table rows, bullets about a named asset and lines labelled with assets
    stay whole."""
    units: list[str] = []
    for line in logical_lines(text):
        line = line.rstrip()
        if not line.strip():
            continue
        if line.lstrip().startswith("|") or _NAMED_BULLET.match(line) or label_tags(line):
            # "- GB-401: ... Foot bolts M20, 370 N·m.", "Design data for P-101 and P-102: ... NPSH required is 4.2 m":
            # a sentence cut from it loses its asset
            units.append(line)
        else:
            units.extend(s for s in _SENTENCE_END.split(line) if s.strip())
    return units


def _group_runs(units: list[str], run_end: Callable[[int], int], min_units: int, max_tokens: int,
                count: Callable[[str], int]) -> list[str]:
    """Join ``units[i:run_end(i)]`` into one unit where the run has ``min_units`` or more and fits ``max_tokens``."""
    out: list[str] = []
    i = 0
    while i < len(units):
        j = run_end(i)
        if j - i >= min_units and count("\n".join(units[i:j])) <= max_tokens:
            out.append("\n".join(units[i:j]))
            i = j
        else:
            out.append(units[i])
            i += 1
    return out


def group_small_tables(units: list[str], max_tokens: int, count: Callable[[str], int]) -> list[str]:
    """Join each markdown table of at most ``max_tokens`` into one unit: a short table (four oversight
    levels, a parameter list) answers as a whole, while rows of a long one are chosen one by one."""
    def table_end(i: int) -> int:
        j = i
        while j < len(units) and _is_table(units[j]):
            j += 1
        return j

    return _group_runs(units, table_end, 3, max_tokens, count)


_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")


def group_lead_in_lists(units: list[str], max_tokens: int, count: Callable[[str], int]) -> list[str]:
    """Join a lead-in ending in ":" with the list items under it into one unit when they fit ``max_tokens``:
    "A retrain is started when any of the following occurs:" says what its items are, and items cut from it
    leave the model a dangling list (the 1.5B model then repeats the lead-in until the token limit)."""
    def list_end(i: int) -> int:
        j = i + 1
        if units[i].rstrip().endswith(":") and not _is_table(units[i]):
            while j < len(units) and _LIST_ITEM.match(units[j]):
                j += 1
        return j

    return _group_runs(units, list_end, 2, max_tokens, count)


def _is_table(unit: str) -> bool:
    return unit.lstrip().startswith("|")


def _is_separator(unit: str) -> bool:
    return _is_table(unit) and set(unit.replace(" ", "")) <= set("|-:")


class QueryTerms:
    """The question's terms: stemmed words and codes (codes weigh more)."""

    def __init__(self, question: str) -> None:
        codes = CODE_QUERY.findall(question)
        self.codes = {norm_code(c) for c in codes}
        parts = {p for c in codes for p in tokenize(c)}  # "C-301" is a code, not the words "c-301", "c", "301"
        self.words = {w for w in tokenize(question) if len(w) > 1} - parts

    def matches(self, unit: str) -> set[str]:
        """The question's words and codes found in ``unit`` (codes as ``#CODE``)."""
        toks = set(tokenize(unit))
        return (toks & self.words) | {"#" + c for c in {norm_code(t) for t in toks} & self.codes}

    def scorer(self, units: list[str]) -> list[float]:
        """Score each unit; a term found in most units of this chunk (the asset tag of an asset's own
        manual) says little about which unit answers, so terms weigh by their rarity within the chunk."""
        found = [self.matches(u) for u in units]
        n = len(units)
        df: dict[str, int] = {}
        for terms in found:
            for t in terms:
                df[t] = df.get(t, 0) + 1
        weight = {t: (CODE_WEIGHT if t.startswith("#") else 1.0) * math.log(1 + n / d) for t, d in df.items()}
        return [sum(weight[t] for t in terms) for terms in found]


def table_cells(row: str) -> list[str]:
    """The cells of a Markdown table row, stripped."""
    return [c.strip() for c in row.strip().strip("|").split("|")]


def project_named_columns(units: list[str], terms: QueryTerms) -> list[str]:
    """Each wide table (four columns or more) with a column the question names by its header ("Riverside" of a
    table with one column per site) keeps only its first column and the named ones: the asked site's values, labelled, in a fraction of the room,
    instead of rows that name nothing the question says. The projected table is one unit, labelled by its header."""
    out: list[str] = []
    i = 0
    while i < len(units):
        if not (_is_table(units[i]) and i + 1 < len(units) and _is_separator(units[i + 1])):
            out.append(units[i])
            i += 1
            continue
        j = i + 2
        while j < len(units) and _is_table(units[j]) and "\n" not in units[j]:
            j += 1
        header = table_cells(units[i])
        named = [k for k, h in enumerate(header) if k and terms.words and set(tokenize(h)) and
                 set(tokenize(h)) <= terms.words]
        rows = [table_cells(u) for u in units[i:j]]
        if len(header) >= 4 and named and len(named) < len(header) - 1 and all(len(r) == len(header) for r in rows):
            out.append("\n".join("| " + " | ".join(r[k] for k in [0, *named]) + " |" for r in rows))  # one unit
        else:
            out.extend(units[i:j])
        i = j
    return out


def focus(text: str, terms: QueryTerms, max_tokens: int, count: Callable[[str], int]) -> str:
    """``text`` when it fits ``max_tokens``; else its most question-related units, in order, within it."""
    if count(text) <= max_tokens:
        return text
    projected = project_named_columns(split_units(text), terms)
    named_tables = {u for u in projected if "\n" in u and _is_table(u)}
    units = group_lead_in_lists(group_small_tables(projected, max_tokens * 2 // 3, count), max_tokens * 2 // 3, count)
    scores = terms.scorer(units)
    top = max(scores, default=0.0)
    scores = [top + 1.0 if u in named_tables else s for u, s in zip(units, scores, strict=True)]  # the asked column
    header_of = _table_headers(units)
    cost = [count(u) + 1 for u in units]
    headers = {h for pair in header_of.values() for h in pair}  # kept only together with one of their rows
    order = sorted((i for i in range(len(units)) if i not in headers), key=lambda i: (-scores[i], i))
    if any(scores[i] for i in order):
        order = [i for i in order if scores[i] > 0]
    keep: set[int] = set()
    used = 0
    for i in order:
        extra = [h for h in header_of.get(i, []) if h not in keep]
        need = cost[i] + sum(cost[h] for h in extra)
        if used + need > max_tokens:
            continue
        keep.update([i, *extra])
        used += need
    if not keep:  # nothing fits whole: the start of the best unit
        best = units[order[0]] if order else text
        return best[: max(40, max_tokens * 3)].rsplit(" ", 1)[0] + " " + GAP
    out: list[str] = []
    prev = -1
    for i in sorted(keep):
        if i != prev + 1:
            out.append(GAP)
        out.append(units[i])
        prev = i
    if prev < len(units) - 1:
        out.append(GAP)
    return "\n".join(out)


def _table_headers(units: list[str]) -> dict[int, list[int]]:
    """For each row of a markdown table, the indexes of that table's header row and separator."""
    out: dict[int, list[int]] = {}
    current: list[int] = []
    for i, unit in enumerate(units):
        if not _is_table(unit) or "\n" in unit:  # prose, or a small table grouped whole with its header
            current = []
        elif i + 1 < len(units) and _is_separator(units[i + 1]):
            current = [i, i + 1]
        elif current and i not in current:
            out[i] = current
    return out
