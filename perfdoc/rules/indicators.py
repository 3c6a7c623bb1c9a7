"""Rules on each 三级指标 row: its 得分 against its 分值, its target and its actual value."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..diagnostics import Diagnostic
from ..numbers import ZERO, round2, rounded_from
from ..scoring import QUALITATIVE, QUANTITATIVE, IndicatorResult, bands
from ..vocabulary import ACHIEVED, BAND_LABELS, NOTHING_SAID
from .base import ASSESSMENT_ONLY, E, N, RuleContext, W, rule


def _typed(ctx: RuleContext) -> Iterator[IndicatorResult]:
    """Indicators whose 得分 the author typed, with a valid 分值."""
    for r in ctx.result.indicators:
        if r.indicator.score is not None and r.indicator.weight is not None:
            yield r


@rule("PD401", E, "得分超出 0 至分值的范围", ASSESSMENT_ONLY)
def score_within_weight(ctx: RuleContext) -> Iterator[Diagnostic]:
    """每个三级指标的得分在 0 与其分值之间。

    0 ≤ 得分 ≤ 分值 for each indicator."""
    for r in _typed(ctx):
        ind = r.indicator
        if not ZERO <= ind.score <= ind.weight:  # type: ignore[operator]
            yield ctx.diag(
                "PD401",
                f"「{ind.name}」{ctx.label('score')} {ctx.num(ind.score)} 超出 0 至{ctx.label('weight')} "
                f"{ctx.num(ind.weight)} 的范围",
                ind,
                "score",
            )


@rule("PD402", E, "扣分但未填写偏差原因分析及改进措施", ASSESSMENT_ONLY)
def deduction_has_reason(ctx: RuleContext) -> Iterator[Diagnostic]:
    """得分低于分值的指标，须写明偏差原因分析及改进措施（“无”“0”“/”不是原因）。

    Every indicator with 得分 < 分值 needs a 偏差原因分析及改进措施 text that states one."""
    for r in ctx.result.indicators:
        ind = r.indicator
        said = (ind.deviation_reason or "").strip()
        if r.score is not None and ind.weight is not None and r.score < ind.weight and said in NOTHING_SAID:
            written = f"，写的「{said}」不是原因" if said else ""
            yield ctx.diag(
                "PD402",
                f"「{ind.name}」扣 {ctx.num(ind.weight - r.score)} 分（{ctx.num(r.score)}/{ctx.num(ind.weight)}），"
                f"须填写「{ctx.label('deviation_reason')}」{written}",
                ind,
                "score" if ind.score is not None else "actual",
            )


@rule("PD403", E, "定量指标未完成却得满分", ASSESSMENT_ONLY)
def no_full_marks_on_missed_target(ctx: RuleContext) -> Iterator[Diagnostic]:
    """定量指标的实际完成值未达到年度指标值时，不能得满分。

    A quantitative target that was missed cannot get the full 分值."""
    for r in _typed(ctx):
        ind = r.indicator
        if r.kind == QUANTITATIVE and r.achieved is False and ind.score == ind.weight:
            yield ctx.diag(
                "PD403",
                f"「{ind.name}」{ctx.label('actual')}「{ind.actual}」未达到{ctx.label('target')}「{ind.target}」，"
                f"却得满分 {ctx.num(ind.score)}；按评分规则最多 {ctx.num(r.rule_score)} 分",
                ind,
                "score",
            )


@rule("PD404", E, "得分高于评分规则允许的分数", ASSESSMENT_ONLY)
def score_not_above_rule(ctx: RuleContext) -> Iterator[Diagnostic]:
    """定量指标按完成比例计分（正向：实际 ÷ 指标值；反向：超出部分按比例扣分），填写的得分不能高于规则得分。

    A typed 得分 may be lower than the rule score (a self-assessment may deduct more), never higher.

    Positive: actual ≥ target → 分值, else actual / target × 分值. Reverse: actual ≤ target → 分值,
    else (1 − (actual − target) / target) × 分值, 0 at twice the target.
    """
    for r in _typed(ctx):
        ind = r.indicator
        if r.kind != QUANTITATIVE or r.rule_score is None or r.actual is None or r.target is None or r.overshoot:
            continue  # a target far exceeded where the profile deducts for it: PD313 says it
        if ind.score is None or ind.weight is None or ind.score > ind.weight:  # PD401 says it
            continue
        if rounded_from(ind.score, r.rule_score, ctx.assessment.funds.execution_rate):
            continue  # 9 for 8.62: PD316 says it
        if ind.score > r.rule_score and not (r.achieved is False and ind.score == ind.weight):  # PD403 says it
            actual, target = r.actual.value, r.target.value
            formula = f"(1 − ({actual} − {target}) ÷ {target})" if r.reverse else f"{actual} ÷ {target}"
            yield ctx.diag(
                "PD404",
                f"「{ind.name}」得分 {ctx.num(ind.score)} 高于评分规则允许的 {ctx.num(r.rule_score)}"
                f"（{formula} × {ctx.num(ind.weight)}）",
                ind,
                "score",
            )


def _band_limits(ctx: RuleContext, r: IndicatorResult) -> tuple[str, str, str] | None:
    """(band, lower, upper) as printable scores, for a qualitative indicator with a band and a 分值."""
    if r.band is None or r.indicator.weight is None:
        return None
    low, high = bands(ctx.config)[r.band]
    w = r.indicator.weight
    return r.band, f"{round2(low * w)}", f"{round2(high * w)}"


@rule("PD405", E, "定性指标得分高于所属档次", ASSESSMENT_ONLY)
def qualitative_not_above_band(ctx: RuleContext) -> Iterator[Diagnostic]:
    """定性指标按档次计分：达成 80%–100%、部分达成 60%–80%、未达成 0–60% 的分值。

    Qualitative bands: 达成 80 %–100 % of 分值, 部分达成 60 %–80 %, 未达成 0–60 % (lower bounds inclusive)."""
    for r in _typed(ctx):
        ind = r.indicator
        if r.kind != QUALITATIVE or r.band is None or r.band == ACHIEVED:
            continue
        _, high = bands(ctx.config)[r.band]
        if ind.score >= high * ind.weight:  # type: ignore[operator]
            band, lo, hi = _band_limits(ctx, r)  # type: ignore[misc]
            yield ctx.diag(
                "PD405",
                f"「{ind.name}」为「{BAND_LABELS[band]}」，得分应在 {lo} 至 {hi}（不含）之间，"
                f"填写的 {ctx.num(ind.score)} 高于该档次",
                ind,
                "score",
            )


@rule("PD406", W, "定性指标得分低于所属档次", ASSESSMENT_ONLY)
def qualitative_not_below_band(ctx: RuleContext) -> Iterator[Diagnostic]:
    """定性指标的得分低于所注明档次的下限，与档次矛盾。

    A qualitative 得分 below the lower bound of its stated band contradicts the band."""
    for r in _typed(ctx):
        ind = r.indicator
        if r.kind != QUALITATIVE or r.band is None:
            continue
        low, _ = bands(ctx.config)[r.band]
        if ind.score < low * ind.weight:  # type: ignore[operator]
            band, lo, hi = _band_limits(ctx, r)  # type: ignore[misc]
            yield ctx.diag(
                "PD406",
                f"「{ind.name}」为「{BAND_LABELS[band]}」（{lo} 至 {hi}），填写的得分 {ctx.num(ind.score)} 低于该档次；"
                "请核对「达成情况」",
                ind,
                "score",
            )


@rule("PD407", W, "年度指标值与实际完成值的计量单位不一致，无法按规则计分", ASSESSMENT_ONLY)
def units_agree(ctx: RuleContext) -> Iterator[Diagnostic]:
    """年度指标值与实际完成值按同一计量单位比较（万、亿等数量级会换算）。

    Target and actual value are compared with their magnifiers (万, 亿) and must share a unit."""
    for r in ctx.result.indicators:
        if r.kind == QUANTITATIVE and r.actual is not None and not r.units_agree:
            ind = r.indicator
            yield ctx.diag(
                "PD407",
                f"「{ind.name}」{ctx.label('target')}「{ind.target}」的单位「{r.target.unit}」与{ctx.label('actual')}「{ind.actual}」"  # type: ignore[union-attr]
                f"的单位「{r.actual.unit}」不一致，无法比较",
                ind,
                "actual",
            )


@rule("PD408", N, "实际完成值远超年度指标值，指标值可能设定偏低", ASSESSMENT_ONLY)
def target_not_exceeded_far(ctx: RuleContext) -> Iterator[Diagnostic]:
    """实际完成值达到指标值的 exceed_ratio 倍（默认 1.3 倍，即超出 30%）及以上时提示，下一年度宜调整指标值。

    An actual far above a positive target (≥ exceed_ratio × target) suggests the target was set too low."""
    limit = ctx.config.exceed_ratio
    if ctx.config.exceed_deduction:
        return  # the profile deducts for it: PD313 checks the score instead
    for r in ctx.result.indicators:
        if r.exceeds(limit) and r.ratio is not None:
            ind = r.indicator
            yield ctx.diag(
                "PD408",
                f"「{ind.name}」{ctx.label('actual')}「{ind.actual}」是{ctx.label('target')}「{ind.target}」"
                f"的 {round2(r.ratio)} 倍，"
                "指标值可能设定偏低；评分规则要求按偏离程度酌情扣分，并在下一年度调整指标值",
                ind,
                "actual",
            )


@rule("PD409", W, "定性指标实际完成值与年度指标值不同，且未注明达成情况", ASSESSMENT_ONLY)
def qualitative_band_stated(ctx: RuleContext) -> Iterator[Diagnostic]:
    """定性指标的实际与目标不同时，须注明达成情况（达成 / 部分达成 / 未达成）以核对档次。

    A qualitative actual that differs from its target needs a stated 达成情况 to judge its band. A printed
    form (.docx) has no 达成情况 column: there the score the unit gave stands, and is not questioned."""
    if ctx.assessment.printed:
        return
    for r in ctx.result.indicators:
        ind = r.indicator
        if r.kind == QUALITATIVE and r.band is None and None not in (ind.actual, ind.score, ind.target):
            yield ctx.diag(
                "PD409",
                f"「{ind.name}」{ctx.label('actual')}「{ind.actual}」与{ctx.label('target')}「{ind.target}」不同，请注明「达成情况」"
                "（达成 / 部分达成 / 未达成），以便核对得分档次",
                ind,
                "actual",
            )


@rule("PD410", E, "无法计算得分，须填写得分", ASSESSMENT_ONLY)
def score_computable(ctx: RuleContext) -> Iterator[Diagnostic]:
    """无法按规则算出得分的指标（定性档次内、单位不同、非数量），须由评价人填写得分。

    Without a typed 得分 the rules must be able to compute one; otherwise the author types it."""
    for r in ctx.result.indicators:
        ind = r.indicator
        if r.score is not None or ind.actual is None or ind.weight is None or ind.target is None:
            continue  # a missing target is PD201's to say
        if r.kind == QUALITATIVE and r.band is not None:
            why = f"「{r.band}」档次的得分须由评价人在档次范围内填写"
        elif r.kind == QUALITATIVE:
            why = "定性指标的实际完成值与年度指标值不同，且未注明「达成情况」"
        elif r.actual is None:
            why = f"{ctx.label('actual')}「{ind.actual}」不是数量"
        else:
            why = f"{ctx.label('target')}「{ind.target}」与{ctx.label('actual')}「{ind.actual}」的单位不一致"
        yield ctx.diag("PD410", f"「{ind.name}」无法计算得分：{why}；请填写「得分」", ind, "actual")


@rule("PD411", W, "实际完成值无法解析为数量", ASSESSMENT_ONLY)
def actual_is_quantity(ctx: RuleContext) -> Iterator[Diagnostic]:
    """定量指标（如 ≥400次）的实际完成值也应是数量。

    A quantitative target (=100%, ≥400次) expects an actual value that is a number too."""
    for r in ctx.result.indicators:
        ind = r.indicator
        if r.kind == QUANTITATIVE and ind.actual is not None and r.actual is None:
            yield ctx.diag(
                "PD411",
                f"「{ind.name}」{ctx.label('target')}「{ind.target}」是定量的，{ctx.label('actual')}「{ind.actual}」却无法解析为数量"
                "（应如 100%、731次、66.16亿、90%以上）",
                ind,
                "actual",
            )


@rule("PD412", W, "执行率偏低而指标几乎满分，自评可能偏高", ASSESSMENT_ONLY)
def score_against_spending(ctx: RuleContext) -> Iterator[Diagnostic]:
    """执行率低于 80%，各指标得分却达到其分值的 95% 以上：钱没有花完而产出、效益几乎全部达成，自评可能偏高，
    请核对实际完成值的依据。

    Reviewers look for self-scores that run high against low spending: execution below 80 % with the
    indicators at 95 % or more of their 分值."""
    res = ctx.result
    weights = [r.indicator.weight for r in res.indicators]
    scores = [r.score for r in res.indicators]
    if res.execution_rate is None or res.execution_rate >= 80 or not scores or None in scores or None in weights:
        return
    earned = sum((s for s in scores if s is not None), ZERO)
    possible = sum((w for w in weights if w is not None), ZERO)
    if possible and earned / possible >= Decimal("0.95"):
        yield ctx.diag(
            "PD412",
            f"执行率仅 {res.execution_rate:.2f}%，各指标得分却为其分值的 {round2(earned / possible * 100)}%"
            f"（{ctx.num(earned)}/{ctx.num(possible)}）：请核对实际完成值的依据",
            ctx.assessment,
            "indicators",
        )


@rule("PD413", W, "比率指标的指标值超过 100%", ASSESSMENT_ONLY)
def rate_target_within_hundred(ctx: RuleContext) -> Iterator[Diagnostic]:
    """名称以“率”或“度”结尾的指标（合格率、及时率、满意度、知晓度），指标值一般不超过 100%；超过时多半是单位写错
    或多打了数字（增长率、提高率等除外）。

    A rate's target above 100 % (≥250% for a 认知度 or 合格率) is a unit or typing slip more often than a goal;
    growth rates (增长率、提高率) are left alone."""
    for r in ctx.result.indicators:
        ind, target = r.indicator, r.target
        name = ind.name.rstrip("（）() %％")
        if target is None or target.unit not in ("%", "％") or target.value <= 100:
            continue
        if name.endswith(("率", "度")) and not any(w in name for w in ("增长", "增幅", "提高", "提升", "增加")):
            yield ctx.diag(
                "PD413",
                f"「{ind.name}」的{ctx.label('target')}「{ind.target}」超过 100%：请核对单位与数字",
                ind,
                "target",
            )
