"""Rules on the whole form: 分值 adding to 100, the typed 总分 and 等级, the optional MOF weight policy."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..diagnostics import Diagnostic
from ..numbers import HUNDRED, ZERO
from .base import ASSESSMENT_ONLY, RuleContext, rule


@rule("PD307")
def weights_add_to_100(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Σ indicator 分值 + the execution 分值 = 100 (weights may be decimals such as 12.5)."""
    a = ctx.assessment
    if not a.indicators or any(i.weight is None for i in a.indicators):
        return
    total = ctx.result.weight_sum
    if total != HUNDRED:
        indicators = total - (a.funds.weight or ZERO)
        yield ctx.diag(
            "PD307",
            f"分值合计为 {ctx.num(total)}（绩效指标 {ctx.num(indicators)} + 预算执行率 {ctx.num(a.funds.weight)}），"
            f"应为 100",
            a,
            "indicators",
        )


@rule("PD306", ASSESSMENT_ONLY)
def typed_total_matches(ctx: RuleContext) -> Iterator[Diagnostic]:
    """A typed 总分 equals the execution score plus the sum of the indicators' 得分; it is never typed by hand."""
    a, computed = ctx.assessment, ctx.result.total_score
    if a.total_score is not None and computed is not None and a.total_score != computed:
        yield ctx.diag(
            "PD306",
            f"填写的总分 {ctx.num(a.total_score)} 与计算结果 {computed:.2f} 不符"
            f"（预算执行得分 {ctx.num(ctx.result.execution_score)} + 各指标得分之和）",
            a,
            "total_score",
        )


@rule("PD308", ASSESSMENT_ONLY)
def typed_grade_matches(ctx: RuleContext) -> Iterator[Diagnostic]:
    """A typed 等级 agrees with the grade bands of the configuration applied to the computed 总分."""
    a, res = ctx.assessment, ctx.result
    if a.grade is not None and res.grade is not None and a.grade != res.grade:
        yield ctx.diag(
            "PD308", f"填写的等级「{a.grade}」与总分 {res.total_score:.2f} 对应的等级「{res.grade}」不符", a, "grade"
        )


MOF_WEIGHTS = {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}


@rule("PD309")
def mof_weight_policy(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Optional (config weight_policy = true): 产出 50, 效益 30, 满意度 10, 执行率 10 as the MOF defaults."""
    if not ctx.config.weight_policy:
        return
    a = ctx.assessment
    sums: dict[str, Decimal] = {}
    for ind in a.indicators:
        if ind.weight is not None:
            category = "产出指标" if ind.category == "成本指标" else ind.category
            sums[category] = sums.get(category, ZERO) + ind.weight
    wrong = [f"{c} {ctx.num(sums.get(c, ZERO))}（应为 {w}）" for c, w in MOF_WEIGHTS.items() if sums.get(c, ZERO) != w]
    if a.funds.weight != Decimal(10):
        wrong.append(f"预算执行率 {ctx.num(a.funds.weight)}（应为 10）")
    if wrong:
        yield ctx.diag("PD309", "分值结构不符合财政部默认权重：" + "；".join(wrong), a, "indicators")
