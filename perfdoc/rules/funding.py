"""Rules on the 项目资金 block and the execution row (docs/scoring.md, 项目资金)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from ..diagnostics import Diagnostic
from ..numbers import HUNDRED, ZERO, rounded_from
from ..scoring import execution_score_from_rate
from ..vocabulary import FUNDING_COLUMNS
from .base import ASSESSMENT_ONLY, E, RuleContext, W, rule


@rule("PD301", W, "其中各项之和不等于年度资金总额")
def funding_parts_add_up(ctx: RuleContext) -> Iterator[Diagnostic]:
    """年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金，三列各自核对。

    年度资金总额 equals 当年财政拨款 + 上年结转资金 + 其他资金, in each of the three columns.

    The first seed form fails it: 年初预算数 7,500,000.00 against a 当年财政拨款 of 7,300,000.00.
    """
    funds = ctx.assessment.funds
    total = funds.total
    for column in FUNDING_COLUMNS:
        value = total.amount(column)  # as typed: a summed total agrees with its parts by construction
        parts = [row.amount(column) for row in funds.parts]
        if value is None or all(p is None for p in parts):
            continue
        parts_sum = sum((p for p in parts if p is not None), ZERO)
        if parts_sum != value:
            yield ctx.diag(
                "PD301",
                f"{ctx.label('total')}的{ctx.label(column)} {ctx.amount(value)} "
                f"不等于其中各项之和 {ctx.amount(parts_sum)}"
                f"（相差 {ctx.amount(value - parts_sum)}）",
                total,
                column,
            )


@rule("PD302", W, "全年执行数大于全年预算数", ASSESSMENT_ONLY)
def executed_within_budget(ctx: RuleContext) -> Iterator[Diagnostic]:
    """全年执行数一般不超过全年预算数；执行率得分最多按 100% 计。

    全年执行数 should not exceed 全年预算数 (the execution score is capped at 100 % anyway)."""
    for row in ctx.assessment.funds.rows.values():
        executed, budget = ctx.result.amount(row, "executed"), ctx.result.amount(row, "budget")
        if executed is not None and budget is not None and executed > budget:
            yield ctx.diag(
                "PD302",
                f"「{ctx.label(row.name)}」{ctx.label('executed')} {ctx.amount(executed)} "
                f"大于{ctx.label('budget')} {ctx.amount(budget)}",
                row,
                "executed",
            )


@rule("PD303", E, "全年预算数为 0 或缺失，无法计算执行率", ASSESSMENT_ONLY)
def budget_present_and_nonzero(ctx: RuleContext) -> Iterator[Diagnostic]:
    """执行率 = 全年执行数 ÷ 全年预算数，须有不为 0 的全年预算数和全年执行数。

    执行率 = 全年执行数 / 全年预算数 needs a 全年预算数 that is present and not 0, and a 全年执行数."""
    total, totals = ctx.assessment.funds.total, ctx.result.totals
    if totals["budget"] is None:
        yield ctx.diag("PD303", f"{ctx.label('total')}缺少{ctx.label('budget')}，无法计算执行率", total, "budget")
    elif totals["budget"] == 0:
        yield ctx.diag("PD303", f"{ctx.label('total')}的{ctx.label('budget')}为 0，无法计算执行率", total, "budget")
    if totals["executed"] is None:
        yield ctx.diag("PD303", f"{ctx.label('total')}缺少{ctx.label('executed')}，无法计算执行率", total, "executed")


@rule("PD304", E, "填写的执行率与计算结果不符", ASSESSMENT_ONLY)
def typed_execution_rate_matches(ctx: RuleContext) -> Iterator[Diagnostic]:
    """填写的执行率须等于 全年执行数 ÷ 全年预算数，四舍五入到两位小数（或表上印的位数）。

    A typed 执行率 equals 全年执行数 / 全年预算数 rounded half up to 2 decimals, or to the fewer decimals the
    form prints it with (95.4% and 95% both state 95.42% correctly)."""
    funds, computed, ratio = ctx.assessment.funds, ctx.result.execution_rate, ctx.result.execution_ratio
    typed = funds.execution_rate
    if typed is None or computed is None or ratio is None or typed == computed:
        return
    places = -int(typed.as_tuple().exponent)  # negative for a fraction typed as 0.1 (1E+1 %: tens of percent)
    if places < 2 and typed == (ratio * HUNDRED).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        return
    totals = ctx.result.totals
    yield ctx.diag(
        "PD304",
        f"填写的执行率 {format(typed, 'f')}% 与计算结果不符："
        f"{ctx.amount(totals['executed'])} ÷ {ctx.amount(totals['budget'])} = {computed:.2f}%",
        funds,
        "execution_rate",
    )


@rule("PD305", E, "填写的预算执行得分与计算结果不符", ASSESSMENT_ONLY)
def typed_execution_score_matches(ctx: RuleContext) -> Iterator[Diagnostic]:
    """预算执行得分 = min(执行率, 100%) × 分值，四舍五入到两位小数。

    A typed execution 得分 equals min(执行率, 100%) × 分值, from the exact ratio or from the printed rate."""
    funds, res = ctx.assessment.funds, ctx.result
    if funds.score is None or res.execution_score is None or res.execution_rate is None:
        return
    accepted = {res.execution_score, execution_score_from_rate(res.execution_rate, res.execution_weight)}
    if funds.score not in accepted and not rounded_from(
        funds.score, res.execution_score, funds.execution_rate
    ):  # PD316 says that
        yield ctx.diag(
            "PD305",
            f"填写的预算执行得分 {ctx.num(funds.score)} 与计算结果不符：min({res.execution_rate:.2f}%, 100%) × "
            f"{ctx.num(res.execution_weight)} = {res.execution_score:.2f}",
            funds,
            "score",
        )
