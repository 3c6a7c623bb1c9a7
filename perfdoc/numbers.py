"""Decimal arithmetic as Chinese accounting does it: exact decimals, rounded half up to 2 places."""

from __future__ import annotations

import decimal
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# The arithmetic of every figure, chosen rather than inherited: 28 significant digits is what a figure may carry
# (MAX_DIGITS), and 60 leaves room for products and quotients of such figures without rounding; exponents are
# bounded so that no input can ask for a billion-digit quantize. Set as the default of every thread (serve's
# watcher) and of this one; worker processes import this module too.
MAX_DIGITS = 28
MAX_DECIMALS = 6  # 0.000001 (万元: one cent): beyond this an amount, a weight or a rate is a typo, not a figure
CONTEXT = decimal.Context(
    prec=60,
    rounding=ROUND_HALF_UP,
    Emax=999,
    Emin=-999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
decimal.DefaultContext.prec = CONTEXT.prec
decimal.DefaultContext.rounding = CONTEXT.rounding
decimal.DefaultContext.Emax = CONTEXT.Emax
decimal.DefaultContext.Emin = CONTEXT.Emin
decimal.setcontext(CONTEXT.copy())

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

# Written forms of "nothing" on published forms: an em dash, a hyphen, a slash, 无.
EMPTY_MARKS = {"", "—", "——", "-", "–", "/", "／", "无", "－"}

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def round2(value: Decimal) -> Decimal:
    """Round half up to 2 decimals (0.125 → 0.13, never banker's 0.12); -0.001 rounds to 0, never "-0.00"."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP) + ZERO


def normalize_text(raw: str) -> str:
    """Full-width digits, signs and separators → ASCII; spaces inside a number dropped."""
    return unicodedata.normalize("NFKC", raw).replace("，", ",").strip()


def parse_decimal(raw: str, *, percent: bool = False) -> Decimal | None:
    """Parse a figure as a user types it: ``7,300,000.00``, ``７３０００００``, ``7 300 000``, ``99.94%``.

    Returns None for the marks of an empty cell (``—``, ``-``, ``/``). Raises ValueError with a
    message in Chinese for anything else that is not a finite decimal (NaN, Infinity, 1e5, 12abc).
    """
    text = normalize_text(raw).replace(" ", "").replace("\u00a0", "")
    if text in EMPTY_MARKS:
        return None
    if percent and text.endswith("%"):
        text = text[:-1]
    if text.lower().lstrip("+-.") in {"nan", "inf", "infinity"}:
        raise ValueError(f"「{raw}」不是有限的数值")
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.match(text) or not text.isascii():
        raise ValueError(f"「{raw}」不是数字")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid literals
        raise ValueError(f"「{raw}」不是数字") from None
    check_digits(raw, value)
    return value + ZERO  # -0 is 0: a form never prints "-0.00"


def check_digits(raw: str, value: Decimal) -> None:
    """Refuse what Decimal would otherwise round silently or what no form can mean."""
    _, digits, exponent = value.as_tuple()
    significant = len(digits) - next((i for i, d in enumerate(digits) if d), len(digits))
    if significant > MAX_DIGITS:
        raise ValueError(f"「{clip(raw)}」有 {significant} 位有效数字，超出上限 {MAX_DIGITS} 位，请检查位数")
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS and value != 0:
        raise ValueError(f"「{clip(raw)}」小数位数超过 {MAX_DECIMALS} 位，请检查单位和位数")


def clip(text: str, limit: int = 40) -> str:
    """A value quoted in a message: a 5,000-character typo is shown by its ends."""
    return text if len(text) <= limit else f"{text[: limit // 2]}…{text[-limit // 2 :]}（共 {len(text)} 个字符）"


def fmt_amount(value: Decimal | None, places: int = 2) -> str:
    """7295544 → 7,295,544.00; None → —. Never drops a digit the author wrote: 729.5545 stays."""
    if value is None:
        return "—"
    value = value + ZERO  # no "-0.00"
    written = -int(value.normalize().as_tuple().exponent)
    places = max(places, written)
    q = Decimal(1).scaleb(-places)
    return f"{value.quantize(q, rounding=ROUND_HALF_UP):,.{places}f}"


def fmt_score(value: Decimal | None) -> str:
    """A score as the form prints it: 9.99, 10, 95.99, 92 (trailing .00 dropped as on the seeds)."""
    if value is None:
        return "—"
    v = round2(value)
    return f"{v:.0f}" if v == v.to_integral_value() else f"{v:.2f}"


def fmt_rate(value: Decimal | None) -> str:
    """A rate in percent with 2 decimals: 99.94%."""
    if value is None:
        return "—"
    return f"{round2(value):.2f}%"


def fmt_decimal(value: Decimal | None) -> str | None:
    """A decimal for JSON: a string with 2 places, never a float."""
    return None if value is None else f"{round2(value):.2f}"


def rounded_from(typed: Decimal, computed: Decimal, coarse: Decimal | None) -> bool:
    """Whether a figure typed with fewer decimals than the form's two is the computed one rounded half up to
    them (9 for 8.62, 2.9 for 2.89), on a form that works at that precision: one whose typed 执行率 (coarse,
    in percent) has fewer than two decimals too (86%, 0.1). On a form that prints 99.94 %, 10 for 9.99 is
    a different figure."""
    if coarse is None or not isinstance(coarse.as_tuple().exponent, int) or int(coarse.as_tuple().exponent) <= -2:
        return False
    exponent = typed.as_tuple().exponent
    if not isinstance(exponent, int) or exponent <= -2 or typed == computed:
        return False
    return computed.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP) == typed
