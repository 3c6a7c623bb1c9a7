"""The view of an assessment that templates see: every figure formatted as the form prints it.

One context serves the Word and the HTML templates; merges are given as row spans (``category_span``:
the number of rows the 一级 cell covers on its first row, 0 on the rows it covers below).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..model import FUNDING_COLUMNS, Assessment
from ..numbers import fmt_amount, fmt_rate, fmt_score
from ..scoring import Result

NO_DEVIATION = "无偏差"


@dataclass
class IndicatorRow:
    category: str
    category_span: int
    subcategory: str
    subcategory_span: int
    name: str
    target: str
    actual: str
    weight: str
    score: str
    reason: str
    deducted: bool


def indicator_rows(result: Result) -> list[IndicatorRow]:
    rows: list[IndicatorRow] = []
    by_id = {id(r.indicator): r for r in result.indicators}
    for category, subs in result.assessment.groups():
        first_of_category = True
        category_size = sum(len(items) for _, items in subs)
        for subcategory, items in subs:
            for k, ind in enumerate(items):
                r = by_id[id(ind)]
                rows.append(
                    IndicatorRow(
                        category=category,
                        category_span=category_size if first_of_category else 0,
                        subcategory=subcategory,
                        subcategory_span=len(items) if k == 0 else 0,
                        name=ind.name,
                        target=ind.target or "",
                        actual=ind.actual or "",
                        weight=fmt_score(ind.weight),
                        score="" if r.score is None else fmt_score(r.score),
                        reason=ind.deviation_reason or (NO_DEVIATION if r.score is not None else ""),
                        deducted=bool(r.deducted),
                    )
                )
                first_of_category = False
    return rows


def form_context(result: Result, config: Config) -> dict[str, Any]:
    a: Assessment = result.assessment
    places = config.places(a.money_unit)
    funds: dict[str, Any] = {
        name: {column: fmt_amount(row.amount(column), places) for column in FUNDING_COLUMNS}
        for name, row in a.funds.rows.items()
    }
    funds["weight"] = fmt_score(a.funds.weight)
    funds["execution_rate"] = fmt_rate(result.execution_rate)
    funds["execution_score"] = fmt_score(result.execution_score)
    weights = [i.weight for i in a.indicators if i.weight is not None]
    total_weight = sum(weights, a.funds.weight or 0)
    return {
        "year": a.year,
        "project": a.project,
        "department": a.department or "",
        "unit": a.unit or "",
        "stage": a.stage_label,
        "money_unit": a.money_unit or config.money_unit,
        "goal_label": config.goal_label,
        "funds": funds,
        "goal_markdown": a.goal.text if a.goal else "",
        "outcome_markdown": a.outcome.text if a.outcome else "",
        "indicators": indicator_rows(result),
        "total_weight": fmt_score(total_weight),
        "total_score": fmt_score(result.total_score) if result.total_score is not None else "",
        "grade": result.grade or "",
    }
