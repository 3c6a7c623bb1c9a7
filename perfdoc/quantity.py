"""Targets and actual values as written on real forms: ``=100%``, ``≥400次``, ``≤30万元``, ``40亿元``,
``1000余次``, ``66.16亿``, ``90%以上。报名数相较去年增长62.7%。`` — and qualitative ones (``安全``, ``良好``).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import NamedTuple

MAGNIFIERS: dict[str, Decimal] = {
    "千": Decimal(10) ** 3,
    "万": Decimal(10) ** 4,
    "十万": Decimal(10) ** 5,
    "百万": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7,
    "亿": Decimal(10) ** 8,
    "万亿": Decimal(10) ** 12,
}

# Every way a comparator is written on published forms, after NFKC (which already maps ＞＜＝ to ASCII).
COMPARATORS: dict[str, str] = {
    ">=": ">=",
    "≥": ">=",
    "≧": ">=",
    "=>": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "大于等于": ">=",
    "大于或等于": ">=",
    "达到": ">=",
    ">": ">",
    "大于": ">",
    "高于": ">",
    "超过": ">",
    "多于": ">",
    "<=": "<=",
    "≤": "<=",
    "≦": "<=",
    "=<": "<=",
    "不高于": "<=",
    "不超过": "<=",
    "不多于": "<=",
    "不大于": "<=",
    "小于等于": "<=",
    "小于或等于": "<=",
    "控制在": "<=",
    "<": "<",
    "小于": "<",
    "低于": "<",
    "少于": "<",
    "=": "=",
    "==": "=",
    "═": "=",
    "等于": "=",
}
_CMP_ALTS = "|".join(sorted((re.escape(k) for k in COMPARATORS), key=len, reverse=True))
_MAG_ALTS = "|".join(sorted(MAGNIFIERS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"^\s*(?P<cmp>{_CMP_ALTS})?\s*(?:约|共|累计|达)?\s*"
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*"
    rf"(?P<mag>{_MAG_ALTS})?\s*"
    r"(?P<pre>余|多)?"
    r"(?P<unit>[^\d\s,;:()\[\]。；：、，（）]{0,4}?)\s*"
    r"(?P<qual>以上|以下|以内|之内|以前|之前|余|多|左右|内|前)?\s*"
    r"(?:[,;:()。；：、，（）].*)?$",
    re.DOTALL,
)


# Words after a bare number that make it a ceiling or a deadline: the smaller the actual value, the better.
UPPER_BOUND_WORDS = ("以下", "以内", "之内", "内", "以前", "之前", "前")


class Quantity(NamedTuple):
    text: str  # as written
    comparator: str  # "", "=", ">=", ">", "<=", "<"
    number: Decimal  # as written, without magnifier
    magnifier: str  # "", "万", "亿", ...
    unit: str  # "", "%", "次", "元", ...
    qualifier: str  # "", "以上", "余", "以下", ...

    @property
    def value(self) -> Decimal:
        """The number with its magnifier applied (66.16亿 → 6616000000)."""
        return self.number * MAGNIFIERS.get(self.magnifier, Decimal(1))

    @property
    def is_reverse(self) -> bool:
        """An upper bound: ≤ or <, or a bare number bounded from above in words (30天内, 9月前, 5%以下)."""
        return self.comparator in ("<=", "<") or (not self.comparator and self.qualifier in UPPER_BOUND_WORDS)


def parse_quantity(text: str | None) -> Quantity | None:
    """A number with its comparator, magnifier and unit; None when the text is not quantitative."""
    if not text:
        return None
    norm = unicodedata.normalize("NFKC", text).strip()
    m = _QUANTITY.match(norm)
    if not m:
        return None
    qual = m.group("qual") or m.group("pre") or ""
    return Quantity(
        text=text,
        comparator=COMPARATORS.get(m.group("cmp") or "", ""),
        number=Decimal(m.group("num").replace(",", "")),
        magnifier=m.group("mag") or "",
        unit=m.group("unit") or "",
        qualifier=qual,
    )


UNIT_SYNONYMS = {"日": "天", "个工作日": "天", "工作日": "天", "人数": "人", "场次": "场"}


def base_unit(unit: str) -> str:
    """次/年 → 次, 日 → 天: the unit as compared (a rate per period counts in its base unit)."""
    base = unit.split("/")[0].removeprefix("每")
    return UNIT_SYNONYMS.get(base, base)


def units_agree(target: Quantity, actual: Quantity) -> bool:
    """An actual value may omit the unit (66.16亿 against 40亿元); otherwise the units must be the same."""
    return not target.unit or not actual.unit or base_unit(target.unit) == base_unit(actual.unit)


def normalize_words(text: str) -> str:
    return re.sub(r"[\s。.；;！!]+$", "", unicodedata.normalize("NFKC", text).strip()).replace(" ", "")


def _cell(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).strip(":：")


def compose_target(nature: str, value: str, unit: str) -> str:
    """指标性质 / 指标值 / 度量单位 in three columns → one target as written on the form (≥400次)."""
    value = " ".join((value or "").split())
    if not nature and not unit:
        return value
    n = _cell(nature)
    comparator = n if n in COMPARATORS else ""
    u = _cell(unit)
    if value and u and not value.endswith(u) and re.fullmatch(r"[\d.,]+", _cell(value)):
        value += u
    if comparator and not value.startswith(tuple(COMPARATORS)):
        value = comparator + value
    return value


_NATURE = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
QUALITATIVE_NATURE = "定性"


def split_target(text: str) -> tuple[str, str, str]:
    """One target → the 指标性质 / 指标值 / 度量单位 columns of forms that split it: ≥400次 → (≥, 400, 次),
    40亿元 → (=, 40, 亿元), 90%以上 → (=, 90, %以上), 安全 → (定性, 安全, "")."""
    q = parse_quantity(text)
    if q is None:
        return (QUALITATIVE_NATURE if text else "", text, "")
    m = _QUANTITY.match(unicodedata.normalize("NFKC", text).strip())
    assert m is not None  # parse_quantity matched the same text
    unit = "".join(m.group(g) or "" for g in ("mag", "pre", "unit", "qual"))
    return _NATURE.get(q.comparator, "="), m.group("num"), unit
