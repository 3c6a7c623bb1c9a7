"""Rules on the whole form: 分值 adding to 100, the typed 总分 and 等级, the optional MOF weight policy."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..diagnostics import Diagnostic
from ..numbers import HUNDRED, ZERO
from .base import ASSESSMENT_ONLY, E, RuleContext, W, rule


@rule("PD307", E, "分值合计不等于 100")
def weights_add_to_100(ctx: RuleContext) -> Iterator[Diagnostic]:
    """各三级指标分值之和加预算执行率的分值须等于 100。

    Σ indicator 分值 + the execution 分值 = 100 (weights may be decimals such as 12.5)."""
    a = ctx.assessment
    if not a.indicators or any(i.weight is None for i in a.indicators):
        return
    total = ctx.result.weight_sum
    if total != HUNDRED:
        execution = ctx.result.execution_weight
        yield ctx.diag(
            "PD307",
            f"分值合计为 {ctx.num(total)}（绩效指标 {ctx.num(total - execution)} + 预算执行率 {ctx.num(execution)}），"
            "应为 100",
            a,
            "indicators",
        )


@rule("PD306", E, "填写的总分与计算结果不符", ASSESSMENT_ONLY)
def typed_total_matches(ctx: RuleContext) -> Iterator[Diagnostic]:
    """总分 = 预算执行得分 + 各三级指标得分之和。

    A typed 总分 equals the execution score plus the sum of the indicators' 得分; it is never typed by hand."""
    a, computed = ctx.assessment, ctx.result.total_score
    if a.total_score is not None and computed is not None and a.total_score != computed:
        yield ctx.diag(
            "PD306",
            f"填写的总分 {ctx.num(a.total_score)} 与计算结果 {computed:.2f} 不符"
            f"（预算执行得分 {ctx.num(ctx.result.execution_score)} + 各指标得分之和）",
            a,
            "total_score",
        )


@rule("PD308", E, "填写的等级与总分不符", ASSESSMENT_ONLY)
def typed_grade_matches(ctx: RuleContext) -> Iterator[Diagnostic]:
    """等级由总分按配置的分数线确定（默认 优 ≥ 90、良 ≥ 80、中 ≥ 60、差）。

    A typed 等级 agrees with the grade bands of the configuration applied to the computed 总分."""
    a, res = ctx.assessment, ctx.result
    if a.grade is not None and res.grade is not None and a.grade != res.grade:
        yield ctx.diag(
            "PD308", f"填写的等级「{a.grade}」与总分 {res.total_score:.2f} 对应的等级「{res.grade}」不符", a, "grade"
        )


@rule("PD309", W, "分值结构不符合规定的权重（财政部：产出 50、效益 30、满意度 10、预算执行率 10）")
def mof_weight_policy(ctx: RuleContext) -> Iterator[Diagnostic]:
    """配置 weight_policy = true 时，按表式规定的一级指标权重与执行率分值（默认财政部）核对分值合计。

    Optional (config weight_policy = true). The weights are the profile's: MOF's 产出 50, 效益 30, 满意度 10,
    执行率 10 by default; 成本指标 counts with 产出 (it was a second-level group of 产出 before 2021)."""
    if not ctx.config.weight_policy:
        return
    a = ctx.assessment
    sums: dict[str, Decimal] = {}
    for ind in a.indicators:
        if ind.weight is not None:
            category = "产出指标" if ind.category == "成本指标" else ind.category
            sums[category] = sums.get(category, ZERO) + ind.weight
    wanted = ctx.config.category_weights
    wrong = [
        f"{c} {ctx.num(sums.get(c, ZERO))}（应为 {ctx.num(w)}）" for c, w in wanted.items() if sums.get(c, ZERO) != w
    ]
    if ctx.result.execution_weight != ctx.config.execution_weight:
        wrong.append(
            f"预算执行率 {ctx.num(ctx.result.execution_weight)}（应为 {ctx.num(ctx.config.execution_weight)}）"
        )
    if wrong:
        yield ctx.diag("PD309", "分值结构不符合规定的权重：" + "；".join(wrong), a, "indicators")
