"""The 绩效自评报告: the prose of a source's report sections (## 一、基本情况 …), with the form's figures in it.

The author names a figure (``{{ 执行率 }}``, ``{{ 总分 }}``, ``{{ 扣分表 }}`` on a line of its own) and the report
is filled from the checked form, so the two can never disagree. Figures typed by hand are read back from the
prose (an execution rate, a total, a grade, an amount) and compared with the form's (rule PD802).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from .numbers import fmt_amount, fmt_rate, fmt_score
from .vocabulary import REPORT_PLACEHOLDERS

if TYPE_CHECKING:
    from .config import Config
    from .scoring import Result

PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]*)\s*\}\}")
TABLE = "扣分表"  # the one placeholder that is a block: a table of its own


class Deduction(NamedTuple):
    indicator: str
    weight: str
    score: str
    lost: str
    reason: str


def figures(result: Result, config: Config) -> dict[str, str]:
    """Every inline placeholder's text, as the form prints it ("" where the form has no such figure)."""
    a = result.assessment
    unit = a.money_unit or config.money_unit
    places = config.places(a.money_unit)

    def amount(column: str) -> str:
        value = result.totals.get(column)
        return f"{fmt_amount(value, places)}{unit}" if value is not None else ""

    return {
        "年度": str(a.year or ""),
        "项目名称": a.project,
        "主管部门": a.department,
        "实施单位": a.unit,
        "全年预算数": amount("budget"),
        "全年执行数": amount("executed"),
        "执行率": fmt_rate(result.execution_rate) if result.execution_rate is not None else "",
        "执行得分": fmt_score(result.execution_score) if result.execution_score is not None else "",
        "分值合计": fmt_score(result.weight_sum),
        "总分": fmt_score(result.total_score) if result.total_score is not None else "",
        "等级": result.grade or "",
    }


def deductions(result: Result) -> list[Deduction]:
    """The points lost, the execution row first: what the 扣分表 lists."""
    out = []
    if result.execution_score is not None and result.execution_score < result.execution_weight:
        lost = result.execution_weight - result.execution_score
        rate = fmt_rate(result.execution_rate) if result.execution_rate is not None else ""
        out.append(
            Deduction(
                "预算执行率",
                fmt_score(result.execution_weight),
                fmt_score(result.execution_score),
                fmt_score(lost),
                f"执行率 {rate}",
            )
        )
    for r in result.indicators:
        ind = r.indicator
        if r.score is not None and ind.weight is not None and r.score < ind.weight:
            lost = ind.weight - r.score
            out.append(
                Deduction(
                    ind.name, fmt_score(ind.weight), fmt_score(r.score), fmt_score(lost), ind.deviation_reason or ""
                )
            )
    return out


def unknown_placeholders(text: str) -> list[tuple[int, int, str]]:
    """(line from 1, column from 1, name) of each {{ name }} the report cannot fill."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        for m in PLACEHOLDER.finditer(line):
            if m.group(1) not in REPORT_PLACEHOLDERS:
                found.append((number, m.start() + 1, m.group(1)))
    return found


_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]])")


def fill(text: str, values: dict[str, str]) -> str:
    """The inline placeholders replaced by the form's figures, as literal text of the Markdown they go into
    (a project named 「*试点*」 stays as written); {{ 扣分表 }} is left for the renderer."""

    def value(m: re.Match[str]) -> str:
        if m.group(1) == TABLE or m.group(1) not in values:
            return m.group(0)
        return _MARKDOWN_INLINE.sub(r"\\\1", values[m.group(1)])

    return PLACEHOLDER.sub(value, text)


def split_at_table(text: str) -> list[str | None]:
    """The text in pieces around each line holding only {{ 扣分表 }} (None marks the table's place)."""
    pieces: list[str | None] = []
    current: list[str] = []
    for line in text.split("\n"):
        m = PLACEHOLDER.fullmatch(line.strip())
        if m and m.group(1) == TABLE:
            pieces += ["\n".join(current), None]
            current = []
        else:
            current.append(line)
    pieces.append("\n".join(current))
    return pieces


# -- figures typed by hand in the prose ----------------------------------------------------------------------

_NUMBER = r"(\d[\d,，]*(?:\.\d+)?)"
_FILLER = r"(?:为|是|达到|达|共|合计|约|了)?\s*[:：]?\s*"


@lru_cache(maxsize=1)
def quoted_patterns() -> dict[str, re.Pattern[str]]:
    """The figures the prose may write by hand, by kind; compiled when a report is first read (most forms have
    none, and `check` starts faster without them)."""
    return {
        "execution_rate": re.compile(r"执行率" + _FILLER + _NUMBER + r"\s*[%％]"),
        "total_score": re.compile(r"(?:自评总分|总分|综合得分|自评得分|总得分)" + _FILLER + _NUMBER + r"\s*分"),
        "grade": re.compile(r"(?:自评等级|评价等级|等级|评定为|评为)" + _FILLER + r"[“\"「]?(优秀|良好|优|良|中|差)"),
        "budget": re.compile(r"(?:全年预算数|年度预算|预算资金|预算数|预算)" + _FILLER + _NUMBER + r"\s*(万元|元)"),
        "executed": re.compile(
            r"(?:全年执行数|执行数|实际支出|实际执行|已支付|支出资金|支出)" + _FILLER + _NUMBER + r"\s*(万元|元)"
        ),
    }


GRADE_SYNONYMS = {"优秀": "优", "良好": "良"}


class Quoted(NamedTuple):
    kind: str  # execution_rate / total_score / grade / budget / executed
    written: str  # as in the text: "95.5%", "92分", "良", "729.55万元"
    line: int  # from 1, in the section's text
    column: int  # from 1
    value: Decimal | None  # the number as written
    word: str = ""  # the grade word
    unit: str = ""  # 万元 / 元 for an amount, as written


def quoted_figures(text: str) -> list[Quoted]:
    """Every figure of the form that the prose writes out by hand (placeholders are not read)."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        blanked = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), line)  # columns stay where they were
        for kind, pattern in quoted_patterns().items():
            for m in pattern.finditer(blanked):
                written = m.group(0)[m.start(1) - m.start() :]
                if kind == "grade":
                    found.append(Quoted(kind, m.group(1), number, m.start(1) + 1, None, m.group(1)))
                    continue
                try:
                    value = Decimal(m.group(1).replace(",", "").replace("，", ""))
                except InvalidOperation:
                    continue
                unit = m.group(2) if kind in ("budget", "executed") else ""
                found.append(Quoted(kind, written.strip(), number, m.start(1) + 1, value, unit=unit))
    return found


def agrees(written: Decimal, computed: Decimal, typed_places: int) -> bool:
    """A figure in the prose agrees when it is the form's, rounded half up to the decimals the text shows."""
    quantum = Decimal(1).scaleb(-max(typed_places, 0))
    return written == computed or computed.quantize(quantum, rounding=ROUND_HALF_UP) == written.quantize(quantum)


def places_of(written: str) -> int:
    m = re.search(r"\.(\d+)", written)
    return len(m.group(1)) if m else 0


def in_unit(value: Decimal, form_unit: str, unit: str) -> Decimal:
    """An amount of the form (in its money unit) in the unit the prose wrote it in."""
    if not unit or unit == form_unit:
        return value
    return value / 10000 if unit == "万元" else value * 10000
