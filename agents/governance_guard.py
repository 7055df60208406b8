"""One tier per answer: the decided tier is stated first, deterministically, and any sentence of the model's
explanation that names another EU AI Act tier is withheld (while streaming, sentence by sentence)."""

from __future__ import annotations

import re
from collections.abc import Callable

# Phrases that assert a tier. "limited" and "high" alone are ordinary words; only tier phrases count.
TIER_PHRASES = {
    "prohibited": r"\bprohibited\b|\bunacceptable(?:[- ]risk)?\b|\bbanned\b|\bforbidden\b",
    "high": r"\bhigh[- ]risk\b|\bhigh (?:risk )?(?:tier|category|class\w*)\b",
    "limited": r"\blimited[- ]risk\b|\blimited (?:risk )?(?:tier|category|class\w*)\b|\btransparency[- ](?:risk|tier)\b|"
               r"\blimited \(art(?:icle|\.)? ?50",
    "minimal": r"\b(?:minimal|low|no)[- ]risk\b|\bminimal (?:risk )?(?:tier|category|class\w*)\b",
}
# "Tier: high", "classified as minimal", "falls in the limited category".
GENERIC = r"\b(?:tier|classif\w+|categor\w+|falls? (?:in|into|under))\b\W{0,3}(?:\w+\W+){0,4}?(prohibited|high|limited|minimal|low)\b"
ALIASES = {"low": "minimal"}
# A sentence that lets the use go ahead ("Yes, we can use it", "it is allowed"): false when the use is prohibited.
PERMITS = re.compile(r"\byes\b|\b(?:can|could|may) (?:be )?(?:use[ds]?|deploy\w*|proceed|go ahead|install\w*|run|adopt\w*)\b|"
                     r"\b(?:is|are|be|remains?) (?:\w+ )?(?:allowed|permitted|lawful|legal|acceptable|fine|ok(?:ay)?)\b|"
                     r"\bnot (?:prohibited|banned|forbidden)\b", re.I)
NEGATES = re.compile(r"\b(?:not|no|never|cannot|nor|neither|without|only|except|unless|exceptions?)\b|n't\b", re.I)
# What each prohibited practice of Art. 5(1) is called; a prohibited answer explains the one the rules decided.
PRACTICES = {
    "a": r"\bsubliminal|\bmanipulat\w*|\bdeceptive",
    "b": r"\bexploit\w* (?:\w+ )?vulnerabilit",
    "c": r"\bsocial scor",
    "d": r"\bpredict\w* (?:\w+ )?(?:crime|criminal|offen)",
    "e": r"\buntargeted scraping|\bscrap\w* (?:of )?facial",
    "f": r"\bemotion",
    "g": r"\bbiometric categori",
    "h": r"\breal[- ]time (?:remote )?biometric",
}
DECIDED_PRACTICE = re.compile(r"Art\. 5\(1\)\(([a-h])\)")
ANNEX_POINT = re.compile(r"(Annex III,? (?:area|point|no\.?|section) )\d\b", re.I)
_LIST_NUMBER = re.compile(r"\s*\d{1,2}[.)]")
SENTENCE_END = re.compile(r"(?<!\bArt\.)(?<!\bart\.)(?<!e\.g\.)(?<!i\.e\.)(?<!\bNo\.)(?<!\bvs\.)(?<=[.!?])[ \t]+|\n+")


def tiers_named(sentence: str) -> set[str]:
    """Every EU AI Act tier the sentence asserts."""
    low = sentence.lower()
    found = {tier for tier, pattern in TIER_PHRASES.items() if re.search(pattern, low)}
    found |= {ALIASES.get(m, m) for m in re.findall(GENERIC, low)}
    return found


def other_practice(sentence: str, practice: str | None) -> bool:
    """The sentence names another Art. 5 practice than the decided one, and not the decided one ("it uses
    subliminal techniques" in an answer on emotion recognition at work)."""
    if practice is None:
        return False
    low = sentence.lower()
    named = {p for p, pattern in PRACTICES.items() if re.search(pattern, low)}
    return bool(named) and practice not in named


def keep(sentence: str, tier: str, transparency: bool) -> bool:
    """A sentence stays when it names no tier other than the decided one. Art. 50 duties on top of a high or
    minimal tier may be described, but not as a second tier ("limited risk"). A prohibited use is never said to be
    allowed."""
    if tier == "prohibited" and permits(sentence):
        return False
    return not (tiers_named(sentence) - {tier})


def permits(sentence: str) -> bool:
    """The sentence says the use may go ahead ("Yes, we can use it"; "is not prohibited" counts, "cannot" does not)."""
    m = PERMITS.search(sentence)
    if m is None:
        return False
    if m.group().lower().startswith("not "):
        return True
    return not NEGATES.search(sentence)


def _plain(text: str) -> str:
    """Lower case, no citation markers, no Markdown emphasis, single spaces: for comparing text with the prompt."""
    return " ".join(re.sub(r"\[\d+\]|[*_`]", " ", text).lower().split())


class TierGuard:
    """Streams text through ``emit`` one complete sentence at a time, withholding sentences naming another tier."""

    def __init__(self, tier: str, transparency: bool, emit: Callable[[str], None], route: str = "",
                 prompt: str = "") -> None:
        self.tier, self.transparency, self._emit = tier, transparency, emit
        self._prompt = _plain(prompt)  # a sentence the model copies from its instructions is dropped
        # The deciding Annex III point: a model sentence citing another point for it is corrected.
        practice = DECIDED_PRACTICE.findall(route)
        self.practice = practice[0] if len(set(practice)) == 1 else None
        point = re.search(r"Annex III point (\d)", route)
        self.point = point.group(1) if point and len(set(re.findall(r"Annex III point (\d)", route))) == 1 else None
        self._buf = ""
        self._number = ""  # a list number waiting for its item
        self.shown: list[str] = []
        self.withheld: list[str] = []

    def feed(self, piece: str) -> None:
        self._buf += piece
        ends = list(SENTENCE_END.finditer(self._buf))
        if ends:
            last = ends[-1]
            done, self._buf = self._buf[:last.end()], self._buf[last.end():]
            self._release(done)

    def flush(self) -> None:
        done, self._buf = self._buf, ""
        self._release(done)

    def _release(self, text: str) -> None:
        out: list[str] = []
        pos = 0
        for m in [*SENTENCE_END.finditer(text), None]:
            sentence = text[pos:m.start()] if m else text[pos:]
            sep = m.group() if m else ""
            if _LIST_NUMBER.fullmatch(sentence) and "\n" not in sep and m is not None:
                self._number += sentence + sep  # "1. " goes with its item: shown with it, withheld with it
                pos = m.end()
                continue
            if m is None and not sentence.strip():
                break  # a list number last: it waits for its item in the next piece
            sentence, self._number = self._number + sentence, ""
            plain = _plain(sentence)
            if len(plain) >= 12 and plain in self._prompt:
                out.append("\n" if "\n" in sep else "")
            elif sentence.strip() and (not keep(sentence, self.tier, self.transparency) or
                                       other_practice(sentence, self.practice)):
                self.withheld.append(sentence.strip())
                out.append("\n" if "\n" in sep else "")
            else:
                if self.point:
                    sentence = ANNEX_POINT.sub(lambda m: m.group(1) + self.point, sentence)
                out.append(sentence + sep)
            pos = m.end() if m else len(text)
        chunk = "".join(out)
        if chunk:
            self.shown.append(chunk)
            self._emit(chunk)

    @property
    def text(self) -> str:
        return "".join(self.shown)


def sanitize(text: str, tier: str, transparency: bool, route: str = "") -> tuple[str, list[str]]:
    """The whole-text form of :class:`TierGuard`: (text without other-tier sentences, withheld sentences)."""
    out: list[str] = []
    guard = TierGuard(tier, transparency, out.append, route)
    guard.feed(text)
    guard.flush()
    return guard.text, guard.withheld
