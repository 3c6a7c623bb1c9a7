"""Inline SVG bar charts, drawn at build time: no script, no network, the same bytes for the same data."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from .xmltext import escape, quoteattr

ROW_HEIGHT = 26
LABEL_WIDTH = 260
BAR_WIDTH = 360
VALUE_WIDTH = 70


class Bar(NamedTuple):
    label: str
    value: Decimal
    text: str  # the value as printed beside the bar
    tone: str = "ok"  # ok / warn / bad: a CSS class, so the stylesheet decides the colours


def bar_chart(title: str, bars: list[Bar], scale_max: Decimal | None = None, empty_text: str = "无") -> str:
    """A horizontal bar chart with its title, one labelled bar per item."""
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    if not bars:
        return (
            f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
            f'<p class="chart-empty">{escape(empty_text)}</p></figure>'
        )
    top = scale_max if scale_max is not None else max((b.value for b in bars), default=Decimal(1))
    top = top if top > 0 else Decimal(1)
    height = ROW_HEIGHT * len(bars) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label={quoteattr(title)}>'
    ]
    for i, bar in enumerate(bars):
        y = 4 + i * ROW_HEIGHT
        length = int((min(bar.value, top) / top * BAR_WIDTH).to_integral_value()) if bar.value > 0 else 0
        label = bar.label if len(bar.label) <= 18 else bar.label[:17] + "…"
        parts.append(
            f'<g class="bar {bar.tone}"><title>{escape(bar.label)}：{escape(bar.text)}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{max(length, 1)}" height="{ROW_HEIGHT - 8}"/>'
            f'<text class="value" x="{LABEL_WIDTH + length + 6}" y="{y + 17}">{escape(bar.text)}</text></g>'
        )
    parts.append("</svg>")
    return f'<figure class="chart"><figcaption>{escape(title)}</figcaption>{"".join(parts)}</figure>'
