"""The bundled knowledge base does not contradict itself on figures that were found to disagree."""

from __future__ import annotations

import re

from copilot.config import PROJECT_ROOT

KB = PROJECT_ROOT / "knowledge"


def _doc(pattern: str, flat: bool = True) -> str:
    (path,) = KB.glob(pattern)
    text = path.read_text(encoding="utf-8")
    return re.sub(r"[ \t]*\n[ \t]*(?![|#-])", " ", text) if flat else text  # join wrapped lines


def test_cl006_follows_the_governing_sops():
    cl6, loto, hw = _doc("checklists/CL-006*.md"), _doc("plant/sop_loto_*.md"), _doc("plant/sop_hw_*.md")
    assert "Wait 15 min for VFD DC bus, confirm < 50 V DC" in loto
    assert "at least 15 minutes" in cl6 and "below 50 V DC" in cl6 and not re.search(r"\b5 minutes", cl6)
    assert "at most 8 hours" in hw and re.search(r"hot work permit for at most 8 hours", cl6)
    assert "0 % LEL before work starts" in hw and "must be 0% LEL" in cl6 and "1% LEL" not in cl6
    assert "Maintenance Manager together with an HSE representative" in loto
    assert "Maintenance Manager together with an HSE representative" in cl6 and "Site Manager" not in cl6
    assert "Cool below 50 °C" in loto and "45 degrees" not in cl6
    assert "revision: F" in cl6 and "the SOP governs" in cl6


def test_readiness_baseline_ori_is_the_weighted_mean_of_its_scores():
    pb2 = _doc("playbooks/PB-002*.md", flat=False)
    weights = [0.20, 0.20, 0.15, 0.15, 0.15, 0.15]
    rows = [re.findall(r"\d\.\d", line) for line in pb2.splitlines()
            if re.match(r"\| (Strategy and KPIs|Data|Infrastructure and MLOps|People and change|Governance|Measurement) \| \d", line)]
    ori = re.search(r"\| \*\*ORI\*\* \| (.+) \|", pb2).group(1)
    stated = [float(x) for x in re.findall(r"\d\.\d", ori)]
    assert len(rows) == 6 and len(stated) == 4
    for site in range(4):
        mean = sum(float(r[site]) * w for r, w in zip(rows, weights, strict=True))
        assert abs(mean - stated[site]) <= 0.05 + 1e-9, (site, mean, stated[site])


def test_cl007_publishes_exactly_what_the_governance_rules_require_per_tier():
    """The governance advisor cites CL-007's section for the decided tier beside its rule block: each item the
    block shows must be written in that section (and no other tier's section is cited)."""
    from copilot.agents import governance_rules as R
    from copilot.agents.governance import TIER_SECTION

    text = _doc("checklists/CL-007*.md", flat=False)
    sections = {h.lower(): body for h, body in re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, re.M | re.S)}
    for tier, want in TIER_SECTION.items():
        (body,) = [b for h, b in sections.items() if h.startswith(want)]
        items = [*R.ARTICLES[tier], *R.NIST[tier], *R.CONTROLS[tier], *R.DOCUMENTATION[tier], *R.TESTS[tier],
                 R.OVERSIGHT[tier], *R.SIGN_OFFS[tier]]
        missing = [i for i in items if i not in body]
        assert not missing, (tier, missing)
        nist_line = re.search(r"NIST AI RMF subcategories:\*\* (.+)", body).group(1)
        assert nist_line.split(", ") == R.NIST[tier]
