"""Rules of the mid-year 绩效运行监控 (a source with a 监控 block): spending against the time elapsed, and
indicators whose value to date lags their target."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from ..diagnostics import Diagnostic
from ..numbers import HUNDRED, round2
from ..quantity import parse_quantity, units_agree
from ..vocabulary import MONITOR
from .base import E, RuleContext, W, rule

MONITOR_ONLY = (MONITOR,)
LAG_TOLERANCE = Decimal(10)  # percentage points behind the time elapsed before an indicator is said to lag


def months_elapsed(as_of: date) -> int:
    """Whole months of the year behind the 截至 date: 2020-07-31 is 7, 2020-07-15 is 6."""
    last = calendar.monthrange(as_of.year, as_of.month)[1]
    return as_of.month if as_of.day == last else as_of.month - 1


def required_progress(thresholds: tuple[tuple[Decimal, Decimal], ...], as_of: date) -> tuple[Decimal, Decimal] | None:
    """(month, percent) of the latest threshold the 截至 date has passed (7 月底: 6 月底 40 %), if any."""
    months = months_elapsed(as_of)
    due = [(month, need) for month, need in thresholds if month <= months]
    return max(due) if due else None


@rule("PD603", E, "绩效监控缺少截至日期或执行数", MONITOR_ONLY)
def monitoring_complete(ctx: RuleContext) -> Iterator[Diagnostic]:
    """绩效监控（有「监控」一节的文件）须写明截至日期与截至该日的执行数，执行进度才算得出。

    The 监控 block states its 截至 date and the amount executed by then."""
    block = ctx.assessment.monitoring
    if block is None:
        return
    for name, label in (("as_of", "截至"), ("executed", "执行数")):
        if getattr(block, name) is None:
            yield ctx.diag("PD603", f"「监控」缺少「{label}」", block, name)


@rule("PD604", W, "预算执行进度落后于时间进度", MONITOR_ONLY)
def spending_keeps_pace(ctx: RuleContext) -> Iterator[Diagnostic]:
    """截至监控日，执行数占全年预算数的比例不低于表式规定的时间进度（默认 4 月底 25%、6 月底 40%、8 月底 60%、
    10 月底 80%；monitor_thresholds）。

    Executed share of the budget against the share the profile requires by the months elapsed."""
    block, share = ctx.assessment.monitoring, ctx.result.spent_to_date
    if block is None or block.as_of is None or share is None:
        return
    due = required_progress(ctx.config.monitor_thresholds, block.as_of)
    if due is None:
        return
    month, need = due
    if share < need:
        yield ctx.diag(
            "PD604",
            f"截至 {block.as_of.isoformat()} 执行进度 {share:.2f}%，低于 {ctx.num(month)} 月底应达到的 "
            f"{ctx.num(need)}%：请分析原因，加快执行",
            block,
            "executed",
        )


@rule("PD605", W, "指标完成进度落后于时间进度，未说明偏差原因", MONITOR_ONLY)
def indicators_keep_pace(ctx: RuleContext) -> Iterator[Diagnostic]:
    """定量指标的监控值占年度指标值的比例，落后于已过时间的比例 10 个百分点以上（合格率、满意度等百分比指标：
    低于年度指标值）时，须填写偏差原因类别与纠偏措施；完成可能性为“完全不可能”时，须填写纠偏措施。

    A positive quantitative target whose value to date lags the months elapsed by more than ten points needs
    its 偏差原因 and 纠偏措施."""
    block = ctx.assessment.monitoring
    if block is None or block.as_of is None:
        return
    elapsed = Decimal(months_elapsed(block.as_of)) / 12 * HUNDRED
    for r in ctx.result.indicators:
        ind = r.indicator
        if ind.likelihood == "完全不可能" and not ind.remedy:
            yield ctx.diag("PD605", f"「{ind.name}」完成可能性为“完全不可能”，须填写「纠偏措施」", ind, "likelihood")
            continue
        value = parse_quantity(ind.to_date)
        if r.target is None or r.reverse or value is None or not r.target.value or not units_agree(r.target, value):
            continue
        if ind.cause is not None and ind.remedy:
            continue
        progress = round2(value.value / r.target.value * HUNDRED)
        if r.target.unit in ("%", "％"):  # a rate (合格率, 满意度) is not cumulative: compared as it stands
            if value.value < r.target.value:
                yield ctx.diag(
                    "PD605",
                    f"「{ind.name}」监控值「{ind.to_date}」低于年度指标值「{ind.target}」：请填写「偏差原因类别」与「纠偏措施」",
                    ind,
                    "to_date",
                )
        elif progress < elapsed - LAG_TOLERANCE:
            yield ctx.diag(
                "PD605",
                f"「{ind.name}」监控值「{ind.to_date}」只完成年度指标值「{ind.target}」的 {progress}%，"
                f"落后于时间进度 {round2(elapsed)}%：请填写「偏差原因类别」与「纠偏措施」",
                ind,
                "to_date",
            )
