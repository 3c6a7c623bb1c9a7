from __future__ import annotations

from decimal import Decimal

import pytest

from perfdoc.numbers import fmt_amount, fmt_rate, fmt_score, parse_decimal, round2


def test_round_half_up_not_bankers():
    assert round2(Decimal("0.125")) == Decimal("0.13")
    assert round2(Decimal("2.675")) == Decimal("2.68")
    assert round2(Decimal("99.945")) == Decimal("99.95")
    assert round2(Decimal("-0.125")) == Decimal("-0.13")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("7,300,000.00", "7300000.00"),
        ("7295544", "7295544"),
        ("７３０００００", "7300000"),
        ("7 300 000", "7300000"),
        ("99.94%", None),
        ("—", None),
        ("-", None),
        ("/", None),
        ("", None),
        ("0.5", "0.5"),
        ("12.5", "12.5"),
    ],
)
def test_parse_decimal(raw, value):
    if raw.endswith("%"):
        assert parse_decimal(raw, percent=True) == Decimal("99.94")
        with pytest.raises(ValueError):
            parse_decimal(raw)
        return
    got = parse_decimal(raw)
    assert got == (Decimal(value) if value else None)


@pytest.mark.parametrize("raw", ["NaN", ".nan", "inf", "-Infinity", "1e5", "12abc", "1,00", "0x10", "1:30"])
def test_parse_decimal_rejects(raw):
    with pytest.raises(ValueError):
        parse_decimal(raw)


def test_formats_as_on_the_form():
    assert fmt_amount(Decimal("7295544")) == "7,295,544.00"
    assert fmt_amount(None) == "—"
    assert fmt_amount(Decimal("729.55445"), 4) == "729.55445"  # never drops a written digit
    assert fmt_amount(Decimal("120.0000"), 4) == "120.0000"
    assert fmt_amount(Decimal("7295544.10"), 2) == "7,295,544.10"
    assert fmt_rate(Decimal("99.9389")) == "99.94%"
    assert fmt_score(Decimal("9.99")) == "9.99"
    assert fmt_score(Decimal("10.00")) == "10"
    assert fmt_score(Decimal("92.00")) == "92"
