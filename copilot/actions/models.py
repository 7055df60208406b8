"""Validated payloads of the things a human approves: work orders, decision records, reports."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator


class WorkOrderPayload(BaseModel):
    asset: str = Field(min_length=1, max_length=64)
    priority: Literal["low", "medium", "high", "emergency"] = "medium"
    problem: str = Field(min_length=3, max_length=4000)
    steps: list[str] = Field(default_factory=list, max_length=50)
    parts: list[str] = Field(default_factory=list, max_length=50)
    safety_requirements: list[str] = Field(min_length=1, max_length=20)
    estimated_duration_h: float = Field(2.0, gt=0, le=720)
    sources: list[str] = Field(default_factory=list)

    @field_validator("asset")
    @classmethod
    def _asset_upper(cls, v: str) -> str:
        return v.strip().upper()


class DecisionRecordPayload(BaseModel):
    use_case: str = Field(min_length=3, max_length=4000)
    risk_tier: Literal["prohibited", "high", "limited", "minimal"]
    route: str = ""
    articles: list[str] = Field(default_factory=list)
    nist_subcategories: list[str] = Field(default_factory=list)
    controls: list[str] = Field(default_factory=list)
    documentation: list[str] = Field(default_factory=list)
    tests: list[str] = Field(default_factory=list)
    human_oversight: str = ""
    sign_offs: list[str] = Field(default_factory=list)
    rationale: str = ""
    sources: list[str] = Field(default_factory=list)


class ReportPayload(BaseModel):
    title: str = Field(min_length=3, max_length=300)
    stage: Literal["Assess", "Align", "Advance", "Amplify"]
    scores: dict[str, int]
    gaps: list[str] = Field(default_factory=list)
    roadmap: list[dict[str, Any]] = Field(default_factory=list)
    report_markdown: str = Field(min_length=10)
    sources: list[str] = Field(default_factory=list)

    @field_validator("scores")
    @classmethod
    def _scores_in_range(cls, v: dict[str, int]) -> dict[str, int]:
        for name, score in v.items():
            if not 1 <= int(score) <= 5:
                raise ValueError(f"score of {name!r} must be 1-5, got {score}")
        return v


PAYLOAD_MODELS: dict[str, type[BaseModel]] = {
    "work_order": WorkOrderPayload,
    "decision_record": DecisionRecordPayload,
    "report": ReportPayload,
}


def validate_payload(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Validate (and normalise) an approval payload; raise ValueError naming the bad fields."""
    model = PAYLOAD_MODELS.get(kind)
    if model is None:
        raise ValueError(f"unknown approval kind {kind!r}")
    if not isinstance(payload, dict):
        raise ValueError(f"{kind} payload must be an object")
    try:
        return model.model_validate(payload).model_dump()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or kind}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"invalid {kind} payload: {problems}") from exc
