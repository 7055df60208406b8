"""Is a tag a real asset? Checked against the asset register spreadsheet in the index."""

from __future__ import annotations

import re
from typing import Any

REGISTER = re.compile(r"asset[_ -]?register|asset[_ -]?list|equipment[_ -]?register", re.I)


def known_asset(retriever: Any, tag: str) -> bool | None:
    """True/False when an asset register is indexed (it has a row whose asset tag is ``tag``), None without one."""
    if retriever is None:
        return None
    try:
        docs = retriever.documents()
    except Exception:  # noqa: BLE001 - an unreadable index cannot validate, it must not break the answer
        return None
    if not any(REGISTER.search(f"{d.get('doc_id', '')} {d.get('title', '')}") for d in docs):
        return None
    for hit in retriever.search(tag, k=10):
        chunk = hit.chunk
        if chunk.row is None or not REGISTER.search(f"{chunk.doc_id} {chunk.title}"):
            continue
        if re.search(rf"^\s*(?:asset[_ ]?tag|tag)\s*:\s*{re.escape(tag)}\s*$", chunk.text, re.I | re.M):
            return True
    return False


# A part named by its parent's tag: "the motor on P-101", "P-101's drive", "gearbox of CV-401".
COMPONENT_WORD = re.compile(r"\b(motor|drive(?![- ]?(?:end|side)\b)|vfd|inverter|gear ?box|gear reducer|fan|blower|coupling)s?\b", re.I)  # "drive end": a bearing position
_SYNONYMS = {"inverter": "vfd", "gear reducer": "gearbox", "gear box": "gearbox", "blower": "fan"}
# how a resolved part is written into the search query, and read back by the agents (one home for the format)
_NOTE = re.compile(r"\((?:[a-z]+ )+of ([A-Z]{1,5}-\d{1,5}[A-Z]?) is ([A-Z]{1,5}-\d{1,5}[A-Z]?)\)")


def _kind(text: str) -> str:
    word = re.sub(r"\s+", " ", text.lower()).rstrip("s")
    return _SYNONYMS.get(word, word)


def _register_rows(retriever: Any, query: str, k: int = 10, filters: dict | None = None) -> list[tuple[str, str, str]]:
    """(tag, description, type) of the asset-register rows the search returns for ``query``."""
    return [(tag, desc, typ) for tag, desc, typ, _power in _register_records(retriever, query, k, filters)]


def _register_records(retriever: Any, query: str, k: int = 10,
                      filters: dict | None = None) -> list[tuple[str, str, str, float | None]]:
    """(tag, description, type, rated power in kW or None) of the asset-register rows the search returns."""
    out = []
    for hit in retriever.search(query, k=k, filters=filters):
        chunk = hit.chunk
        if chunk.row is None or not REGISTER.search(f"{chunk.doc_id} {chunk.title}"):
            continue
        fields = dict(re.findall(r"^\s*([\w ]+?)\s*:\s*(.*?)\s*$", chunk.text, re.M))
        tag = fields.get("asset_tag") or fields.get("tag") or ""
        power = re.match(r"\d+(?:\.\d+)?", fields.get("rated_power_kw") or fields.get("power_kw") or "")
        if tag:
            out.append((tag, fields.get("description", ""), fields.get("equipment_type") or fields.get("type") or "",
                        float(power.group(0)) if power else None))
    return out


def component_tags(retriever: Any, question: str, parents: list[str]) -> list[tuple[str, str, str]]:
    """(kind, parent, part) for each part the question names by its parent's tag and the register lists as
    "<Kind> for <parent>" (or one level further: the drive of M-101, the motor of P-101): "grease the motor
    bearings on P-101" -> ("motor", "P-101", "M-101"). Empty without a register or a component word."""
    kinds = [_kind(w) for w in COMPONENT_WORD.findall(question)]
    if retriever is None or not kinds or not parents:
        return []
    found: list[tuple[str, str, str]] = []
    for parent in parents:
        frontier = [parent]
        for _level in range(2):  # the part itself, or the part of the part (P-101 -> M-101 -> VFD-101)
            children = []
            for tag in frontier:
                for kind in kinds:
                    try:
                        rows = _register_rows(retriever, f"{kind} for {tag}")
                    except Exception:  # noqa: BLE001 - resolving a part is a help, never a failure
                        return found
                    for child, desc, typ in rows:
                        head = desc.split(",")[0].lower()
                        if not re.search(rf"\bfor {re.escape(tag)}\b", desc) or child == parent:
                            continue
                        children.append(child)
                        if (kind in _kind(typ) or kind in head or (kind == "drive" and "drive" in head)) and \
                                not any(f[2] == child for f in found):
                            found.append((kind, parent, child))
            frontier = [c for c in dict.fromkeys(children) if not any(f[2] == c for f in found)]
            if any(f[1] == parent for f in found) or not frontier:
                break
    return found


def annotate_components(query: str, parts: list[tuple[str, str, str]]) -> str:
    """The search query with each resolved part written next to it: "... (motor of P-101 is M-101)"."""
    notes = " ".join(f"({kind} of {parent} is {part})" for kind, parent, part in parts if part not in query)
    return f"{query} {notes}" if notes else query


def annotated_parts(query: str) -> list[str]:
    """The part tags :func:`annotate_components` wrote into a query."""
    return [m.group(2) for m in _NOTE.finditer(query)]


def part_parents(query: str) -> list[str]:
    """The tags whose parts :func:`annotate_components` named ("(motor of CV-402 is M-402)" -> CV-402)."""
    return [m.group(1) for m in _NOTE.finditer(query)]


def strip_part_notes(query: str) -> str:
    """The query without the notes :func:`annotate_components` added."""
    return _NOTE.sub(" ", query).strip()


# Equipment named by what it is, not by its tag: "the caustic pump", "the baler press and its power pack".
EQUIPMENT_WORD = re.compile(r"\b((?:[a-z0-9]+[ -]){0,3}?)(pump|compressor|dryer|receiver|conveyor|gear ?box|press|"
                            r"power (?:unit|pack)|hpu|crane|fan|transformer|generator|agitator|tank|motor)s?\b"
                            r"(?:\s+(?P<unit>(?-i:[A-D])|[1-9])\b(?!['’-]))?", re.I)  # "raw water pump A": its letter
_EQUIPMENT_SYNONYMS = {"power pack": "power unit", "hpu": "power unit", "gear box": "gearbox"}
_NOT_QUALIFIERS = frozenset("a an the our my your this that its their his her on for of to at in and or with from "
                            "new old same other spare whole main".split())


def _words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]{3,}", text.lower())}


_LARGER = re.compile(r"\b(?:big|bigger|biggest|large|larger|largest|main|duty)\b", re.I)
_SMALLER = re.compile(r"\b(?:small|smaller|smallest|little|standby|backup|spare)\b", re.I)


def _by_size(words: str, fits: list[tuple[str, str]], power: dict[str, float | None]) -> list[tuple[str, str]]:
    """The one of ``fits`` a size word picks ("big", "main" or "duty": the largest rated power; "small" or
    "standby": the smallest), else ``fits`` unchanged (no size word, or a rating missing or tied)."""
    larger, smaller = bool(_LARGER.search(words)), bool(_SMALLER.search(words))
    ratings = [power.get(tag) for tag, _desc in fits]
    if larger == smaller or any(r is None for r in ratings) or len(set(ratings)) < len(ratings):
        return fits
    pick = max if larger else min
    return [pick(fits, key=lambda f: power[f[0]] or 0.0)]


def named_equipment(retriever: Any, question: str) -> list[tuple[str, str]]:
    """(words, tag) for each piece of equipment the question names by what it is, which one asset-register row
    is: "the caustic pump" -> P-201 (the one pump described as caustic), "the baler press" -> HP-501 (the one
    press). A noun right after another ("caustic pump motor") is the first one's part, left to
    :func:`component_tags`. Empty without a register, or when the words fit several rows equally (the two air
    compressors)."""
    mentions = list(EQUIPMENT_WORD.finditer(question))
    if retriever is None or not mentions:
        return []
    try:
        registers = [d["doc_id"] for d in retriever.documents()
                     if REGISTER.search(f"{d.get('doc_id', '')} {d.get('title', '')}")]
        rows = _register_records(retriever, question, k=500, filters={"doc_id": registers}) if registers else []
    except Exception:  # noqa: BLE001 - resolving a name is a help, never a failure
        return []
    found: list[tuple[str, str]] = []
    previous_end = -10
    for m in mentions:
        follows_noun = not question[previous_end:m.start()].strip() and not m.group(1).strip()
        previous_end = m.end()
        if follows_noun:
            continue  # "pump motor": the pump's motor
        noun = _EQUIPMENT_SYNONYMS.get(m.group(2).lower(), m.group(2).lower())
        named = re.compile(rf"\b{noun}s?\b", re.I)  # a press, not a compressor
        kind = [(tag, desc) for tag, desc, typ, _power in rows
                if named.search(desc.split(",")[0]) or named.search(typ.replace("_", " "))]
        words = [w for w in re.split(r"[ -]", m.group(1).lower()) if w and w not in _NOT_QUALIFIERS]
        qualifiers = _words(" ".join(words))
        scored = [(len(qualifiers & _words(desc)), tag, desc) for tag, desc in kind]
        best = max((n for n, _tag, _desc in scored), default=0)
        fits = [(tag, desc) for n, tag, desc in scored if n == best]
        if len(fits) > 1 and m["unit"]:  # "raw water pump A": "Raw water transfer pump A (duty)"
            lettered = re.compile(rf"\b{noun}\s+{m['unit']}\b", re.I)
            fits = [(tag, desc) for tag, desc in fits if lettered.search(desc.split(",")[0])] or fits
        if len(fits) > 1:  # "the big air compressor": of the two, the duty one with the larger motor
            fits = _by_size(m.group(1), fits, {tag: power for tag, _d, _t, power in rows})
        if len(fits) == 1 and (best or not qualifiers or len(kind) == 1):
            tag, desc = fits[0]
            said = [w for w in words if _words(w) & _words(desc)]  # "caustic pump", not "pressure does press"
            found.append((" ".join([*said, m.group(2).lower()]), tag))
    return list(dict.fromkeys(found))


def annotate_named(query: str, named: list[tuple[str, str]]) -> str:
    """The search query with each resolved name written next to it: "... (the caustic pump is P-201)"."""
    notes = " ".join(f"(the {words} is {tag})" for words, tag in named if tag not in query)
    return f"{query} {notes}" if notes else query


_NAMED_NOTE = re.compile(r"\(the [a-z -]+ is ([A-Z]{1,5}-\d{1,5}[A-Z]?)\)")


def named_tags(query: str) -> list[str]:
    """The tags :func:`annotate_named` wrote into a query."""
    return [m.group(1) for m in _NAMED_NOTE.finditer(query)]


def strip_named_notes(query: str) -> str:
    """The query without the notes :func:`annotate_named` added."""
    return _NAMED_NOTE.sub(" ", query).strip()
