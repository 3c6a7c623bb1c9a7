"""Rules some provinces add to the form, switched on by their profile's parameters (off by default).

They follow published provincial texts (see docs/profiles.md): a total capped by the execution rate, and
存在问题 / 改进措施 that may not be left as 无 when points were lost.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic
from ..vocabulary import NOTE_ROWS
from .base import ASSESSMENT_ONLY, E, RuleContext, rule

NOTHING_SAID = {"", "无", "暂无", "没有", "无问题", "/", "／", "—", "——", "-", "0"}


@rule("PD310", E, "总分超过执行率所允许的上限", ASSESSMENT_ONLY)
def total_capped_by_execution(ctx: RuleContext) -> Iterator[Diagnostic]:
    """表式设有 execution_caps 时（如执行率低于 80% 的总分最高 89 分），总分不能超过执行率所对应的上限。

    execution_caps lists [rate below (percent), highest total] pairs; the lowest band that applies wins.
    One provincial platform: below 80 % → 89, below 70 % → 79, below 60 % → 69, below 50 % → 59."""
    rate, total = ctx.result.execution_rate, ctx.result.total_score
    if not ctx.config.execution_caps or rate is None or total is None:
        return
    applicable = [(below, cap) for below, cap in ctx.config.execution_caps if rate < below]
    if not applicable:
        return
    below, cap = min(applicable)
    if total > cap:
        yield ctx.diag(
            "PD310",
            f"执行率 {rate:.2f}% 低于 {ctx.num(below)}%，总分最高 {ctx.num(cap)} 分，计算所得总分为 {total:.2f}",
            ctx.assessment,
            "total_score",
        )


@rule("PD311", E, "扣分却未写明存在问题或改进措施", ASSESSMENT_ONLY)
def problems_stated_when_points_lost(ctx: RuleContext) -> Iterator[Diagnostic]:
    """表式设有 notes_required 时（如四川的 存在问题、改进措施），有扣分的表中这些栏不能空着或只写“无”。

    Only when points were lost (the total is below the weights); a form with full marks may say 无."""
    required = ctx.config.notes_required
    res = ctx.result
    if not required or res.total_score is None or res.total_score >= res.weight_sum:
        return
    a = ctx.assessment
    for name in required:
        text = a.notes.get(name, "")
        if text.strip() in NOTHING_SAID:
            shown = f"「{text}」" if text else "空白"
            yield ctx.diag(
                "PD311",
                f"本表扣了 {ctx.num(res.weight_sum - res.total_score)} 分，「{NOTE_ROWS[name]}」却是{shown}：请写明",
                a,
                name,
            )
