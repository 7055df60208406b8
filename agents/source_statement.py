"""What the sources do say, when the model's figure was withheld.

"What is the minimum shadow-mode period before go-live?": the sources shown held "Shadow mode completed for at
least 4 weeks" (CL-002) and "new models run at least 4 weeks alongside the process" (PB-005), and a baseline
period of 12 weeks; the 1.5B model wrote "12 weeks", the claim check withheld it, and the user was told the
documents do not say. Instead of that abstention, the one sentence, step or table row of the shown sources that
states a figure in the withheld figure's unit and holds most of the question's distinctive words is quoted
verbatim and cited. Words weigh by how few sentences hold them ("shadow" names the subject, "period" does not),
and the quote must hold at least :data:`MIN_SHARE` of the weight of the question's words the sources hold at all.
When no sentence qualifies (an unanswerable price, a value for an unlisted asset), the abstention stands.
:func:`best_sentence` (the subject-weighted choice of one sentence) also picks the rule that forbids what a
permission question asks (:mod:`copilot.agents.prohibition`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from copilot.agents.answerability import FRAME_WORDS, content_terms
from copilot.agents.context_focus import split_units
from copilot.agents.figures import extract
from copilot.agents.jargon import expand_jargon
from copilot.agents.places import asked_places
from copilot.identifiers import asset_tag_candidates, identifiers
from copilot.types import Citation, WithheldClaim

MIN_SHARE = 0.6
CLOSEST_SHARE = 0.5  # shown beside an abstention, labelled as the closest sentence: a lower bar than a replacement


def figure_unit(figure: str) -> str | None:
    """The unit of a withheld figure as the figure extractor normalises it ("12 weeks" -> "wk", "15 minutes" ->
    "min"); None for a figure without one (a price, a date, a code, a bare number)."""
    found = [f.unit for f in extract(figure) if f.kind == "number" and f.unit]
    return found[0] if found else None


# words of a question that name nothing ("could we let a model run one of our ... if HSE signs it off")
_FILLER = frozenset("one under off own let sign signs signed just also still ok okay our their way thing things go "
                    "going want wants".split())
_CODE_ROW = re.compile(r"^\|\s*([A-Z][A-Z0-9-]{0,5})\s*\|\s*([^|]+)\|", re.M)


def _defined_codes(c: Citation) -> dict[str, str]:
    """Short codes a table of the source defines by name in its first two cells ("| H3 | Supervised autonomy |")."""
    return {m.group(1): m.group(2).strip() for m in _CODE_ROW.finditer(c.text) if any(ch.isdigit() for ch in m.group(1))}


def _uses(unit: str, code: str) -> bool:
    """The unit names the code, other than as its own first cell."""
    return bool(re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", re.sub(r"^\|[^|]*\|", "", unit.strip())))


def _for_assets(text: str, c: Citation, tags: list[str]) -> bool:
    """The sentence is about the asked assets: it names them all, or it names no asset and its passage names them
    all ("3.2 Wait 15 minutes after opening the breaker" under "3.1 ... For P-101 ..."); a sentence naming another
    asset ("- GB-401: ... 370 N·m" asked for FN-601) is not."""
    own = asset_tag_candidates(text)
    if own:
        return all(t.lower() in text.lower() for t in tags)
    return all(t.lower() in c.text.lower() for t in tags)


def _states(text: str, units: list[str]) -> bool:
    """The sentence states a number in one of ``units``."""
    return any(f.kind == "number" and f.unit in units for f in extract(text))


def _quoted(unit_text: str) -> str:
    text = unit_text.strip()
    if text.startswith("|"):  # a table row: its cells, without the pipes
        text = " | ".join(cell.strip() for cell in text.strip("|").split("|") if cell.strip())
    return re.sub(r"^[-*]\s+|^\d+\.\s+", "", text)


def best_sentence(sources: list[Citation], question: str, keep: Callable[[str], bool],
                  min_share: float = MIN_SHARE) -> tuple[str, Citation] | None:
    """(the quoted sentence, step or table row, its source) of ``sources`` that ``keep`` accepts and that holds
    most of the question's distinctive words, at least :data:`MIN_SHARE` of their weight; None when none does."""
    tags = identifiers(question)
    found = [(c, u) for c in sources for u in split_units(c.text)]
    defined = {id(c): _defined_codes(c) for c in sources}
    # a sentence is about what its document and section are about too ("PR-05 | Shadow mode completed for at
    # least 4 weeks" of the go-live checklist), and about what the codes it uses stand for ("H3 is not permitted
    # on ..." where the table above defines "| H3 | Supervised autonomy | ...")
    held = [content_terms(" ".join([c.title, c.section or "", u, *(meaning for code, meaning in defined[id(c)].items()
                                                                  if _uses(u, code))])) for c, u in found]
    asked = content_terms(question) - FRAME_WORDS - _FILLER

    def weight(term: str) -> float:
        n = sum(term in h for h in held)  # a word in no sentence cannot be quoted: it does not count
        return math.log((1 + len(held)) / n) if n else 0.0

    total = sum(weight(t) for t in asked)
    if total <= 0:
        return None
    best: tuple[float, int, str, Citation] | None = None
    for (c, text), terms in zip(found, held, strict=True):
        if not keep(text) or (tags and not _for_assets(text, c, tags)):
            continue  # a figure for another asset is not this asset's
        share = sum(weight(t) for t in asked & terms) / total
        if share >= min_share and asked & content_terms(text) and (best is None or (share, -c.marker) > best[:2]):
            best = (share, -c.marker, text, c)
    return None if best is None else (_quoted(best[2]), best[3])


def source_statement(withheld: list[WithheldClaim], sources: list[Citation],
                     question: str) -> tuple[str, Citation] | None:
    """(the quoted sentence, its source) stating a figure in the unit of a withheld figure and most of the
    question's distinctive words (see the module docstring); None when no sentence does."""
    units = list(dict.fromkeys(u for claim in withheld for f in claim.figures if (u := figure_unit(f))))
    if not units or not sources:
        return None
    # "what percentage of Halden Works staff have completed Tier 1 so far": a requirement for every site is no
    # figure for that site; only passages naming an asked place may stand in for it
    places = asked_places(question, [c.text for c in sources])
    about = [c for c in sources if not places or any(p.lower() in f"{c.title} {c.section} {c.text}".lower()
                                                     for p in places)]
    return best_sentence(about, question, lambda text: _states(text, units))


def closest_statement(sources: list[Citation], question: str) -> str:
    """For an abstention: the one sentence, step or row of the sources holding most of the question's distinctive
    words (in the documents' words for its slang: "nice-to-have items" are advisory items), quoted as what the
    documents come closest to saying; "" when none holds enough of them."""
    found = best_sentence(sources, expand_jargon(question), lambda _text: True, min_share=CLOSEST_SHARE)
    if found is None:
        return ""
    quote, source = found
    return f" The closest they come ({source.title or source.doc_id}): \"{quote}\" [{source.marker}]"
