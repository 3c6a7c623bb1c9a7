"""Rules on the whole form: 分值 adding to 100, the typed 总分 and 等级, the optional MOF weight policy, block
weights against their labels, and scores typed to fewer decimals than the form's two."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..diagnostics import Diagnostic
from ..numbers import HUNDRED, ZERO, rounded_from
from ..scoring import QUANTITATIVE
from .base import ASSESSMENT_ONLY, E, RuleContext, W, rule


@rule("PD307", E, "分值合计不等于 100")
def weights_add_to_100(ctx: RuleContext) -> Iterator[Diagnostic]:
    """各三级指标分值之和加预算执行率的分值须等于 100。

    Σ indicator 分值 + the execution 分值 = 100 (weights may be decimals such as 12.5)."""
    a = ctx.assessment
    if not a.indicators or any(i.weight is None for i in a.indicators):
        return
    total = ctx.result.weight_sum
    if total != HUNDRED and not (a.partial and total < HUNDRED):  # rows a cut-off form lost may hold the rest
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

    A typed 总分 equals the execution score plus the sum of the indicators' 得分; it is never typed by hand.
    The sum of the form's own printed figures (its typed execution 得分) is accepted too: an execution 得分
    that is itself wrong is reported once, by PD305 or PD316."""
    a, computed = ctx.assessment, ctx.result.total_score
    if a.partial and a.total_score is not None:
        yield from _total_within_reach(ctx)
    if a.total_score is None or computed is None or a.total_score == computed:
        return
    typed_parts = _typed_parts(ctx)
    if typed_parts is not None and a.total_score == typed_parts:
        return  # the total of the form's own figures: a wrong execution 得分 among them is PD305's to say
    yield ctx.diag(
        "PD306",
        f"填写的总分 {ctx.num(a.total_score)} 与计算结果 {computed:.2f} 不符"
        f"（预算执行得分 {ctx.num(ctx.result.execution_score)} + 各指标得分之和）",
        a,
        "total_score",
    )


def _total_within_reach(ctx: RuleContext) -> Iterator[Diagnostic]:
    """On a form cut off before its end, the typed 总分 can still be proven wrong: it cannot exceed the scores
    that are visible plus every point of the 分值 not visible (100 less the visible 分值)."""
    a, res = ctx.assessment, ctx.result
    scores = [res.execution_score if res.execution_score is not None else a.funds.score]
    scores += [r.score for r in res.indicators]
    if a.total_score is None or any(s is None for s in scores) or any(i.weight is None for i in a.indicators):
        return
    visible = sum((s for s in scores if s is not None), ZERO)
    unseen = max(HUNDRED - res.weight_sum, ZERO)
    if a.total_score > visible + unseen:
        yield ctx.diag(
            "PD306",
            f"表格不完整，但填写的总分 {ctx.num(a.total_score)} 仍不可能：可见的得分之和 {ctx.num(visible)} 加上"
            f"未见部分的分值 {ctx.num(unseen)}，最高 {ctx.num(visible + unseen)}",
            a,
            "total_score",
        )


def _typed_parts(ctx: RuleContext) -> Decimal | None:
    """The total of the figures as the form prints them: its typed execution 得分 and each indicator's 得分."""
    typed = ctx.assessment.funds.score
    if typed is None:
        return None
    scores = [r.score for r in ctx.result.indicators]
    return None if any(s is None for s in scores) else typed + sum((s for s in scores if s is not None), ZERO)


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
        f"{c} {ctx.num(sums.get(c, ZERO))}（应为 {ctx.num(w)}）"
        for c, w in wanted.items()
        if sums.get(c, ZERO) != w
        and not (a.partial and sums.get(c, ZERO) < w)  # lost rows may hold the rest
        and c not in a.block_weights  # the form's own label declares it: PD315 checks that one
    ]
    if ctx.result.execution_weight != ctx.config.execution_weight:
        wrong.append(
            f"预算执行率 {ctx.num(ctx.result.execution_weight)}（应为 {ctx.num(ctx.config.execution_weight)}）"
        )
    if wrong:
        yield ctx.diag("PD309", "分值结构不符合规定的权重：" + "；".join(wrong), a, "indicators")


@rule("PD315", E, "一级指标下的分值之和与其标注的分值不符")
def block_weights_match_their_label(ctx: RuleContext) -> Iterator[Diagnostic]:
    """表上一级指标标注了分值（产出指标(40分)）时，其下各三级指标的分值之和须等于标注的分值。

    The 分值 a block's label declares equals the sum of its indicators' 分值; on a form cut off before its
    总分, only a sum above the declared 分值 is concluded (the lost rows could hold the rest)."""
    a = ctx.assessment
    for category, declared in a.block_weights.items():
        weights = [i.weight for i in a.indicators if i.category == category]
        if any(w is None for w in weights):
            continue
        found = sum((w for w in weights if w is not None), ZERO)
        if found != declared and not (a.partial and found < declared):
            yield ctx.diag(
                "PD315",
                f"「{category}」标注 {ctx.num(declared)} 分，"
                f"其下 {len(weights)} 个三级指标的分值之和为 {ctx.num(found)}",
                a,
                "block_weights",
            )


@rule("PD316", W, "得分按较少的小数位填写", ASSESSMENT_ONLY)
def scores_typed_to_two_places(ctx: RuleContext) -> Iterator[Diagnostic]:
    """得分保留两位小数：执行率只写到整数的表（86%），填写的预算执行得分或指标得分是计算结果按同样较少的位数
    四舍五入（8.62 写作 9），数值不算错，但表上应写计算结果。

    On a form that types its 执行率 with fewer than two decimals, a score typed at that precision that is the
    computed one rounded (9 for 8.62, 2.9 for 2.89) is a warning, not the error PD305 / PD404 give a
    different figure. On a form printing 99.94 %, 10 for 9.99 stays an error."""
    funds, res = ctx.assessment.funds, ctx.result
    if (
        funds.score is not None
        and res.execution_score is not None
        and rounded_from(funds.score, res.execution_score, funds.execution_rate)
    ):
        yield ctx.diag(
            "PD316",
            f"预算执行得分填为 {ctx.num(funds.score)}，按规则为 {res.execution_score:.2f}（保留两位小数）",
            funds,
            "score",
        )
    for r in res.indicators:
        ind = r.indicator
        if ind.score is None or r.rule_score is None or r.kind != QUANTITATIVE:
            continue
        if r.achieved is False and ind.score == ind.weight:
            continue  # full marks on a missed target: PD403's error, not a rounding
        if rounded_from(ind.score, r.rule_score, ctx.assessment.funds.execution_rate) and ind.score > r.rule_score:
            yield ctx.diag(
                "PD316",
                f"「{ind.name}」得分填为 {ctx.num(ind.score)}，按规则为 {r.rule_score:.2f}（保留两位小数）",
                ind,
                "score",
            )
