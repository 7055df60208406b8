"""Two or more named sites (or teams, lines, plants) compared: their own columns and rows, quoted.

"How does Riverside compare with Halden Works on AI readiness, and where is each of them on the roadmap?" The
1.5B model answered "Riverside has a higher readiness level than Halden Works" (PB-002: ORI 2.2 against 2.7).
A comparison is read, not written: every shown table that has a column for at least two of the names the
question uses gets those columns quoted (with its first column, the row names), and every table with a row for
at least two of them gets those rows quoted, each cited. No model writes the comparison, so no figure or
"higher" can be wrong. A question that compares nothing, or names fewer than two of a table's columns or rows,
is answered as before.
"""

from __future__ import annotations

import re

from copilot.agents.lookup import markdown_table, markdown_tables
from copilot.types import Citation

COMPARES = re.compile(r"\bcompar\w*|\bvs\.?(?!\w)|\bversus\b|\bdifference between\b|\b(?:which|who) is (?:further|ahead|"
                      r"behind|better|worse)\b|\beach of (?:them|the)\b", re.I)


def _plain(cell: str) -> str:
    return re.sub(r"[*_`]", "", cell).strip()


def _named(cell: str, question: str) -> bool:
    """A cell that is a name (capitalised, not a number) the question uses as written."""
    name = _plain(cell)
    return len(name) > 2 and name[:1].isupper() and not re.search(r"\d", name) and \
        re.search(rf"(?<!\w){re.escape(name)}(?!\w)", question) is not None


ASKS_LOWEST = re.compile(r"\b(?:weakest|lowest|worst)\b", re.I)
ASKS_HIGHEST = re.compile(r"\b(?:strongest|highest|best)\b", re.I)
# a row that sums up the others is no candidate for the weakest ("ORI", "Overall", "Total", "Group average")
_SUMMARY_ROW = re.compile(r"\*\*|\b(?:ORI|overall|total|average|index|mean)\b", re.I)


def _extremes(name: str, rows: list[list[str]], col: int, question: str) -> str | None:
    """"Lowest for Riverside: Measurement (1.7)" when the question asks for the weakest (or strongest) row of a named
    column, read from its numeric cells (summary rows left out, ties all named); None when it asks neither."""
    values = [(_plain(r[0]), float(v)) for r in rows if not _SUMMARY_ROW.search(r[0])
              and re.fullmatch(r"\d+(?:\.\d+)?", v := _plain(r[col]))]
    said = []
    for asks, word, pick in ((ASKS_LOWEST, "Lowest", min), (ASKS_HIGHEST, "Highest", max)):
        if asks.search(question) and len(values) >= 2:
            best = pick(v for _k, v in values)
            tied = ", ".join(f"{k} ({v:g})" for k, v in values if v == best)
            said.append(f"{word} for {_plain(name)}: {tied}.")
    return " ".join(said) or None


# "summarise where Riverside stands": one named site's own columns and rows, read the same way; "which dimension is
# weakest at Marlow Bay": its column, with the lowest row named
SUMMARISES = re.compile(r"\bsummar\w*|\bwhere (?:does|do|is|are) (?:\w+ ){1,2}stand\b|\bwhere \w+ stands\b|"
                        r"\b(?:status|overview|snapshot) of\b", re.I)


def compared(sources: list[Citation], question: str) -> str | None:
    """The columns and rows of the shown tables for the names the question compares, or for the one name whose
    standing it asks summarised (see the module docstring); None when it does neither or no table has the names."""
    ranks = bool(ASKS_LOWEST.search(question) or ASKS_HIGHEST.search(question))
    need = 2 if COMPARES.search(question) else 1 if SUMMARISES.search(question) or ranks else 0
    only_ranked = need == 1 and not SUMMARISES.search(question)  # "which one is weakest at Marlow Bay": its column
    if not need:
        return None
    blocks: list[str] = []
    for c in sources:
        for header, rows in markdown_tables(c.text):
            columns = [i for i, h in enumerate(header) if i > 0 and _named(h, question)]
            named_rows = [r for r in rows if r and len(r) == len(header) and _named(r[0], question)]
            if len(columns) >= need:
                keep = [0, *columns]
                lines = [markdown_table([header[i] for i in keep], [[r[i] for i in keep] for r in rows
                                                                     if len(r) == len(header)])]
                ranked = [f"\n{line}" for i in columns if (line := _extremes(header[i], [r for r in rows if len(r) ==
                                                                                            len(header)], i, question))]
                if only_ranked and not ranked:
                    continue
                lines += ranked
            elif len(named_rows) >= need and not only_ranked:
                lines = [markdown_table(header, named_rows)]
            else:
                continue
            title = " - ".join(filter(None, [c.title, c.section]))
            blocks.append(f"**{title}** [{c.marker}]\n\n" + "\n".join(lines))
    return "In the documents' own figures:\n\n" + "\n\n".join(dict.fromkeys(blocks)) if blocks else None
