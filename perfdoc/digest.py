"""What the index, the charts and the summary need to know about one built form, and nothing more.

A digest is small and JSON-serialisable, so the build cache keeps one per source and a rebuild that changes
one form re-renders the index and the summary without reading the other 999 forms again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic, Position, Severity
from .numbers import fmt_rate
from .record import field, record, record_fields

if TYPE_CHECKING:  # a digest read from the cache needs none of the checking machinery
    from .check import FileReport
    from .config import Config

EXECUTION = "预算执行率"


@record(slots=True)
class Deduction:
    indicator: str  # 三级指标, or 预算执行率 for the execution row
    points: Decimal
    reason: str

    def __str__(self) -> str:
        from .numbers import fmt_score

        reason = f"（{self.reason}）" if self.reason else ""
        return f"{self.indicator} −{fmt_score(self.points)}{reason}"


@record(slots=True)  # slots: the main process keeps one digest per form, however many forms
class Digest:
    path: str  # the source as shown in messages
    name: str | None = None  # output stem under build/: "2020/创业孵化基地运行保障"
    ok: bool = False  # no errors: an official form can be written
    scored: bool = False  # read and scored (with or without errors): a draft can be written
    kept: bool = False  # has errors now; the outputs under `name` are the last good ones of an earlier build
    draft: bool = False  # has errors; the outputs under `name` are drafts (build --draft, serve)
    year: int | None = None
    project: str = ""
    unit: str = ""
    stage: str = ""
    money_unit: str | None = None  # the form's own unit when it differs from the configuration
    budget: Decimal | None = None
    executed: Decimal | None = None
    execution_rate: Decimal | None = None
    total_score: Decimal | None = None
    grade: str | None = None
    deductions: list[Deduction] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    project_at: list[int] | None = None  # [line, column] of 项目名称, for PD501 found across files

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == Severity.ERROR)

    @property
    def draft_errors(self) -> int:
        """The error count a draft's mark shows; 0 for a form written as the official one."""
        return self.errors if self.draft else 0

    def recheck(self) -> None:
        """ok again from the diagnostics, after those that span files (PD501) were settled anew."""
        self.ok = self.scored and self.errors == 0

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == Severity.WARNING)

    def to_json(self) -> dict[str, Any]:
        """As the build cache stores it (written field by field: dataclasses.asdict deep-copies every value)."""
        data = {f: getattr(self, f) for f in _PLAIN_FIELDS}
        for key in _DECIMAL_FIELDS:
            value = getattr(self, key)
            data[key] = None if value is None else str(value)
        data["project_at"] = list(self.project_at) if self.project_at is not None else None
        data["deductions"] = [
            {"indicator": d.indicator, "points": str(d.points), "reason": d.reason} for d in self.deductions
        ]
        data["diagnostics"] = [
            {
                "code": d.code,
                "severity": d.severity.value,  # as configured ([rules] severity), not only as declared
                "message": d.message,
                "field": d.field,
                "path": d.path,
                "line": d.position.line if d.position else None,
                "column": d.position.column if d.position else None,
            }
            for d in self.diagnostics
        ]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Digest:
        d = dict(data)
        for key in _DECIMAL_FIELDS:
            d[key] = None if d[key] is None else Decimal(d[key])
        d["deductions"] = [Deduction(x["indicator"], Decimal(x["points"]), x["reason"]) for x in d["deductions"]]
        d["diagnostics"] = [
            Diagnostic(
                x["code"],
                x["message"],
                x["field"],
                Position(x["line"], x["column"]) if x["line"] is not None else None,
                x["path"],
                Severity(x["severity"]),
            )
            for x in d["diagnostics"]
        ]
        return cls(**d)


_DECIMAL_FIELDS = ("budget", "executed", "execution_rate", "total_score")  # stored as text, exactly
# Every other field is stored as it is: a field added to Digest is in the cache without a word here.
_PLAIN_FIELDS = tuple(
    f for f in record_fields(Digest) if f not in (*_DECIMAL_FIELDS, "deductions", "diagnostics", "project_at")
)


def digest_of(report: FileReport, config: Config, name: str | None) -> Digest:
    from .check import field_position

    a, res = report.assessment, report.result
    digest = Digest(
        path=report.path,
        name=name,
        ok=report.ok,
        scored=report.result is not None,
        diagnostics=list(report.diagnostics),
    )
    if a is None:
        return digest
    digest.year, digest.project, digest.unit = a.year, a.project, a.unit
    digest.stage, digest.money_unit = a.stage_label, a.money_unit
    at = field_position(report, "project")
    digest.project_at = [at.line, at.column] if at else None
    digest.budget, digest.executed = a.funds.total.budget, a.funds.total.executed
    if res is None:
        return digest
    digest.budget, digest.executed = res.totals["budget"], res.totals["executed"]
    digest.execution_rate, digest.total_score, digest.grade = res.execution_rate, res.total_score, res.grade
    weight = res.execution_weight
    if res.execution_score is not None and res.execution_score < weight:
        digest.deductions.append(
            Deduction(EXECUTION, weight - res.execution_score, f"执行率 {fmt_rate(res.execution_rate)}")
        )
    for r in res.indicators:
        if r.deducted > 0:
            digest.deductions.append(Deduction(r.indicator.name, r.deducted, r.indicator.deviation_reason or ""))
    return digest
