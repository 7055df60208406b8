"""Exact lookups stay exact: the row that holds a named code, tag or part, in full, and answers read from it.

A question naming ``E-204``, ``GB-401`` or ``SP-1001`` gets the table row (Markdown header + row) or
spreadsheet row (every column) that holds it pinned into the numbered sources, whatever the context
budget trimmed. A plain lookup is then answered from the row itself: its cells are copied, never
re-typed by the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from copilot.agents.citations import source_header
from copilot.agents.context_focus import GAP, table_cells
from copilot.identifiers import SEE_CODE, WORK_ORDER, identifiers, normalise_dashes
from copilot.types import Citation, Hit

TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_SEPARATOR = re.compile(r"^\s*\|[\s:|-]+\|\s*$")


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """``header`` and ``rows`` written as a Markdown table (what :func:`markdown_tables` reads back)."""
    return "\n".join(["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
                      *("| " + " | ".join(r) + " |" for r in rows)])


def markdown_tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Each Markdown table of ``text`` as (header cells, body rows' cells); rows on both sides of a ``...`` left by
    context focus belong to the same table."""
    out: list[tuple[list[str], list[list[str]]]] = []
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines = [*normalise_dashes(text).splitlines(), ""]
    for i, line in enumerate(lines):
        if not TABLE_LINE.match(line):
            if header is not None and line.strip() != GAP:
                out.append((header, rows))
                header, rows = None, []
            continue
        if _SEPARATOR.match(line):
            continue
        if header is not None and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]):
            out.append((header, rows))  # a header straight after a table's last row starts another table
            header, rows = None, []
        if header is None:
            header = table_cells(line)
        else:
            rows.append(table_cells(line))
    return out
_FIELD = re.compile(r"^([A-Za-z][\w /()%.-]{0,60}):\s?(.*)$")


@dataclass
class Row:
    """One row that names an identifier: its cells by column, in the row's own order."""

    key: str
    cells: list[tuple[str, str]]
    text: str  # header + row (Markdown) or the spreadsheet row, as shown to the model
    marker: int = 0

    def value(self, column: str) -> str:
        return next((v for c, v in self.cells if c.lower() == column.lower()), "")

    @property
    def keyed(self) -> bool:
        """The identifier is the row's own key (its first cell), not a mention in another row's text."""
        return bool(self.cells) and normalise_dashes(self.cells[0][1]).strip("* ") == self.key

    @property
    def is_event(self) -> bool:
        """A record of something that happened (a dated work order), not reference data about the key."""
        first = self.cells[0][1] if self.cells else ""
        return bool(WORK_ORDER.fullmatch(first.strip("* "))) or any(
            c.lower() in _EVENT_COLUMNS for c, _v in self.cells)


_EVENT_COLUMNS = {"date", "datetime", "timestamp", "opened", "closed", "completed"}
# the question is about what happened (work-order history), so event rows answer it
ASKS_HISTORY = re.compile(r"\b(?:last|latest|previous|history|historical|past|recent|when (?:was|were|did)|"
                          r"how many times|work[- ]?orders?|WO-\d|happened|records?)\b", re.I)


# a reference value (a limit, tolerance, torque, interval): what a record measured once does not answer it
ASKS_SPEC = re.compile(r"\b(?:tolerances?|limits?|spec(?:ification)?s?|allowed|allowable|acceptable|permissible|maximum|"
                       r"minimum|max|min|torques?|intervals?|clearances?|set ?points?|settings?|rated|rating)\b", re.I)


def sheet_fields(text: str) -> list[tuple[str, str]]:
    """The ``column: value`` lines of a spreadsheet passage, in order."""
    return [(m.group(1).strip(), m.group(2).strip()) for m in (_FIELD.match(line.strip()) for line in text.splitlines())
            if m]


def is_event_record(cite: Citation) -> bool:
    """A spreadsheet row that records something that happened (a dated work order), not reference data."""
    if cite.row is None:
        return False
    fields = [col.lower() for col, _v in sheet_fields(cite.text)]
    first = cite.text.split(":", 1)[1].strip() if ":" in cite.text else ""
    return any(f in _EVENT_COLUMNS for f in fields) or bool(WORK_ORDER.match(first))


def reference_sources(sources: list[Citation], question: str) -> list[Citation]:
    """For a question asking a reference value (not history): the sources without work-order records, when any
    other source is left ("alignment tolerance after a coupling change" had been answered with a record's as-found
    0.03 mm); else all of them."""
    if not ASKS_SPEC.search(question) or ASKS_HISTORY.search(question):
        return sources
    kept = [c for c in sources if not is_event_record(c)]
    return kept or sources


ASKS_LATEST = re.compile(r"\b(?:last|latest|most recent|newest)\b", re.I)


def reference_rows(rows: list[Row], question: str) -> list[Row]:
    """The rows fit to answer ``question`` from: dated work-order records only when it asks about history;
    rows keyed by the identifier ahead of rows that merely mention it."""
    if not ASKS_HISTORY.search(question):
        rows = [r for r in rows if not r.is_event]
    if ASKS_LATEST.search(question):  # "the last GB-401 failure": the newest record first
        rows = sorted(rows, key=lambda r: max((v for c, v in r.cells if c.lower() in _EVENT_COLUMNS), default=""),
                      reverse=True)
    return sorted(rows, key=lambda r: not r.keyed)


def markdown_rows(text: str, key: str) -> list[Row]:
    """Rows of Markdown tables in ``text`` whose first cell is ``key``, each with its table header."""
    lines = normalise_dashes(text).splitlines()
    out: list[Row] = []
    header: list[str] | None = None
    head_lines: list[str] = []
    for i, line in enumerate(lines):
        if not TABLE_LINE.match(line):
            if line.strip() != GAP:  # a focused source elides rows between header and row: same table
                header = None
            continue
        if _SEPARATOR.match(line):
            continue
        if header is None:
            header, head_lines = table_cells(line), [line, lines[i + 1] if i + 1 < len(lines) else ""]
            continue
        cells = table_cells(line)
        if cells and cells[0] == key:
            pairs = [(h, c) for h, c in zip(header, cells, strict=False) if c]
            out.append(Row(key, pairs, "\n".join([*head_lines, line])))
    return out


def spreadsheet_row(text: str, key: str) -> Row | None:
    """A spreadsheet passage ("column: value" lines) that holds ``key`` in one of its cells."""
    pairs = sheet_fields(text)
    if not pairs or not any(re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", normalise_dashes(v)) for _, v in pairs):
        return None
    return Row(key, pairs, text)


def rows_in(text: str, key: str, *, is_sheet_row: bool) -> list[Row]:
    if is_sheet_row:
        row = spreadsheet_row(text, key)
        return [row] if row else []
    return markdown_rows(text, key)


_COMMON_CELLS = frozenset("none total other yes all any notes note".split())
MAX_NAMED_ROWS = 3


def named_row_keys(question: str, texts: list[str]) -> list[str]:
    """First cells of Markdown table rows in ``texts`` that the question names in words: "how long is the Align
    stage" names the roadmap table's "Align" row, "who is accountable for monitoring and drift response" the RACI
    row "Monitoring and drift response" (at most ``MAX_NAMED_ROWS``, longest first)."""
    found: set[str] = set()
    for text in texts:
        header = None
        for line in normalise_dashes(text).splitlines():
            if not TABLE_LINE.match(line) or _SEPARATOR.match(line):
                header = header if TABLE_LINE.match(line) else None
                continue
            if header is None:
                header = line
                continue
            cell = table_cells(line)[0] if table_cells(line) else ""
            if sum(ch.isalpha() for ch in cell) >= 4 and cell.lower() not in _COMMON_CELLS and \
                    re.search(rf"(?<![\w-]){re.escape(cell)}(?![\w-])", question, re.I):
                found.add(cell)
    return sorted(found, key=len, reverse=True)[:MAX_NAMED_ROWS]


def pin_rows(sources: list[Citation], hits: list[Hit], question: str) -> list[Citation]:
    """Make sure the full row of every identifier the question names is in the sources shown, and of every
    table row it names in words (:func:`named_row_keys`).

    A source whose chunk holds the row but whose (trimmed) text lost it gets the header + row back
    at its top. Rows are looked up in the hits' full chunk texts."""
    chunks = {h.chunk.id: h.chunk for h in hits}
    shown = [chunks[c.chunk_id].text for c in sources if c.chunk_id in chunks and chunks[c.chunk_id].row is None]
    keys = identifiers(question) + named_row_keys(question, shown)
    for key in keys:  # grows: a keyed row's "As E-205" brings the E-205 row of the same table
        for cite in sources:
            chunk = chunks.get(cite.chunk_id)
            if chunk is None:
                continue
            rows = rows_in(chunk.text, key, is_sheet_row=chunk.row is not None)
            if chunk.row is None:
                for row in rows:
                    if row.text.splitlines()[-1] not in normalise_dashes(cite.text):
                        cite.text = f"{row.text}\n{cite.text}"
                    if row.keyed:
                        keys += [c for _col, v in row.cells for c in SEE_CODE.findall(v) if c not in keys]
            elif rows and len(cite.text) < len(chunk.text):
                cite.text = chunk.text
    return sources


def pin_named_rows(sources: list[Citation], hits: list[Hit], question: str) -> list[Citation]:
    """A table row the question names in words ("the Align stage") that no shown source holds, taken from another
    chunk of the same document among ``hits`` (the overview table cut off into the section's second chunk) and put
    at the top of the shown source of the same section, else of that document's best-ranked source."""
    texts = [h.chunk.text for h in hits if h.chunk.row is None]
    for key in named_row_keys(question, texts):
        if any(markdown_rows(c.text, key) for c in sources):
            continue
        for hit in hits:
            rows = markdown_rows(hit.chunk.text, key) if hit.chunk.row is None else []
            home = next((c for c in sources if c.doc_id == hit.chunk.doc_id and c.section == hit.chunk.section),
                        next((c for c in sources if c.doc_id == hit.chunk.doc_id), None))  # its own section's first
            if rows and home is not None:
                home.text = f"{rows[0].text}\n{home.text}"
                break
    return sources


def find_rows(sources: list[Citation], key: str) -> list[Row]:
    """Rows naming ``key`` in the shown sources, each with its source's marker."""
    found: list[Row] = []
    for cite in sources:
        for row in rows_in(cite.text, key, is_sheet_row=cite.row is not None):
            row.marker = cite.marker
            if not any(r.text == row.text for r in found):
                found.append(row)
    return found


def render_row(row: Row, cite: Citation | None = None) -> str:
    """The row as a short list, cells copied verbatim in the row's own order, cited."""
    mark = f" [{row.marker}]" if row.marker else ""
    first_col, first_val = row.cells[0]
    title = f"**{first_val}**"
    rest = row.cells[1:]
    if rest and rest[0][0].lower() in ("description", "component", "meaning", "name"):
        title += f" - {rest[0][1]}"
        rest = rest[1:]
    where = f" ({source_header(cite)})" if cite else ""
    lines = [f"{title}{where}{mark}"]
    lines += [f"- {col}: {val}" for col, val in rest]
    return "\n".join(lines)


def render_rows(rows: list[Row], sources: list[Citation]) -> str:
    by_marker = {c.marker: c for c in sources}
    return "\n\n".join(render_row(r, by_marker.get(r.marker)) for r in rows)


def search_for(retriever: Any, sources: list[Citation], query: str, accept: Callable[[Citation], bool],
               k: int = 6, filters: dict[str, Any] | None = None) -> Citation | None:
    """The passage ``accept`` wants (a weights table, the value hurdles), searched with ``query`` (within
    ``filters``) when no shown source is one; numbered after the shown sources. None when shown already, not found,
    or no retriever."""
    if any(accept(c) for c in sources):
        return None
    return next(iter(search_all(retriever, sources, query, accept, k, filters)), None)


def search_all(retriever: Any, sources: list[Citation], query: str, accept: Callable[[Citation], bool],
               k: int = 6, filters: dict[str, Any] | None = None) -> list[Citation]:
    """Every passage of the search ``accept`` wants, best first, numbered one after the other after the shown
    sources; [] when none is found or there is no retriever."""
    if retriever is None:
        return []
    try:
        hits = retriever.search(query, k=k, filters=filters) if filters else retriever.search(query, k=k)
    except Exception:  # noqa: BLE001 - the answer goes on without it
        return []
    found: list[Citation] = []
    for hit in hits:
        cite = Citation.from_chunk(max((c.marker for c in [*sources, *found]), default=0) + 1, hit.chunk)
        found += [cite] if accept(cite) else []
    return found
