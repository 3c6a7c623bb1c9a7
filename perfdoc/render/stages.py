"""The documents of the year before the self-assessment, from the same source:

- build/<year>/<项目>.申报表.docx, the 项目支出绩效目标申报表, for a plan (阶段: 绩效目标), through
  templates/plan.docx;
- build/<year>/<项目>.监控表.docx, the 项目支出绩效运行监控表, for a file with a 监控 block, through
  templates/monitor.docx, with the execution progress against the time the profile requires.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .docx import render_document, written_by_perfdoc
from .formats import FormOutput, OutputFormat

if TYPE_CHECKING:
    from ..config import Config
    from ..scoring import Result


def _common(result: Result, config: Config, style_ids: dict[str, str]) -> dict[str, Any]:
    from markupsafe import Markup

    from .context import indicator_rows
    from .markdown import blocks
    from .wordml import paragraphs_xml
    from .wordtemplate import merge_marker

    a = result.assessment
    rows = []
    for row in indicator_rows(result):
        ind = row.indicator
        rows.append(
            {
                "category": merge_marker(row.category, row.category_span),
                "subcategory": merge_marker(row.subcategory, row.subcategory_span),
                "name": row.name,
                "target": row.target,
                "weight": row.weight,
                "explanation": (ind.explanation if ind else None) or "",
                "standard": (ind.standard if ind else None) or "",
                "to_date": (ind.to_date if ind else None) or "",
                "expected": (ind.expected if ind else None) or "",
                "cause": (ind.cause if ind else None) or "",
                "likelihood": (ind.likelihood if ind else None) or "",
                "remedy": (ind.remedy if ind else None) or "",
            }
        )
    return {
        "year": a.year or "",
        "project": a.project,
        "department": a.department,
        "unit": a.unit,
        "money_unit": a.money_unit or config.money_unit,
        "goal": Markup(paragraphs_xml(blocks(a.goal.text if a.goal else ""), style_ids)),
        "long_term": Markup(paragraphs_xml(blocks(a.long_term.text if a.long_term else ""), style_ids)),
        "indicators": rows,
    }


def _render(job: FormOutput, kind: str, title: str, fill: dict[str, Any]) -> bytes:
    result = job.report.result
    assert result is not None
    a = result.assessment
    return render_document(
        job,
        f"{kind}.docx",
        lambda style_ids: _common(result, job.config, style_ids) | fill | {"title": title},
        title=f"{a.project} {title}（{a.year} 年度）",
        subject=title,
    )


def render_plan(job: FormOutput) -> bytes | None:
    """The 绩效目标申报表 of a plan; None for a file past that stage."""
    from ..numbers import fmt_amount
    from ..vocabulary import PLAN

    result = job.report.result
    assert result is not None
    a = result.assessment
    if a.stage != PLAN:
        return None
    places = job.config.places(a.money_unit)

    def budget(*names: str) -> str:
        row = next((a.funds.rows[n] for n in names if n in a.funds.rows), None)
        value = result.totals.get("budget") if names == ("total",) else (row.budget if row else None)
        return fmt_amount(value, places) if value is not None else ""

    fill = {
        "as_of_text": "",
        "budget": budget("total"),
        "appropriation": budget("appropriation", "fiscal"),
        "other": budget("other"),
    }
    return _render(job, "plan", "项目支出绩效目标申报表", fill)


def render_monitor(job: FormOutput) -> bytes | None:
    """The 绩效运行监控表 of a file with a 监控 block; None without one."""
    result = job.report.result
    assert result is not None
    a = result.assessment
    block = a.monitoring
    if block is None or block.as_of is None:
        return None
    from ..numbers import fmt_amount, fmt_rate
    from ..rules.monitoring import required_progress  # here: most forms have no 监控 block

    places = job.config.places(a.money_unit)
    day = f"{block.as_of.month}月{block.as_of.day}日"
    due = required_progress(job.config.monitor_thresholds, block.as_of)
    required = f"{due[0]} 月底 ≥ {due[1]}%" if due else "—"
    initial = result.totals.get("initial_budget")
    budget = result.totals.get("budget")
    fill = {
        "as_of_text": f"截至 {block.as_of.year}年{day}",
        "executed_label": f"截至{day}执行数",
        "to_date_label": f"截至{day}完成值",
        "initial_budget": fmt_amount(initial, places) if initial is not None else "",
        "budget": fmt_amount(budget, places) if budget is not None else "",
        "executed": fmt_amount(block.executed, places) if block.executed is not None else "",
        "spent": fmt_rate(result.spent_to_date) if result.spent_to_date is not None else "",
        "required": required,
    }
    return _render(job, "monitor", "项目支出绩效运行监控表", fill)


FORMATS = [
    OutputFormat(
        "plan",
        ".申报表.docx",
        "Word 绩效目标申报表（阶段为绩效目标的源文件）",
        order=12,
        render=render_plan,
        written_by_perfdoc=written_by_perfdoc,
    ),
    OutputFormat(
        "monitor",
        ".监控表.docx",
        "Word 绩效运行监控表（源文件有「监控」一节时）",
        order=13,
        render=render_monitor,
        written_by_perfdoc=written_by_perfdoc,
    ),
]
