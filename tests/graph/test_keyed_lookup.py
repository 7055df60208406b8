"""A named code's own row reaches the sources even when the question's words find other passages first."""

from __future__ import annotations

from copilot.graph.retrieve import keyed_hits
from copilot.types import Chunk, Hit

TABLE = """| Code | Description | First response |
|---|---|---|
| E-204 | High vibration | Change over to P-102 |
| E-205 | Mechanical seal leak detected | Check the leak rate |"""
GUIDE = "E-205 seal leak P-101; E-206 bearing temperature P-101"
HISTORY = "wo_number: WO-2023-0348\nasset_tag: P-101\nproblem: Seal spraying water; E-205 then E-203"


def _hit(cid: str, text: str, row: int | None = None) -> Hit:
    return Hit(chunk=Chunk(id=cid, doc_id=cid.split("#")[0], title=cid, text=text, row=row), score=1.0)


class LexicalIndex:
    """Returns every chunk containing the query string, in a fixed order; records the calls."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits, self.calls = hits, []

    def search(self, query, *, k=None, mode=None, filters=None):
        self.calls.append((query, mode, filters))
        return [h for h in self.hits if query in h.chunk.text][:k]


def test_the_codes_own_row_is_looked_up_when_the_search_found_only_mentions():
    guide, history, table = _hit("TG#1", GUIDE), _hit("WO#7", HISTORY, row=7), _hit("FC#2", TABLE)
    index = LexicalIndex([guide, history, table])
    found = keyed_hits(index, "E-205 came up on the pump panel, what does it mean?", [guide, history], None)
    assert [h.chunk.id for h in found] == ["FC#2"]
    assert index.calls == [("E-205", "bm25", None)]


def test_no_lookup_when_the_row_is_already_found_or_nothing_is_keyed():
    table, guide = _hit("FC#2", TABLE), _hit("TG#1", GUIDE)
    index = LexicalIndex([guide, table])
    assert keyed_hits(index, "what does E-205 mean", [table], None) == []
    assert index.calls == []
    assert keyed_hits(index, "what does E-206 mean", [guide], {"doc_type": "fault_codes"}) == []
    assert [c[2] for c in index.calls] == [{"doc_type": "fault_codes"}]  # within the agent's filters only


def test_an_asset_tag_is_not_forced_in_it_has_many_rows():
    register = _hit("asset_register#3", "asset_tag: P-101\ndescription: Raw water pump", row=3)
    index = LexicalIndex([register])
    assert keyed_hits(index, "P-101 keeps tripping on high discharge pressure", [], None) == []
    assert index.calls == []


class WordIndex(LexicalIndex):
    """Returns the chunks sharing a word with the query, most shared words first (a toy BM25)."""

    def search(self, query, *, k=None, mode=None, filters=None):
        self.calls.append((query, mode, filters))
        words = set(query.lower().split())
        scored = [(len(words & set(h.chunk.text.lower().replace("\n", " ").split())), h) for h in self.hits]
        return [h for n, h in sorted(scored, key=lambda x: -x[0]) if n][:k]


def test_a_part_named_by_its_parent_gets_its_own_rows_first_even_when_already_ranked():
    pump = _hit("lubrication#1", "asset_tag: P-101\ncomponent: Pump bearing frame\nlubricant: oil", row=1)
    de = _hit("lubrication#3", "asset_tag: M-101\ncomponent: Motor DE bearings\nlubricant: grease", row=3)
    register = _hit("asset_register#3", "asset_tag: M-101\ndescription: Motor for P-101", row=3)
    index = WordIndex([pump, register, de])
    query = "grease for the motor bearings on P-101 (motor of P-101 is M-101)"
    found = keyed_hits(index, query, [pump, register, de], None)
    assert [h.chunk.id for h in found] == ["lubrication#3", "asset_register#3"]
    assert index.calls == [("M-101 grease for the motor bearings on", "bm25", None)]  # the parent's tag left out


def test_a_parts_rows_of_the_best_matching_table_come_before_other_tables():
    """"greasing the motor on raw water pump A - how many grams DE and NDE": both of M-101's lubrication rows, not
    one of them and the register row."""
    de = _hit("lubrication#3", "asset_tag: M-101\ncomponent: Motor DE bearing\nlubricant: grease\nquantity: 26 g", row=3)
    nde = _hit("lubrication#4", "asset_tag: M-101\ncomponent: Motor NDE bearing\nlubricant: grease", row=4)
    register = _hit("asset_register#3", "asset_tag: M-101\ndescription: Motor for P-101, bearing RTDs", row=3)
    wo = _hit("history#9", "asset_tag: M-101\nproblem: Motor DE bearing noisy", row=9)
    index = WordIndex([de, register, wo, nde])
    found = keyed_hits(index, "how many grams of grease DE and NDE bearing (motor of P-101 is M-101)", [], None)
    assert [h.chunk.id for h in found][:2] == ["lubrication#3", "lubrication#4"]


def test_a_parts_rows_are_searched_with_the_users_words_not_the_notes_naming_its_parent():
    """"grease for the motor on raw water pump A": the note "(the raw water pump is P-101)" repeats the parent's
    name; searched with it, the register rows naming the pump outrank the motor's lubrication rows."""
    de = _hit("lubrication#3", "asset_tag: M-101\ncomponent: Motor DE bearing\nlubricant: grease", row=3)
    index = WordIndex([de])
    keyed_hits(index, "grease for the motor on raw water pump A (the raw water pump is P-101) (motor of P-101 is M-101)",
               [], None)
    assert index.calls == [("M-101 grease for the motor on raw water pump A", "bm25", None)]


def test_a_site_the_question_names_brings_a_passage_naming_it():
    """"I run Riverside. Where do we stand on AI readiness": the search found the scoring rules, none naming the
    site; the baseline table with a Riverside column is looked up lexically and put second."""
    from copilot.graph.retrieve import known_places, place_hit

    rules = _hit("PB-002#4", "Scale-out eligibility: ORI of at least 3.0")
    baseline = _hit("PB-002#5", "| Dimension | Halden Works | Riverside |\n| Data | 2.5 | 1.8 |")
    guide = _hit("TG-PUMP#1", "Raw water transfer pumps at Riverside: P-101 (duty), P-102 (standby).")

    class Index(WordIndex):
        generation = "g1"

        def texts(self):
            return [h.chunk.text for h in self.hits]

    index = Index([rules, guide, baseline])
    assert known_places(index) == {"Riverside"}
    found = place_hit(index, "i run riverside. where do we stand on readiness? data", "Riverside", [rules], None)
    assert found is not None and found.chunk.id == "PB-002#5"
    assert place_hit(index, "riverside data", "Riverside", [baseline], None) is None  # a hit names it already
    assert known_places(LexicalIndex([guide])) == set()  # a retriever that cannot list its texts


def test_a_follow_on_ask_referring_back_is_searched_with_the_tag_and_within_the_first_asks_document():
    """"WW-101 ... how often do we retest while they're down there": with the tag added, the wet well's register row
    came back; the first ask's words lead to the entry SOP, and the ask within it finds the retest interval."""
    from copilot.graph.retrieve import follow_on_hit

    register = Hit(chunk=Chunk(id="CSE#3", doc_id="SOP-CSE-001", title="CSE", text="| WW-101 wet well | H2S |"),
                   score=1.0)
    limits = Hit(chunk=Chunk(id="CSE#6a", doc_id="SOP-CSE-001", title="CSE", text="| H2S | below 5 ppm for entry |"),
                 score=1.0)
    retest = Hit(chunk=Chunk(id="CSE#6b", doc_id="SOP-CSE-001", title="CSE",
                             text="6.6 Retest and record on the permit at least every 2 hours"), score=1.0)
    record = Hit(chunk=Chunk(id="WO#9", doc_id="maintenance_history", title="WO", text="WW-101 silt removal", row=9),
                 score=1.0)

    class Index(LexicalIndex):
        def search(self, query, *, k=None, mode=None, filters=None):
            self.calls.append((query, filters))
            if filters == {"doc_id": "SOP-CSE-001"}:
                return [retest]
            if filters == {"doc_type": "table"}:
                return [record]
            return [register if "WW-101" in query else limits]

    index = Index([])
    first = "crew going into WW-101 tomorrow to dig out silt. whats the max H2S for entry"
    ask = "how often do we have to retest while they're down there"
    assert follow_on_hit(index, ask, first, [register], None) is retest
    assert "WW-101" in index.calls[0][0] and "WW-101" not in index.calls[1][0] and "dig out silt" in index.calls[1][0]
    assert follow_on_hit(index, ask, first, [], None) is retest  # more of the ask's own words than the register row
    assert follow_on_hit(index, "has that one come up before", first, [], None) is record  # the code's records
    assert follow_on_hit(index, "what gas limits apply", first, [], None) is limits  # refers to nothing: the ask alone


def test_the_first_ask_without_its_tag_finds_the_section_of_a_shown_document():
    """"WW-101 ... whats the max H2S for entry": every passage naming the wet well came first; the same ask without
    the tag finds the SOP's gas-limit section, which is put in (another section of a document already shown)."""
    from copilot.graph.retrieve import _untagged_section

    rescue = Hit(chunk=Chunk(id="CSE#9", doc_id="SOP-CSE-001", title="CSE", text="9.2 WW-101 harness"), score=1.0)
    limits = Hit(chunk=Chunk(id="CSE#6", doc_id="SOP-CSE-001", title="CSE", text="| H2S | below 5 ppm |"), score=1.0)
    other_doc = Hit(chunk=Chunk(id="HW#2", doc_id="SOP-HW-001", title="HW", text="H2S"), score=1.0)
    row = Hit(chunk=Chunk(id="reg#7", doc_id="SOP-CSE-001", title="CSE", text="WW-102", row=7), score=1.0)

    class Index(LexicalIndex):
        def __init__(self, best):
            super().__init__([])
            self.best = best

        def search(self, query, *, k=None, mode=None, filters=None):
            self.calls.append(query)
            return [self.best]

    q = "crew going into WW-101 tomorrow to dig out silt. whats the max H2S for entry and how often do we retest?"
    index = Index(limits)
    assert _untagged_section(index, q, [rescue], None) is limits
    assert "WW-101" not in index.calls[0] and "max H2S for entry" in index.calls[0]
    assert _untagged_section(Index(other_doc), q, [rescue], None) is None  # another document: not forced in
    assert _untagged_section(Index(row), q, [rescue], None) is None  # a spreadsheet row: another asset's
    assert _untagged_section(Index(limits), q, [rescue, limits], None) is None  # shown already
    assert _untagged_section(Index(limits), "whats the max H2S for entry", [rescue], None) is None  # no tag
