"""Has this happened before? The work-order records that describe the same trouble, and the spare it took.

"press ram is creeping down when parked at the top ... has that happened before + what fixed it? do we have the
part in stores" names no tag, so no record is found by key. The records shown with the answer that share the most
words with the description (at least two: "ram", "down", "top" of "Ram drifting down 15 mm in 10 min when stopped
at top") are quoted verbatim, and when the question asks about stores, the spare-parts row for that record's asset
whose description shares the most words with the record's cause and action (the pilot-operated check valve
cartridge of "Replaced POCV cartridge") is added and quoted too. The model then answers the rest of the question.
"""

from __future__ import annotations

import re
from typing import Any

from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.lookup import Row, is_event_record, sheet_fields
from copilot.agents.shapes import ASKS_PAST, split_asks
from copilot.identifiers import normalise_dashes
from copilot.types import Citation

# "do we have the part in stores", "is there a spare", "in stock"
ASKS_STOCK = re.compile(r"\b(?:in stores?|in stock|spares?|stock(?:ed)?|on the shelf|do we (?:have|hold|keep) "
                        r"(?:the |a |one |any )?(?:part|replacement|kit)|how many (?:\w+ ){0,3}?(?:do|does) (?:we|the stores?) "
                        r"(?:keep|have|hold|carry)|lead ?times?|how long (?:\w+ ){0,4}?(?:to|till|until|before (?:we|i)) "
                        r"(?:get|order|source|receive|have) (?:a |the )?(?:new|replacement|another|spare|one)\b)\b", re.I)
# "whats the stores number for a new seal", "part number of the filter", or whether it is in stock
ASKS_PART = re.compile(ASKS_STOCK.pattern + r"|\b(?:stores|stock|part|order|catalogue) (?:number|no\b|code)", re.I)
# "what fixed it", "what did we do last time", "how was it sorted": the record's action answers it
ASKS_FIX = re.compile(r"\bwhat (?:fixed|cured|sorted|solved) it\b|\bwhat (?:did (?:we|they) do|was done)\b|"
                      r"\bhow (?:was|did (?:we|they)) (?:it )?(?:fix|sort|solve|cure)\w*", re.I)
MIN_SHARED = 2
_STOCK_WORDS = frozenset("shelf shelves stores store stock stocked spare spares have hold keep order ordered "
                         "number part parts replacement new what whats got need get".split())
_STORES_FIELD = re.compile(r"stores|stock|bin|location|on[_ ]hand|qty", re.I)
_RECORD_WORDS = ("problem", "cause", "action", "description", "symptom", "finding")


def records_answer(question: str) -> bool:
    """Every part of the question is answered by the quoted records and spare: whether it happened before, what
    fixed it, whether the part is in stores (a part asking anything else, such as what to check, needs the model)."""
    return all(ASKS_PAST.search(part) or ASKS_FIX.search(part) or ASKS_STOCK.search(part)
               for part in split_asks(question, yes_no=True))


def sheet_row(c: Citation) -> Row | None:
    """A spreadsheet source as a row keyed by its first cell."""
    pairs = sheet_fields(c.text)
    return Row(pairs[0][1], pairs, c.text, c.marker) if pairs else None


def _described(row: Row) -> str:
    """What a record says happened and was done (its text columns), not its ids, dates or names."""
    return " ".join(v for col, v in row.cells if any(w in col.lower() for w in _RECORD_WORDS)) or row.text


def similar_records(sources: list[Citation], question: str, limit: int = 2) -> list[Row]:
    """The event records among ``sources`` sharing the most content words (>= 2) with ``question``, best first."""
    asked = content_terms(question)
    scored: list[tuple[int, Row]] = []
    for c in sources:
        row = sheet_row(c) if is_event_record(c) else None
        if row is not None:
            shared = len(shared_terms(asked, content_terms(_described(row))))
            if shared >= MIN_SHARED:
                scored.append((shared, row))
    scored.sort(key=lambda sr: -sr[0])
    return [r for n, r in scored if n == scored[0][0]][:limit] if scored else []


def spare_for(retriever: Any, record: Row, sources: list[Citation]) -> Citation | None:
    """The spare-parts row for ``record``'s asset whose text shares the most words (>= 2) with what the record
    says was wrong and done: the shown source when it is one, else a new numbered source; None without one."""
    asset = record.value("asset_tag") or record.value("asset") or record.value("tag")
    done = f"{record.value('cause')} {record.value('action')}".strip() or _described(record)
    return spare_row(retriever, asset, done, sources)


def spare_row(retriever: Any, asset: str | None, wanted: str, sources: list[Citation]) -> Citation | None:
    """The spare-parts row (a row with a stores field) naming ``asset`` that shares the most words (>= 2) with
    ``wanted`` ("new mechanical seal"): the shown source when it is one, else a new numbered source."""
    if retriever is None:
        return None
    try:
        hits = retriever.search(f"spare part {wanted} {asset or ''}".strip(), k=8)
    except Exception:  # noqa: BLE001 - the answer goes on without it
        return None
    # "do we have an element on the shelf": "element" names the part, "shelf" only asks whether it is stocked
    subject = content_terms(wanted) - _STOCK_WORDS
    best, most = None, max(0, min(MIN_SHARED, len(subject)) - 1)
    for h in hits:
        chunk = h.chunk
        fields = [col for col, _v in sheet_fields(chunk.text)]
        if chunk.row is None or not any(_STORES_FIELD.search(f) for f in fields) or is_event_record(
                Citation.from_chunk(0, chunk)):
            continue
        if asset and not re.search(rf"(?<![\w-]){re.escape(asset)}(?![\w-])", normalise_dashes(chunk.text)):
            continue
        shared = len(shared_terms(subject, content_terms(chunk.text)))
        if shared > most:
            best, most = chunk, shared
    if best is None:
        return None
    shown = next((c for c in sources if c.chunk_id == best.id), None)
    return shown or Citation.from_chunk(max((c.marker for c in sources), default=0) + 1, best)
