"""Pipeline stage 3 — score: what docs/scoring.md says can be computed, computed exactly.

执行率 = 全年执行数 / 全年预算数; execution score = min(执行率, 100%) × 分值; each indicator's rule score
(positive, reverse, qualitative bands); 总分 = execution score + Σ indicator 得分; grade from config bands.
All in ``Decimal``, rounded half up to 2 places only where the form shows a figure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from .model import Assessment, FundingRow, Indicator
from .numbers import HUNDRED, ZERO, round2
from .quantity import (
    Quantity,
    normalize_words,
    parse_quantity,
    units_agree,
)
from .record import field, record
from .vocabulary import (
    ACHIEVED,
    ACHIEVED_WORDS,
    ASSESSMENT,
    FUNDING_COLUMNS,
    MISSED,
    MISSED_PREFIXES,
    MISSED_WORDS,
    PARTIAL,
    PARTIAL_PREFIXES,
    PARTIAL_WORDS,
    REVERSE,
    REVERSE_NAME_HINTS,
)

if TYPE_CHECKING:  # the configuration is only read here, never imported at run time
    from .config import Config

QUANTITATIVE = "定量"
QUALITATIVE = "定性"


def bands(config: Config) -> dict[str, tuple[Decimal, Decimal]]:
    """Qualitative bands as fractions of 分值: [lower, upper]; lower inclusive, upper exclusive except 达成.
    MOF: 达成 80–100 %, 部分达成 60–80 %, 未达成 0–60 %; the floors are the profile's (some use 80 / 50)."""
    achieved, partial = config.band_achieved, config.band_partial
    return {ACHIEVED: (achieved, Decimal(1)), PARTIAL: (partial, achieved), MISSED: (Decimal(0), partial)}


@record
class IndicatorResult:
    indicator: Indicator
    kind: str  # 定量 / 定性
    target: Quantity | None = None
    actual: Quantity | None = None
    reverse: bool = False
    units_agree: bool = True
    achieved: bool | None = None  # None: cannot tell (no actual, unparseable, plan stage)
    band: str | None = None  # qualitative band used
    band_inferred: bool = False
    rule_score: Decimal | None = None  # the most the scoring rules allow
    score: Decimal | None = None  # the 得分 printed: typed if typed, else the rule score
    ratio: Decimal | None = None  # actual / target, for the advisory on targets set too low
    overshoot: bool = False  # exceeded exceed_ratio × target where the profile deducts for it (指标偏离)

    @property
    def deducted(self) -> Decimal:
        w = self.indicator.weight
        return (w - self.score) if (w is not None and self.score is not None) else ZERO

    def exceeds(self, ratio: Decimal) -> bool:
        """A positive quantitative target reached `ratio` times or more: set too low (PD408, PD313, rollover)."""
        return self.kind == QUANTITATIVE and not self.reverse and self.ratio is not None and self.ratio >= ratio


@record
class Result:
    """Everything computed from a form as written; the form itself is left as the author wrote it."""

    assessment: Assessment
    execution_weight: Decimal = ZERO  # 分值 of the execution row: as typed, else the configured one
    totals: dict[str, Decimal | None] = field(default_factory=dict)  # 年度资金总额 by column, as the form shows it
    derived: frozenset[str] = frozenset()  # the columns of totals summed from the 其中 rows, not typed
    execution_ratio: Decimal | None = None  # exact 全年执行数 / 全年预算数
    execution_rate: Decimal | None = None  # percent, 2 places: 99.94
    execution_score: Decimal | None = None  # 2 places: 9.99
    spent_to_date: Decimal | None = None  # 绩效监控: 执行数 at the 截至 date ÷ 全年预算数, percent, 2 places
    indicators: list[IndicatorResult] = field(default_factory=list)
    total_score: Decimal | None = None
    grade: str | None = None

    @property
    def weight_sum(self) -> Decimal:
        weights = [r.indicator.weight for r in self.indicators if r.indicator.weight is not None]
        return sum(weights, ZERO) + self.execution_weight

    def amount(self, row: FundingRow, column: str) -> Decimal | None:
        """A funding cell as the form shows it: the 年度资金总额 row with its summed columns."""
        return self.totals.get(column) if row.name == "total" else row.amount(column)


def funding_totals(a: Assessment) -> tuple[dict[str, Decimal | None], frozenset[str]]:
    """年度资金总额 by column; an empty cell is the sum of its 其中 rows (when any of them is filled)."""
    totals: dict[str, Decimal | None] = {}
    derived = set()
    for column in FUNDING_COLUMNS:
        typed = a.funds.total.amount(column)
        parts = [p for p in (row.amount(column) for row in a.funds.parts) if p is not None]
        if typed is None and parts:
            typed = sum(parts, ZERO)
            derived.add(column)
        totals[column] = typed
    return totals, frozenset(derived)


def execution(
    budget: Decimal | None, executed: Decimal | None, weight: Decimal
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(exact ratio, rate in percent to 2 places, score to 2 places); None where 全年预算数 is 0 or missing."""
    if budget is None or budget == 0 or executed is None:
        return None, None, None
    ratio = executed / budget
    return ratio, round2(ratio * HUNDRED), round2(min(ratio, Decimal(1)) * weight)


def execution_score_from_rate(rate: Decimal, weight: Decimal) -> Decimal:
    """The score as a person computes it from the printed rate (99.94% × 10): accepted as well."""
    return round2(min(rate, HUNDRED) / HUNDRED * weight)


def is_reverse(ind: Indicator, target: Quantity) -> bool:
    """≤ and < are reverse; so is a bare or = target on a cost indicator or a complaint/error rate."""
    if ind.direction is not None:
        return ind.direction == REVERSE
    if target.is_reverse:
        return True
    if target.comparator in ("", "="):
        return "成本" in ind.subcategory or "成本" in ind.category or any(h in ind.name for h in REVERSE_NAME_HINTS)
    return False


def quantitative_ratio(target: Quantity, actual: Quantity, reverse: bool) -> tuple[bool, Decimal]:
    """(achieved, fraction of 分值 the rules allow)."""
    t, a = target.value, actual.value
    if not reverse:
        if a >= t or t == 0:
            return True, Decimal(1)
        return False, max(a / t, ZERO)
    if a <= t:
        return True, Decimal(1)
    if t == 0:
        return False, ZERO
    # The reverse rule (docs/scoring.md): falls linearly, 0 at twice the target.
    return False, max(Decimal(1) - (a - t) / t, ZERO)


def infer_band(target: str | None, actual: str | None) -> str | None:
    """The band a qualitative actual value states by itself (安全 against 安全, 已完成, 部分完成)."""
    if actual is None:
        return None
    words = normalize_words(actual)
    if target is not None and words == normalize_words(target):
        return ACHIEVED
    for band, vocabulary in ((ACHIEVED, ACHIEVED_WORDS), (PARTIAL, PARTIAL_WORDS), (MISSED, MISSED_WORDS)):
        if words in vocabulary:
            return band
    if target is not None:
        # 部分提升 / 基本规范 / 未提升 against 提升, 规范: the actual says how much of the target was met.
        goal = normalize_words(target)
        for band, prefixes in ((PARTIAL, PARTIAL_PREFIXES), (MISSED, MISSED_PREFIXES)):
            if any(words == prefix + goal for prefix in prefixes):
                return band
    return None


def score_indicator(ind: Indicator, stage: str, config: Config | None = None) -> IndicatorResult:
    target = parse_quantity(ind.target)
    if target is None:
        result = IndicatorResult(ind, QUALITATIVE)
        result.band = ind.achievement
        if result.band is None:
            result.band = infer_band(ind.target, ind.actual)
            result.band_inferred = result.band is not None
        if result.band is not None and ind.weight is not None:
            result.achieved = result.band == ACHIEVED
            if result.band == ACHIEVED:
                result.rule_score = ind.weight
    else:
        result = IndicatorResult(ind, QUANTITATIVE, target=target, reverse=is_reverse(ind, target))
        result.actual = parse_quantity(ind.actual)
        if result.actual is not None:
            result.units_agree = units_agree(target, result.actual)
            if result.units_agree:
                achieved, fraction = quantitative_ratio(target, result.actual, result.reverse)
                result.achieved = achieved
                if target.value:
                    result.ratio = result.actual.value / target.value
                if ind.weight is not None:
                    result.rule_score = round2(min(fraction, Decimal(1)) * ind.weight)
                    _deduct_overshoot(result, config)
    if stage == ASSESSMENT:
        result.score = ind.score if ind.score is not None else result.rule_score
    return result


def _deduct_overshoot(result: IndicatorResult, config: Config | None) -> None:
    """Where the profile says so, a positive target exceeded by exceed_ratio or more counts as 指标偏离 (set
    too low) and loses exceed_deduction points (one provincial platform: 30 % above → −2)."""
    w = result.indicator.weight
    if config is None or not config.exceed_deduction or w is None:
        return
    if result.exceeds(config.exceed_ratio):
        result.overshoot = True
        result.rule_score = max(w - config.exceed_deduction, ZERO)


def score(a: Assessment, config: Config) -> Result:
    """Compute everything the form derives from what the author typed."""
    weight = a.funds.weight if a.funds.weight is not None else config.execution_weight
    totals, derived = funding_totals(a)
    result = Result(assessment=a, execution_weight=weight, totals=totals, derived=derived)
    result.indicators = [score_indicator(ind, a.stage, config) for ind in a.indicators]
    budget = totals["budget"]
    if a.monitoring is not None and a.monitoring.executed is not None and budget:
        result.spent_to_date = round2(a.monitoring.executed / budget * HUNDRED)
    if a.stage != ASSESSMENT:
        return result
    result.execution_ratio, result.execution_rate, result.execution_score = execution(
        totals["budget"], totals["executed"], weight
    )
    parts = [result.execution_score, *(r.score for r in result.indicators)]
    if result.indicators and all(p is not None for p in parts) and not a.partial:  # a cut-off form has no total
        result.total_score = round2(sum((p for p in parts if p is not None), ZERO))
        result.grade = config.grade(result.total_score)
    return result
