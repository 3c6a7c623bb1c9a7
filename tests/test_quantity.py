"""Targets and actual values as real forms write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfdoc.quantity import parse_quantity, units_agree


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit", "qualifier"),
    [
        ("=100%", "=", "100", "%", ""),
        (">=400次", ">=", "400", "次", ""),
        ("≥400次", ">=", "400", "次", ""),
        ("≧400次", ">=", "400", "次", ""),
        ("＞400次", ">", "400", "次", ""),
        ("＝100%", "=", "100", "%", ""),
        ("═100%", "=", "100", "%", ""),
        ("≤30万元", "<=", "300000", "元", ""),
        ("≦30万元", "<=", "300000", "元", ""),
        ("<5%", "<", "5", "%", ""),
        ("40亿元", "", "4000000000", "元", ""),
        ("66.16亿", "", "6616000000", "", ""),
        ("731次", "", "731", "次", ""),
        ("1000余次", "", "1000", "次", "余"),
        ("90%以上", "", "90", "%", "以上"),
        ("90%以上。报名数相较去年增长62.7%。", "", "90", "%", "以上"),
        ("=1份", "=", "1", "份", ""),
        ("不低于95%", ">=", "95", "%", ""),
        ("１２０人", "", "120", "人", ""),
        ("1,200万元", "", "12000000", "元", ""),
        ("30天内", "", "30", "天", "内"),
        ("9月前", "", "9", "月", "前"),
        ("11月以前", "", "11", "月", "以前"),
        ("5%以下", "", "5", "%", "以下"),
        ("≥ 5.2 万人次", ">=", "52000", "人次", ""),
    ],
)
def test_quantities(text, comparator, value, unit, qualifier):
    q = parse_quantity(text)
    assert q is not None
    assert (q.comparator, q.value, q.unit, q.qualifier) == (comparator, Decimal(value), unit, qualifier)


@pytest.mark.parametrize(
    "text",
    [
        "安全",
        "良好",
        "与上一年度相比提升",
        "高于全国平均数",
        "低于全国平均数。全国41.35%，上海35.62%",
        "满足现有工作设备需求",
        "建立",
        "",
        None,
        "2020年12月31日前完成",
    ],
)
def test_qualitative_texts_are_not_quantities(text):
    assert parse_quantity(text) is None


@pytest.mark.parametrize(
    ("text", "reverse"),
    [
        ("≤30万元", True),
        ("<5%", True),
        ("30天内", True),
        ("9月前", True),
        ("5%以下", True),
        ("3个工作日以内", True),
        ("90%以上", False),
        ("731次", False),
        ("≥400次", False),
        ("1000余次", False),
    ],
)
def test_an_upper_bound_in_words_is_reverse(text, reverse):
    q = parse_quantity(text)
    assert q is not None and q.is_reverse is reverse


def test_units_agree_with_magnifiers_and_omitted_units():
    assert units_agree(parse_quantity("40亿元"), parse_quantity("66.16亿"))
    assert units_agree(parse_quantity("≤30万元"), parse_quantity("250000元"))
    assert not units_agree(parse_quantity("≥100人"), parse_quantity("120次"))
    assert units_agree(parse_quantity("≥1次/年"), parse_quantity("2次"))
    assert units_agree(parse_quantity("≤30日"), parse_quantity("25天"))


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "万", "亿"]),
    st.sampled_from(["%", "次", "元", "人", ""]),
    st.sampled_from(["", "=", ">=", "≥", "≤", "<"]),
)
def test_roundtrip_any_written_quantity(number, magnifier, unit, comparator):
    text = f"{comparator}{number}{magnifier}{unit}"
    q = parse_quantity(text)
    assert q is not None
    assert q.number == number
    assert q.unit == unit and q.magnifier == magnifier
