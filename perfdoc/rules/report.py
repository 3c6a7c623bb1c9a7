"""Rules on the 绩效自评报告's prose (## 一、基本情况 …): every figure in it is the form's."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic
from ..vocabulary import REPORT_PLACEHOLDERS
from .base import ASSESSMENT_ONLY, E, RuleContext, rule


@rule("PD801", E, "自评报告中有无法填写的占位符")
def placeholders_known(ctx: RuleContext) -> Iterator[Diagnostic]:
    """自评报告各章节中的 {{ 名称 }} 由表上的数字填写，名称须是可填写的一项（执行率、总分、等级、扣分表……）。

    A report section names the form's figures by {{ 名称 }}; a name the form has no figure for is an error."""
    if not ctx.assessment.report_sections:
        return
    from ..report import unknown_placeholders  # read only for forms with a report: check starts faster

    known = "、".join(REPORT_PLACEHOLDERS)
    for section in ctx.assessment.report_sections:
        for line, column, name in unknown_placeholders(section.text):
            yield ctx.in_body(
                "PD801",
                f"「## {section.title}」中的占位符「{{{{ {name} }}}}」无法填写（可用：{known}）",
                section,
                section.offset + line - 1,
                column,
            )


@rule("PD802", E, "自评报告中手写的数字与表上的不符", ASSESSMENT_ONLY)
def prose_agrees_with_the_form(ctx: RuleContext) -> Iterator[Diagnostic]:
    """自评报告中手写的执行率、总分、等级、全年预算数与全年执行数，须与表上按规则算出的一致（按文中写的位数
    四舍五入比较）；用 {{ 执行率 }}、{{ 总分 }} 等占位符则由表上的数字填写，不会不一致。

    The prose is read for the form's figures written by hand; "总分 100 分" naming the full marks is not a
    claim about the score."""
    a, res = ctx.assessment, ctx.result
    if not a.report_sections:
        return
    from ..report import GRADE_SYNONYMS, agrees, in_unit, places_of, quoted_figures

    unit = a.money_unit or ctx.config.money_unit
    computed = {
        "execution_rate": res.execution_rate,
        "total_score": res.total_score,
        "budget": res.totals.get("budget"),
        "executed": res.totals.get("executed"),
    }
    shown = {
        "execution_rate": lambda v: f"{v:.2f}%",
        "total_score": lambda v: f"{v:.2f} 分",
        "budget": lambda v: f"{ctx.amount(v)}{unit}",
        "executed": lambda v: f"{ctx.amount(v)}{unit}",
    }
    names = {"execution_rate": "执行率", "total_score": "总分", "budget": "全年预算数", "executed": "全年执行数"}
    for section in a.report_sections:
        for q in quoted_figures(section.text):
            at = (section, section.offset + q.line - 1, q.column)
            if q.kind == "grade":
                form = res.grade
                if form is not None and GRADE_SYNONYMS.get(q.word, q.word) != GRADE_SYNONYMS.get(form, form):
                    yield ctx.in_body(
                        "PD802", f"文中写的等级「{q.word}」与表上的「{form}」不符：请写 {{{{ 等级 }}}}", *at
                    )
                continue
            value = computed[q.kind]
            if value is None or q.value is None:
                continue
            if q.kind == "total_score" and q.value == res.weight_sum and value != res.weight_sum:
                continue  # 总分 100 分: the full marks, not the score
            if not agrees(q.value, in_unit(value, unit, q.unit), places_of(q.written)):
                name = names[q.kind]
                yield ctx.in_body(
                    "PD802",
                    f"文中写的{name}「{q.written}」与表上的 {shown[q.kind](value)} 不符："
                    f"请写 {{{{ {name} }}}}，或核对数字",
                    *at,
                )
