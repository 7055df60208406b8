"""A figure copied from the wrong row of a table.

The claim check asks whether a sentence's figure is in its source. A small model reading a table often copies a
figure that *is* in the source, but from the neighbouring row: "Annex III high-risk rules apply from 2 August
2025" takes the date of the general-purpose-AI row of the timeline, two lines above the Annex III row. Such a
sentence names the other row's subject far better than the row its figure comes from; that is what is tested
here, row against row of the same table, on the words of the sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.context_focus import GAP, table_cells
from copilot.agents.figures import Figure, FigurePool, extract
from copilot.agents.lookup import _SEPARATOR, TABLE_LINE, markdown_tables
from copilot.identifiers import normalise_dashes

# the other row must share this many of the sentence's words, and this many more than the figure's own row
MIN_OTHER = 3
MARGIN = 2


@dataclass
class TableRow:
    text: str
    terms: set[str]
    pool: FigurePool
    kinds: set[str]


def tables(text: str) -> list[list[TableRow]]:
    """The body rows of each Markdown table in ``text`` (header and separator lines left out; rows on both sides of
    a ``...`` that context focus left are one table)."""
    out: list[list[TableRow]] = []
    current: list[str] | None = None
    lines = [*normalise_dashes(text).splitlines(), ""]
    for i, line in enumerate(lines):
        if TABLE_LINE.match(line):
            if current is not None and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]):
                out.append(_rows(current))  # a header straight after a table's last row starts another table
                current = None
            if current is None:
                current = []  # the header line
            elif not _SEPARATOR.match(line):
                current.append(line)
            continue
        if current is not None and line.strip() == GAP:  # a focused source elides rows: still the same table
            continue
        if current:
            out.append(_rows(current))
        current = None
    return [rows for rows in out if rows]


def _rows(lines: list[str]) -> list[TableRow]:
    return [TableRow(r, content_terms(r), FigurePool.of([r]), {f.kind for f in extract(r, min_bare=0)}) for r in lines]


_CLAUSE = re.compile(r"[,;]\s+|\s+(?:and|while|whereas|but)\s+")  # "ORI is 2.2, and Data is 1.8": one clause each


def _key(row: str) -> str:
    """A row's first cell, without Markdown emphasis: the thing the row is about ("ORI", "Data")."""
    return table_cells(row)[0].strip("*").strip()


def _names(sentence: str, key: str) -> bool:
    return len(key) >= 3 and not key.replace(".", "").isdigit() and \
        re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", sentence, re.I) is not None


def names_other_row(sentence: str, figure: Figure, text: str) -> bool:
    """The sentence's clause gives ``figure`` for a row it names by its key ("Riverside's ORI is 1.8"), that row's figures
    do not include it, and the sentence names no row that does (1.8 is the Data row's): the table contradicts it,
    whatever the prose around the table says."""
    clause = next((c for c in _CLAUSE.split(sentence) if FigurePool.of([c]).supports(figure)), sentence)
    for rows in tables(text):
        holders = [r for r in rows if r.pool.supports(figure)]
        if not holders or any(_names(clause, _key(r.text)) for r in holders):
            continue
        if any(_names(clause, _key(r.text)) and figure.kind in r.kinds for r in rows if r not in holders):
            return True
    return False


def wrong_row(sentence: str, figure: Figure, text: str) -> bool:
    """True when every table row of ``text`` holding ``figure`` loses, on the sentence's words, to another row of
    its table that holds a figure of the same kind (the sentence is about that row, the figure about another).
    False when the figure is also in the text outside tables, or in no table row at all."""
    if names_other_row(sentence, figure, text):
        return True
    prose = "\n".join(line for line in normalise_dashes(text).splitlines() if not TABLE_LINE.match(line))
    if FigurePool.of([prose]).supports(figure):
        return False
    words = content_terms(sentence.replace(figure.raw, " ") if figure.raw else sentence)
    found = False
    for rows in tables(text):
        holders = [r for r in rows if r.pool.supports(figure)]
        if not holders:
            continue
        found = True
        others = [r for r in rows if r not in holders and figure.kind in r.kinds]
        best_holder = max(len(shared_terms(words, r.terms)) for r in holders)
        best_other = max((len(shared_terms(words, r.terms)) for r in others), default=0)
        if (best_other < MIN_OTHER or best_other < best_holder + MARGIN) and \
                not _names_only_other(_clause_words(sentence, figure), holders, others, rows):
            return False
    return found


def row_named_instead(sentence: str, figure: Figure, text: str) -> str | None:
    """The row of ``text`` a sentence that took ``figure`` from the wrong row is about, with its column names (the
    row naming most of the clause's row-own words, then most of its words); None unless :func:`wrong_row`."""
    if not wrong_row(sentence, figure, text):
        return None
    words = _clause_words(sentence, figure)
    for rows in tables(text):
        holders = [r for r in rows if r.pool.supports(figure)]
        own = _own_words(rows)
        others = [r for r in rows if holders and r not in holders and figure.kind in r.kinds and
                  shared_terms(words, r.terms)]
        if others:
            best = max(others, key=lambda r: (len(shared_terms(words, own[id(r)])), len(shared_terms(words, r.terms))))
            return _labelled(table_cells(best.text), text)
    return None


def _labelled(cells: list[str], text: str) -> str:
    """A row as its key with each other cell under its column's name: "ORI (Halden Works: 2.7; Riverside: 2.2)"."""
    cells = [c.strip("*").strip() for c in cells]
    header = next((h for h, rows in markdown_tables(text) for r in rows if [c.strip("*").strip() for c in r] == cells
                   and len(h) == len(cells)), None)
    if header is None:
        return " | ".join(cells)
    return f"{cells[0]} (" + "; ".join(f"{h}: {c}" for h, c in zip(header[1:], cells[1:], strict=True)) + ")"


def _own_words(rows: list[TableRow]) -> dict[int, set[str]]:
    """Each row's words no other row of its table has (by ``id`` of the row)."""
    counts = Counter(t for r in rows for t in r.terms)
    return {id(r): {t for t in r.terms if counts[t] == 1} for r in rows}


def _clause_words(sentence: str, figure: Figure) -> set[str]:
    """The content words of the clause giving ``figure``, with the clause before it when it says too little on its
    own ("..., which applies from 2 August 2025" is about what the clause before names)."""
    clauses = _CLAUSE.split(sentence)
    at = next((i for i, c in enumerate(clauses) if FigurePool.of([c]).supports(figure)), None)
    if at is None:
        return content_terms(sentence)
    terms = content_terms(clauses[at].replace(figure.raw, " ") if figure.raw else clauses[at])
    return terms | content_terms(clauses[at - 1]) if len(terms) < 2 and at else terms


def _names_only_other(words: set[str], holders: list[TableRow], others: list[TableRow], rows: list[TableRow]) -> bool:
    """The sentence shares a word only one row has with another row, none with the figure's own rows, and more words
    with that other row overall: "AI literacy ... applies from 2 August 2025" names the literacy row (2 February
    2025), while the general-purpose-AI row it took the date from shares only "AI", a word every row has."""
    own = _own_words(rows)
    if any(shared_terms(words, own[id(r)]) for r in holders):
        return False
    best_holder = max(len(shared_terms(words, r.terms)) for r in holders)
    return any(shared_terms(words, own[id(r)]) and len(shared_terms(words, r.terms)) > best_holder for r in others)


def wrong_column(sentence: str, figure: Figure, text: str) -> bool:
    """The sentence's clause gives ``figure`` for a column it names by the column's own words ("the watch level ...
    is 0.25"), while every table cell holding the figure is in another column (0.25 is the Action level's) of a row
    whose columns are told apart by those words."""
    prose = "\n".join(line for line in normalise_dashes(text).splitlines() if not TABLE_LINE.match(line))
    if FigurePool.of([prose]).supports(figure):
        return False  # the prose around the table gives it too
    clause = next((c for c in _CLAUSE.split(sentence) if FigurePool.of([c]).supports(figure)), sentence)
    words = content_terms(clause)
    verdicts = []
    for header, cells in ((h, r) for h, rows in markdown_tables(text) for r in rows):
        if len(header) != len(cells):
            continue
        own = [content_terms(h) for h in header]
        # a column's own words: those of its header no other header of the table has
        named = [j for j, terms in enumerate(own) if j and (terms - set().union(*(o for k, o in enumerate(own) if k != j)))
                 & words]
        holding = [j for j, cell in enumerate(cells) if j and FigurePool.of([cell]).supports(figure)]
        if holding and named:
            verdicts.append(not set(holding) & set(named))
    return bool(verdicts) and all(verdicts)


_PLAIN_CELLS = frozenset("yes no none n/a na all any other total - tbd".split())


def cell_grids(texts: list[str]) -> list[list[list[str]]]:
    """The body rows of every Markdown table in ``texts``, each row as its cells (first cell without emphasis)."""
    grids = []
    for text in texts:
        for rows in tables(text):
            cells = [[c.strip().strip("*").strip() for c in table_cells(r.text)] for r in rows]
            if len(cells) >= 2:
                grids.append(cells)
    return grids


def other_rows_word(sentence: str, grids: list[list[list[str]]]) -> str | None:
    """A word cell of another row that the sentence's clause gives for the row it names by its key: "Riverside is
    in the Align stage" when Riverside's Stage cell is Assess and Align is Marlow Bay's. None when the clause also
    gives the row's own cell, names the other row, or names more than one row (a comparison)."""
    for clause in _CLAUSE.split(sentence):
        for cells in grids:
            named = [row for row in cells if _names(clause, row[0])]
            if len(named) != 1:
                continue
            own = named[0]
            for col in range(1, len(own)):
                mine = own[col]
                for row in cells:
                    value = row[col] if col < len(row) else ""
                    if row is own or value.lower() in _PLAIN_CELLS or value.lower() == mine.lower() or \
                            len(value.split()) > 3 or not re.search(r"[A-Za-z]{3}", value) or re.search(r"\d", value):
                        continue
                    if _names(clause, value) and not (mine and _names(clause, mine)):
                        return value
    return None


_LOWEST = re.compile(r"\b(?:weakest|lowest|worst|smallest|least)\b", re.I)
_HIGHEST = re.compile(r"\b(?:strongest|highest|best|largest|greatest)\b", re.I)
_SUMMARY_KEY = re.compile(r"\b(?:ORI|overall|total|average|index|mean|group)\b", re.I)


def false_extreme(sentence: str, grids: list[list[list[str]]]) -> str | None:
    """The row a sentence calls the weakest (or strongest) when another row of the same table has a lower (higher)
    value in the column the sentence quotes: "the weakest area is Data, with a score of 1.8" when Measurement is 1.7.
    Summary rows (ORI, Overall, Group) are no candidates; None when the sentence names no such row."""
    lowest, highest = _LOWEST.search(sentence), _HIGHEST.search(sentence)
    if not lowest and not highest:
        return None
    said = {float(f.value) for f in extract(sentence, min_bare=0) if f.kind == "number"}
    for cells in grids:
        named = [row for row in cells if _names(sentence, row[0]) and not _SUMMARY_KEY.search(row[0])]
        if len(named) != 1:
            continue
        row = named[0]
        for col in range(1, len(row)):
            value = _cell_number(row[col])
            if value is None or value not in said:
                continue
            others = [v for r in cells if r is not row and not _SUMMARY_KEY.search(r[0]) and col < len(r)
                      and (v := _cell_number(r[col])) is not None]
            if (lowest and any(v < value for v in others)) or (highest and any(v > value for v in others)):
                return row[0]
    return None


def _cell_number(cell: str) -> float | None:
    text = cell.strip("* ")
    return float(text) if re.fullmatch(r"\d+(?:\.\d+)?", text) else None


_ITEM = re.compile(r"[,;|]\s*|:\s+")  # the items of a line listing figures with their conditions


# the sentence gives its figure as the usual case ("the normal deadline otherwise is 2 days"); a listed item that is
# the usual case says so ("15 days after awareness in general")
_ASKS_USUAL = re.compile(r"\b(?:normal(?:ly)?|otherwise|usual(?:ly)?|general(?:ly)?|standard|default|regular|typical(?:ly)?|"
                         r"other cases)\b", re.I)
_USUAL_ITEM = re.compile(r"\b(?:in general|generally|otherwise|by default|as a rule|normally|in all other cases)\b", re.I)


def cell_items(line: str, figure: Figure) -> list[str]:
    """The items of a table row's cells that give ``figure`` ("logs kept at least 6 months" of "...; AIRB approval
    for each version; logs kept at least 6 months; ..."); the whole row when such an item names nothing but the
    figure ("| DR-02 | History available at full resolution | At least 12 months |")."""
    out = []
    for cell in table_cells(line)[1:]:
        for item in _ITEM.split(cell):
            if FigurePool.of([item]).supports(figure):
                bare = not (content_terms(item) - content_terms(figure.raw or figure.value) - _BARE_WORDS)
                out.append(line if bare else item)
    return out or [line]


_BARE_WORDS = frozenset("least most at up to every each per within about max min maximum minimum".split())


def wrong_list_item(sentence: str, figure: Figure, text: str) -> bool:
    """A line of ``text`` lists figures of one unit, each with its condition ("15 days after awareness in general,
    2 days for ... a serious and irreversible disruption of critical infrastructure, 10 days where a person has
    died"): True when, on every line holding ``figure``, another item is the one the sentence is about (see
    :func:`item_named_instead`)."""
    return item_named_instead(sentence, figure, text) is not None


def item_named_instead(sentence: str, figure: Figure, text: str) -> str | None:
    """The listed item a sentence that took ``figure`` from another item is about, on every line holding the figure:
    an item with a figure of the same unit sharing two or more of the sentence's words while the figure's own item
    shares none ("a serious disruption to water supply ... within 10 days" took the death deadline), or the item
    marked as the usual case when the sentence gives its figure as the usual case and the figure's item is not it
    ("the normal deadline otherwise is 2 days": 2 days is for critical infrastructure, 15 days "in general").
    None when some line holds the figure in the item the sentence is about, or alone on a line sharing a word with
    the sentence."""
    if not figure.unit:
        return None  # a bare number has no unit to list by
    words = content_terms(sentence.replace(figure.raw, " ") if figure.raw else sentence)
    usual = _ASKS_USUAL.search(sentence.replace(figure.raw, " ") if figure.raw else sentence) is not None
    found = None
    for line in normalise_dashes(text).splitlines():
        items = [i.strip() for i in _ITEM.split(line) if i.strip()]
        holders = [i for i in items if FigurePool.of([i]).supports(figure)]
        if not holders:
            continue
        others = [i for i in items if i not in holders and any(
            f.kind == figure.kind and f.unit == figure.unit for f in extract(i))]
        if not others and not shared_terms(words, content_terms(line)):
            continue  # a line giving the figure alone, about nothing the sentence names ("within 2 working days")
        marked = [i for i in others if _USUAL_ITEM.search(i)]
        if usual and len(marked) == 1 and not any(_USUAL_ITEM.search(i) for i in holders):
            found = marked[0]
            continue
        if not others or max(len(shared_terms(words, content_terms(i))) for i in holders) > 0:
            return None
        best = max(others, key=lambda i: len(shared_terms(words, content_terms(i))))
        if len(shared_terms(words, content_terms(best))) < 2:
            return None
        found = best
    return found
