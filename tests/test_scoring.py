"""The scoring rules of docs/scoring.md, each with a real case."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from perfdoc.config import Config
from perfdoc.model import Assessment, FundingRow, Funds, Indicator
from perfdoc.scoring import execution, execution_score_from_rate, infer_band, score, score_indicator
from perfdoc.vocabulary import ACHIEVED, ASSESSMENT, MISSED, PARTIAL


def funds(budget: str, executed: str, weight: str = "10") -> Funds:
    f = Funds(weight=D(weight))
    f.rows = {k: FundingRow(name=k) for k in ("total", "appropriation", "carryover", "other")}
    f.rows["total"].budget, f.rows["total"].executed = D(budget), D(executed)
    return f


def ind(target: str, actual: str | None, weight: str = "10", **kw) -> Indicator:
    base = {"category": "产出指标", "subcategory": "数量指标", "name": "指标"}
    base.update(kw)
    return Indicator(target=target, actual=actual, weight=D(weight), **base)


def test_execution_rate_uses_full_year_budget_seed_form_1():
    a = Assessment(funds=funds("7300000.00", "7295544.00"), stage=ASSESSMENT)
    a.funds.total.initial_budget = D("7500000.00")  # never the denominator
    res = score(a, Config())
    assert res.execution_rate == D("99.94") and res.execution_score == D("9.99")


def test_execution_score_capped_at_100_percent():
    assert execution(D(100), D(120), D(10))[1:] == (D("120.00"), D("10.00"))


def test_execution_with_weight_20_and_decimal_amounts():
    _ratio, rate, sc = execution(D("1234.5678"), D("1000.0000"), D(20))
    assert rate == D("81.00") and sc == D("16.20")


def test_execution_zero_budget_is_not_computed():
    assert execution(D(0), D(0), D(10)) == (None, None, None)


def test_execution_weight_comes_from_the_configuration_when_not_typed():
    """The model keeps what the author wrote: an untyped 分值 stays None, the configured one scores."""
    a = Assessment(funds=funds("100", "90"), stage=ASSESSMENT)
    a.funds.weight = None
    res = score(a, Config(execution_weight=D(20)))
    assert a.funds.weight is None
    assert res.execution_weight == D(20) and res.execution_score == D("18.00")


def test_score_from_printed_rate_is_accepted_as_alternative():
    # 99.945 % prints as 99.95 % (half up); 99.95 % × 10 = 9.995 → 10.00, exact ratio gives 9.99
    assert execution_score_from_rate(D("99.95"), D(10)) == D("10.00")


@pytest.mark.parametrize(
    ("target", "actual", "weight", "achieved", "rule"),
    [
        ("=100%", "100%", "5", True, "5.00"),  # seed: 完成率
        ("=300次", "731次", "8", True, "8.00"),  # seed: 培训服务, exceeded
        (">=400次", "1000余次", "8", True, "8.00"),  # seed: 宣传服务
        ("40亿元", "66.16亿", "10", True, "10.00"),  # seed: 年贷款额, magnifier
        (">=90%", "90%以上。报名数相较去年增长62.7%。", "10", True, "10.00"),  # seed: 政策知晓度
        ("=100%", "95%", "6", False, "5.70"),  # positive: 95/100 × 6
        (">=400次", "300次", "8", False, "6.00"),
        ("≥3", "2", "5", False, "3.33"),  # 2/3 × 5 = 3.333…
        ("≥3", "2", "12.5", False, "8.33"),  # decimal weight
    ],
)
def test_positive_indicators(target, actual, weight, achieved, rule):
    r = score_indicator(ind(target, actual, weight), ASSESSMENT)
    assert r.kind == "定量" and not r.reverse
    assert r.achieved is achieved
    assert r.rule_score == D(rule)


@pytest.mark.parametrize(
    ("target", "actual", "achieved", "rule"),
    [
        ("≤30万元", "28万元", True, "10.00"),
        ("≤30万元", "36万元", False, "8.00"),  # (1 − 6/30) × 10
        ("≤30万元", "60万元", False, "0.00"),  # 0 at twice the target
        ("≤30万元", "90万元", False, "0.00"),  # never negative
        ("<5%", "2.39%", True, "10.00"),
        ("≤0起", "1起", False, "0.00"),
    ],
)
def test_reverse_indicators(target, actual, achieved, rule):
    r = score_indicator(ind(target, actual), ASSESSMENT)
    assert r.reverse
    assert (r.achieved, r.rule_score) == (achieved, D(rule))


def test_cost_indicator_with_bare_target_is_reverse():
    r = score_indicator(ind("30万元", "33万元", subcategory="成本指标"), ASSESSMENT)
    assert r.reverse and r.rule_score == D("9.00")


def test_complaint_rate_with_bare_target_is_reverse():
    r = score_indicator(
        ind("=1%", "0.5%", name="投诉率", category="满意度指标", subcategory="服务对象满意度指标"), ASSESSMENT
    )
    assert r.reverse and r.achieved


def test_explicit_direction_overrides_comparator():
    r = score_indicator(ind("=10天", "12天", direction="反向"), ASSESSMENT)
    assert r.reverse and r.rule_score == D("8.00")


@pytest.mark.parametrize(
    ("target", "actual", "band"),
    [
        ("安全", "安全", ACHIEVED),
        ("良好", "良好。", ACHIEVED),
        ("建立", "已完成", ACHIEVED),
        ("提升", "部分完成", PARTIAL),
        ("规范", "未达到", MISSED),
        ("高于全国平均数", "低于全国平均数", None),
    ],
)
def test_qualitative_band_inference(target, actual, band):
    assert infer_band(target, actual) == band


def test_qualitative_declared_band_seed_form_3():
    i = ind("高于全国平均数", "低于全国平均数。全国41.35%，上海35.62%", achievement=MISSED)
    i.score = D(2)
    r = score_indicator(i, ASSESSMENT)
    assert r.kind == "定性" and r.band == MISSED and r.rule_score is None and r.score == D(2)


def test_total_and_grade_bands_are_configurable():
    a = Assessment(funds=funds("100", "100"), stage=ASSESSMENT)
    a.indicators = [ind("=100%", "100%", "50"), ind("=100%", "80%", "40")]
    res = score(a, Config())
    assert res.total_score == D("92.00") and res.grade == "优"  # 10 + 50 + 32
    cfg = Config(grade_bands={"优秀": D(95), "良好": D(85), "合格": D(60), "不合格": D(0)})
    assert score(a, cfg).grade == "良好"


@pytest.mark.parametrize(
    ("total", "grade"),
    [("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"), ("60", "中"), ("59.99", "差"), ("0", "差")],
)
def test_grade_boundaries(total, grade):
    assert Config().grade(D(total)) == grade


def test_derived_total_row_from_parts():
    a = Assessment(funds=funds("1", "1"), stage=ASSESSMENT)
    a.funds.total.budget = a.funds.total.executed = None
    a.funds.rows["appropriation"].budget = D("300")
    a.funds.rows["carryover"].budget = D("200")
    a.funds.rows["appropriation"].executed = D("450")
    a.indicators = [ind("=1", "1", "90")]
    res = score(a, Config())
    assert res.totals["budget"] == D("500") and "budget" in res.derived
    assert a.funds.total.budget is None  # scoring never writes into what the author typed
    assert res.execution_rate == D("90.00") and res.total_score == D("99.00")


@pytest.mark.parametrize(
    ("target", "actual", "band"),
    [("提升", "部分提升", PARTIAL), ("规范", "基本规范", PARTIAL), ("提升", "未提升", MISSED)],
)
def test_qualitative_band_from_prefixed_target(target, actual, band):
    assert infer_band(target, actual) == band


def test_a_profile_deducting_for_a_target_far_exceeded_lowers_the_rule_score():
    """exceed_ratio 1.3 / exceed_deduction 2: 700 against ≥500 (1.4 times) allows 28 of 30; 600 (1.2) all 30;
    a reverse indicator far below its ceiling is not a deviation."""
    from perfdoc.config import Config

    cfg = Config(exceed_ratio=D("1.3"), exceed_deduction=D(2))
    far = score_indicator(ind("≥500人", "700人", "30"), ASSESSMENT, cfg)
    assert far.overshoot and far.rule_score == D(28)
    near = score_indicator(ind("≥500人", "600人", "30"), ASSESSMENT, cfg)
    assert not near.overshoot and near.rule_score == D(30)
    reverse = score_indicator(ind("≤100万元", "20万元", "10"), ASSESSMENT, cfg)
    assert not reverse.overshoot and reverse.rule_score == D(10)
    assert score_indicator(ind("≥500人", "700人", "30"), ASSESSMENT).rule_score == D(30)


@pytest.mark.parametrize(
    ("name", "target", "actual"),
    [
        ("财政供养人员控制率", "100%", "92%"),  # kept within the ceiling (重庆 部门整体 2021)
        ("预算调整率", "3%", "0%"),
        ("结转结余率", "2%", "0%"),
        ("三公经费变动率", "5%", "3%"),
    ],
)
def test_rates_kept_under_a_ceiling_are_reverse(name, target, actual):
    r = score_indicator(ind(target, actual, "2", name=name), ASSESSMENT)
    assert r.reverse and r.achieved is True and r.rule_score == D("2.00")


@pytest.mark.parametrize(
    ("name", "target", "ceiling", "actual", "weight", "achieved", "rule"),
    [
        # 安徽 金寨县 部门整体 2023: deadlines written as a month "前", met a month or two early, full marks typed.
        ("指标1:完成美丽宜居自然村庄验收时间", "9月前", "≤9月", "7月", "5", True, "5.00"),
        ("指标2:完成户用卫生厕所改造验收时间", "11月前", "≤11月", "10月", "5", True, "5.00"),
        ("办理时限", "30天内", "≤30天", "20天", "10", True, "10.00"),
        ("办理时限", "30天内", "≤30天", "36天", "10", False, "8.00"),  # (1 − 6/30) × 10
        ("差错率", "5%以下", "≤5%", "2%", "10", True, "10.00"),
        ("受理时限", "3个工作日以内", "≤3个工作日", "2个工作日", "10", True, "10.00"),
    ],
)
def test_a_bare_number_bounded_in_words_is_reverse(name, target, ceiling, actual, weight, achieved, rule):
    """以下 / 以内 / 内 / 前 after a bare number bound it from above, as ≤ does: finishing early or staying
    under is the goal. Before, 9月前 against 7月 was read as an unknown unit 月前, and 30天内 as at least 30."""
    r = score_indicator(ind(target, actual, weight, name=name, subcategory="时效指标"), ASSESSMENT)
    assert r.reverse
    assert (r.achieved, r.rule_score) == (achieved, D(rule))
    bounded = score_indicator(ind(ceiling, actual, weight, name=name, subcategory="时效指标"), ASSESSMENT)
    assert (bounded.achieved, bounded.rule_score) == (r.achieved, r.rule_score)
