"""CSV dialect detection shared by the search loader and the table store (comma, semicolon, tab, pipe).

``csv.Sniffer`` guesses from a sample; the guess is kept only when it splits the first lines into
the same number (> 1) of columns, otherwise the delimiter that does so best wins, then comma.
"""

from __future__ import annotations

import csv
import io
from typing import Any

DELIMITERS = ",;\t|"


def _widths(sample: str, delimiter: str) -> list[int]:
    try:
        rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    except csv.Error:
        return []
    rows = [r for r in rows[:-1] if any(c.strip() for c in r)][:20]  # last line of a sample may be cut
    return [len(r) for r in rows]


def _consistent(widths: list[int]) -> bool:
    return bool(widths) and widths[0] > 1 and all(w == widths[0] for w in widths)


def sniff_dialect(text: str) -> Any:
    """The csv dialect of ``text`` (a csv.Dialect subclass or csv.excel)."""
    sample = text[:20000]
    if "\n" not in sample.rstrip("\n"):
        sample += "\n"
    try:
        guess: Any = csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
        if _consistent(_widths(sample + "\n", guess.delimiter)):
            return guess
    except csv.Error:
        pass
    best, best_width = ",", 1
    for delim in DELIMITERS:
        widths = _widths(sample + "\n", delim)
        if _consistent(widths) and widths[0] > best_width:
            best, best_width = delim, widths[0]
    if best == ",":
        return csv.excel
    return type("Sniffed", (csv.excel,), {"delimiter": best})
