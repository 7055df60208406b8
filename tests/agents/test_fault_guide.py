"""A fault code's guide checks and its latest jobs, found by the code."""

from __future__ import annotations

from copilot.agents.fault_guide import code_records, guide_checks
from copilot.types import Chunk, Citation, Hit

GUIDE = Chunk(id="tg-motor#7", doc_id="TG-MOTOR-001", title="Induction motors", doc_type="troubleshooting",
              section="Symptoms table > Low insulation resistance or ground fault (E-106)", text=(
                  "1. Under LOTO, test motor and cable separately at\n   500 V DC for 1 minute.\n"
                  "2. Below 5 MΩ: do not energise.\n3. A healthy motor with a low cable reading means cable damage."))
LIST = Chunk(id="tg-motor#9", doc_id="TG-MOTOR-001", title="Induction motors", doc_type="troubleshooting",
             section="Related fault codes", text="1. E-105 VFD DC bus undervoltage.\n2. E-106 VFD output ground fault.")
OLD = Chunk(id="mh#20", doc_id="maintenance_history", title="maintenance_history.csv", row=20, text=(
    "wo_number: WO-2023-0100\nasset_tag: VFD-102\ndate: 2023-02-01\ntype: CM\nproblem: E-106 on start\ncause: wet cable"))
NEW = Chunk(id="mh#35", doc_id="maintenance_history", title="maintenance_history.csv", row=35, text=(
    "wo_number: WO-2024-0470\nasset_tag: VFD-102\ndate: 2024-08-14\ntype: CM\nproblem: E-106 output ground fault\n"
    "cause: Motor cable insulation damaged"))
OTHER = Chunk(id="mh#36", doc_id="maintenance_history", title="maintenance_history.csv", row=36, text=(
    "wo_number: WO-2024-0500\nasset_tag: VFD-101\ndate: 2024-09-01\ntype: CM\nproblem: E-1060 test\ncause: none"))


class _Retriever:
    def __init__(self, *chunks: Chunk) -> None:
        self.chunks = list(chunks)

    def search(self, query: str, k: int = 8, filters=None):
        allowed = (filters or {}).get("doc_type")
        return [Hit(chunk=c, score=1.0) for c in self.chunks if not allowed or c.doc_type in allowed][:k]


def test_the_guide_section_headed_by_the_code_gives_its_numbered_checks():
    shown = [Citation(marker=1, chunk_id="fc#1", doc_id="FC-RIV-001", title="Alarm codes", text="| E-106 | ... |")]
    cite, checks = guide_checks(_Retriever(LIST, GUIDE, OLD), shown, "E-106")
    assert cite.chunk_id == "tg-motor#7" and cite.marker == 2  # a new source, numbered next
    assert checks[0] == "1. Under LOTO, test motor and cable separately at 500 V DC for 1 minute." and len(checks) == 3
    trimmed = Citation(marker=4, chunk_id="tg-motor#7", doc_id="TG-MOTOR-001", title="Induction motors", text="...")
    cite, _checks = guide_checks(_Retriever(GUIDE), [trimmed], "E-106")
    assert cite.marker == 4 and "500 V DC" in cite.text  # the shown passage, made whole
    assert guide_checks(_Retriever(LIST), shown, "E-106") is None  # a list naming the code is not its section
    assert guide_checks(None, shown, "E-106") is None


def test_the_latest_jobs_naming_the_code_come_newest_first():
    found = code_records(_Retriever(OLD, OTHER, NEW, GUIDE), [], "E-106")
    assert [c.chunk_id for c in found] == ["mh#35", "mh#20"] and [c.marker for c in found] == [1, 2]
    assert code_records(_Retriever(OTHER), [], "E-106") == []
