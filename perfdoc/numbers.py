"""Decimal arithmetic as Chinese accounting does it: exact decimals, rounded half up to 2 places."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

# Written forms of "nothing" on published forms: an em dash, a hyphen, a slash, 无.
EMPTY_MARKS = {"", "—", "——", "-", "–", "/", "／", "无", "－"}

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def round2(value: Decimal) -> Decimal:
    """Round half up to 2 decimals (0.125 → 0.13, never banker's 0.12)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


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
    if not _PLAIN_NUMBER.match(text):
        raise ValueError(f"「{raw}」不是数字")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid literals
        raise ValueError(f"「{raw}」不是数字") from None


def fmt_amount(value: Decimal | None, places: int = 2) -> str:
    """7295544 → 7,295,544.00; None → —. Never drops a digit the author wrote: 729.5545 stays."""
    if value is None:
        return "—"
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
