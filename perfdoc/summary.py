"""The aggregation behind the 项目支出绩效自评汇总表: every assessment of a year, added up.

Only the figures live here; the workbook, the Word document, the index and the terminal table that show them
are output formats under ``perfdoc/render/`` (workbook.py, summary_docx.py, html.py, terminal.py).

The overall execution rate is Σ 全年执行数 / Σ 全年预算数, never the mean of the rates. Amounts of forms kept
in another unit (元 / 万元) are converted to the project's unit before they are added.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from .config import Config
from .digest import Deduction, Digest
from .numbers import HUNDRED, ZERO, fmt_amount, fmt_rate, fmt_score, round2
from .record import field, record

TEN_THOUSAND = Decimal(10000)


@record
class SummaryRow:
    source: str
    project: str
    unit: str
    budget: Decimal | None
    executed: Decimal | None
    execution_rate: Decimal | None  # percent, 2 places
    total_score: Decimal | None
    grade: str
    deductions: list[Deduction]
    warnings: int


@record
class Summary:
    year: int
    money_unit: str
    rows: list[SummaryRow] = field(default_factory=list)
    excluded: list[tuple[str, int]] = field(default_factory=list)  # (source, errors): not summarised
    grade_names: list[str] = field(default_factory=list)

    @property
    def budget(self) -> Decimal:
        return sum((r.budget for r in self.rows if r.budget is not None), ZERO)

    @property
    def executed(self) -> Decimal:
        return sum((r.executed for r in self.rows if r.executed is not None), ZERO)

    @property
    def execution_rate(self) -> Decimal | None:
        return round2(self.executed / self.budget * HUNDRED) if self.budget else None

    @property
    def grade_counts(self) -> dict[str, int]:
        counts = Counter(r.grade for r in self.rows)
        return {g: counts.get(g, 0) for g in self.grade_names}

    @property
    def deducted(self) -> Decimal:
        return sum((d.points for r in self.rows for d in r.deductions), ZERO)


def _converted(value: Decimal | None, form_unit: str, unit: str) -> Decimal | None:
    if value is None or form_unit == unit:
        return value
    return value * TEN_THOUSAND if form_unit == "万元" else value / TEN_THOUSAND


def summarize(digests: list[Digest], config: Config, year: int) -> Summary:
    summary = Summary(
        year=year,
        money_unit=config.money_unit,
        grade_names=[g for g, _ in sorted(config.grade_bands.items(), key=lambda kv: -kv[1])],
    )
    for d in digests:
        if d.year != year:
            continue
        if not d.ok or d.total_score is None:
            summary.excluded.append((d.path, d.errors))
            continue
        form_unit = d.money_unit or config.money_unit
        summary.rows.append(
            SummaryRow(
                source=d.path,
                project=d.project,
                unit=d.unit,
                budget=_converted(d.budget, form_unit, config.money_unit),
                executed=_converted(d.executed, form_unit, config.money_unit),
                execution_rate=d.execution_rate,
                total_score=d.total_score,
                grade=d.grade or "",
                deductions=d.deductions,
                warnings=d.warnings,
            )
        )
    summary.rows.sort(key=lambda r: (-(r.total_score or ZERO), r.project))
    return summary


def years_of(digests: list[Digest]) -> list[int]:
    return sorted({d.year for d in digests if d.year})


# -- views -----------------------------------------------------------------------------------------------


def view(summary: Summary, config: Config) -> dict[str, Any]:
    """Formatted figures for the Word and HTML templates."""
    places = config.places()
    return {
        "year": summary.year,
        "money_unit": summary.money_unit,
        "rows": [
            {
                "no": i,
                "project": r.project,
                "unit": r.unit,
                "budget": fmt_amount(r.budget, places),
                "executed": fmt_amount(r.executed, places),
                "execution_rate": fmt_rate(r.execution_rate),
                "total_score": fmt_score(r.total_score),
                "grade": r.grade,
                "deductions": "；".join(str(d) for d in r.deductions) or "无",
                "warnings": r.warnings,
            }
            for i, r in enumerate(summary.rows, start=1)
        ],
        "count": len(summary.rows),
        "budget": fmt_amount(summary.budget, places),
        "executed": fmt_amount(summary.executed, places),
        "execution_rate": fmt_rate(summary.execution_rate),
        "grades": "，".join(f"{g} {n} 个" for g, n in summary.grade_counts.items()),
        "grade_counts": summary.grade_counts,
        "deducted": fmt_score(summary.deducted),
        "deducted_points": summary.deducted > 0,
        "excluded": [{"source": s, "errors": e} for s, e in summary.excluded],
    }
