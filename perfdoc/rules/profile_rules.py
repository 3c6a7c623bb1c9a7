"""Rules some provinces add to the form, switched on by their profile's parameters (off by default).

They follow published provincial texts (see docs/profiles.md): a total capped by the execution rate,
存在问题 / 改进措施 that may not be left as 无 when points were lost, a reason for a low execution rate, and
a deduction for a target far exceeded.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic
from ..model import Located
from ..numbers import round2
from ..vocabulary import FUNDING_COLUMNS, FUNDS_BLOCK_LABELS, LABELS, NOTE_ROWS, NOTHING_SAID
from .base import ASSESSMENT_ONLY, E, RuleContext, W, rule

FUNDS_FIELD_OF = {"execution_reason": "reason"}  # a block column → the field of 项目资金 that fills it


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


@rule("PD312", E, "执行率偏低却未写明原因", ASSESSMENT_ONLY)
def reason_for_low_execution(ctx: RuleContext) -> Iterator[Diagnostic]:
    """表式设有 execution_reason_below 时（四川：90），执行率低于该值须在资金栏的「原因」中写明原因；
    表式设有 execution_reason_length 时（四川：100 字），原因不能超过该字数。

    四川's form has a 原因 column beside the execution score: "执行率低于 90% 的须说明原因，不超过 100 字"."""
    below, length = ctx.config.execution_reason_below, ctx.config.execution_reason_length
    funds, rate = ctx.assessment.funds, ctx.result.execution_rate
    text = (funds.reason or "").strip()
    label = ctx.label("execution_reason")
    if below and rate is not None and rate < below and text in NOTHING_SAID:
        shown = f"「{text}」" if text else "空白"
        yield ctx.diag(
            "PD312",
            f"执行率 {rate:.2f}% 低于 {ctx.num(below)}%，「{label}」却是{shown}：请写明执行率偏低的原因",
            funds,
            "reason",
        )
    if length and len(text) > length:
        yield ctx.diag("PD312", f"「{label}」有 {len(text)} 字，超过本表式规定的 {length} 字", funds, "reason")


@rule("PD313", E, "超额完成按指标偏离扣分，得分高于扣分后的分数", ASSESSMENT_ONLY)
def overshoot_deducted(ctx: RuleContext) -> Iterator[Diagnostic]:
    """表式设有 exceed_deduction 时，正向定量指标的实际完成值达到指标值的 exceed_ratio 倍（如 1.3 倍，即超额 30%）
    及以上，视为指标偏离（指标值设定偏低），扣 exceed_deduction 分（如 2 分）；填写的得分不能高于扣分后的分数。

    One provincial platform: completion 30 % or more above target loses 2 points (exceed_ratio = 1.3,
    exceed_deduction = 2)."""
    for r in ctx.result.indicators:
        ind = r.indicator
        if not r.overshoot or ind.score is None or r.rule_score is None or ind.weight is None or r.ratio is None:
            continue
        if r.rule_score < ind.score <= ind.weight:  # above the weight: PD401 says it
            over = round2((r.ratio - 1) * 100)
            limit = ctx.num((ctx.config.exceed_ratio - 1) * 100)
            yield ctx.diag(
                "PD313",
                f"「{ind.name}」{ctx.label('actual')}「{ind.actual}」超出{ctx.label('target')}「{ind.target}」{over}%"
                f"（超出 {limit}% 及以上按指标偏离扣 {ctx.num(ctx.config.exceed_deduction)} 分），"
                f"得分最高 {ctx.num(r.rule_score)}，填写的是 {ctx.num(ind.score)}",
                ind,
                "score",
            )


@rule("PD314", W, "填写了本表式没有的资金栏", ASSESSMENT_ONLY)
def funds_columns_the_form_prints(ctx: RuleContext) -> Iterator[Diagnostic]:
    """表式的资金栏少于默认表时（安徽、宁夏没有 年初预算数；宁夏的执行率不计分，没有 分值、得分），写在这些栏中的数字
    不会印在表上，也不参与计算：提示删去，或改用有这一栏的表式。

    The profile's funding_columns decide what the 项目资金 block prints; a figure typed in another column
    would vanish from the form without a word."""
    columns = set(ctx.config.funding_columns)
    funds = ctx.assessment.funds
    missing: list[tuple[Located, str, str]] = [
        (row, name, f"{row.label}的「{label}」")
        for row in funds.rows.values()
        for name, label in FUNDING_COLUMNS.items()
        if name not in columns and row.amount(name) is not None
    ]
    typed: dict[str, object] = {
        "weight": funds.weight,
        "execution_rate": funds.execution_rate,
        "score": funds.score,
        "execution_reason": funds.reason,
    }
    missing += [
        (funds, FUNDS_FIELD_OF.get(name, name), f"「{LABELS[FUNDS_BLOCK_LABELS.get(name, name)]}」")
        for name, value in typed.items()
        if name not in columns and value is not None
    ]
    for node, name, shown in missing:
        yield ctx.diag(
            "PD314",
            f"本表式（{ctx.config.profile}）的资金栏没有{shown}一栏：填写的内容不会印在表上；请删去，或写明有这一栏的表式",
            node,
            name,
        )
