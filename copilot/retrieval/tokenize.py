"""Tokenising for BM25 (codes like E-204 and P-101 survive as one token) and code/tag extraction."""

from __future__ import annotations

import re

from copilot.identifiers import CODE_TOKEN_PATTERN

_WORD = re.compile(r"[a-z0-9]+(?:[-_./][a-z0-9]+)*")
# Codes and asset tags as one token (the rule lives in copilot.identifiers).
CODE_PATTERN = CODE_TOKEN_PATTERN
_CODE_DOC = re.compile(CODE_PATTERN)
_CODE_QUERY = re.compile(CODE_PATTERN, re.IGNORECASE)

STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does for from had has have how i if in
    into is it its may me might must my no not of on or our shall should so such than that the their them
    then there these they this those to was we were what when where which while who whom why will with
    would you your""".split()
)


def stem(word: str) -> str:
    """A light English suffix stripper (plurals, -ing, -ed), enough to match 'leaks' with 'leak'."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    return word


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens without stopwords; compound tokens (e-204) are kept and also split."""
    out: list[str] = []
    for tok in _WORD.findall(text.lower()):
        if any(sep in tok for sep in "-_./"):
            out.append(tok)
            out.extend(stem(p) for p in re.split(r"[-_./]", tok) if p and p not in STOPWORDS)
        elif tok not in STOPWORDS:
            out.append(stem(tok))
    return out


def norm_code(code: str) -> str:
    return code.upper().replace("-", "")


def codes_in_text(text: str) -> set[str]:
    """Normalised codes appearing in indexed text (case-sensitive upper-case letters)."""
    return {norm_code(m) for m in _CODE_DOC.findall(text)}


def codes_in_query(query: str) -> list[str]:
    """Normalised codes in a user query (case-insensitive, so 'e-204' finds 'E-204')."""
    seen: list[str] = []
    for m in _CODE_QUERY.findall(query):
        code = norm_code(m)
        if any(ch.isdigit() for ch in code) and any(ch.isalpha() for ch in code) and code not in seen:
            seen.append(code)
    return seen
