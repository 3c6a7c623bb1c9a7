"""summary.xlsx is written directly (perfdoc.render.spreadsheet), without importing openpyxl at build time.

openpyxl stays the reference: every workbook must be the same file, to the byte, as the one openpyxl wrote for
the same summary (tests/xlsx_reference.py, the code perfdoc used before), and openpyxl must read back every
value. Summaries are generated: names with markup, spaces at either end, full-width spaces, newlines,
characters outside the BMP and text that looks like a formula; missing figures; no row at all; forms left
out; each money unit.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfdoc.config import Config
from perfdoc.digest import Deduction
from perfdoc.render.workbook import xlsx_bytes
from perfdoc.summary import Summary, SummaryRow

from .xlsx_reference import xlsx_bytes as openpyxl_xlsx_bytes

TEXT = st.text(
    alphabet=st.sampled_from(list("项目名称单位 　\n&<>\"'=HYPERLINK()ab1.😀\t")) | st.characters(codec="utf-8"),
    max_size=30,
).filter(lambda s: all(ord(c) >= 0x20 or c in "\n\t" for c in s) and "\ufffe" not in s and "\uffff" not in s)
AMOUNT = st.none() | st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False)
RATE = st.none() | st.decimals(min_value=0, max_value=200, places=2, allow_nan=False)
SCORE = st.none() | st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)


@st.composite
def summaries(draw: st.DrawFn) -> tuple[Summary, Config]:
    unit = draw(st.sampled_from(["元", "万元"]))
    config = Config(money_unit=unit, amount_places=draw(st.none() | st.integers(0, 6)))
    rows = [
        SummaryRow(
            source=draw(TEXT),
            project=draw(TEXT),
            unit=draw(TEXT),
            budget=draw(AMOUNT),
            executed=draw(AMOUNT),
            execution_rate=draw(RATE),
            total_score=draw(SCORE),
            grade=draw(st.sampled_from(["优", "良", "中", "差", ""])),
            deductions=[
                Deduction(draw(TEXT), draw(st.decimals(min_value=0, max_value=20, places=2)), draw(TEXT))
                for _ in range(draw(st.integers(0, 3)))
            ],
            warnings=draw(st.integers(0, 50)),
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    excluded = draw(st.lists(st.tuples(TEXT, st.integers(1, 9)), max_size=3))
    summary = Summary(draw(st.integers(2000, 2100)), unit, rows, excluded, ["优", "良", "中", "差"])
    return summary, config


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(summaries())
def test_the_workbook_is_the_file_openpyxl_wrote(case: tuple[Summary, Config]) -> None:
    summary, config = case
    assert xlsx_bytes(summary, config) == openpyxl_xlsx_bytes(summary, config)


def test_the_seed_year_reads_back_with_openpyxl() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    row = SummaryRow(
        "a.md",
        '=HYPERLINK("http://x")',
        " 科创中心 ",
        Decimal("7300000.00"),
        Decimal("7295544.00"),
        Decimal("99.94"),
        Decimal("95.99"),
        "优",
        [Deduction("预算执行率", Decimal("0.01"), "执行率 99.94%")],
        1,
    )
    summary = Summary(2020, "元", [row], [("b.md", 2)], ["优", "良", "中", "差"])
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(summary, Config()))).active
    assert ws.title == "2020年度汇总"
    assert [c.value for c in ws[3]] == [
        1,
        '=HYPERLINK("http://x")',
        " 科创中心 ",
        7300000,
        7295544,
        0.9994,
        95.99,
        "优",
        "预算执行率 −0.01（执行率 99.94%）",
        1,
    ]
    assert ws["B3"].data_type == "s"  # text, never a formula
    assert ws["D3"].number_format == "#,##0.00" and ws["F3"].number_format == "0.00%"
    assert ws.freeze_panes == "C3" and ws.print_title_rows == "$2:$2"
    assert [r.coord for r in ws.merged_cells.ranges] == ["A1:J1"]
    assert [c.value for c in ws[4]] == [
        "合计",
        "1 个项目",
        None,
        7300000,
        7295544,
        0.9994,
        None,
        None,
        "共扣 0.01 分",
        1,
    ]
    assert [ws.cell(r, 1).value for r in range(7, 12)] == ["优", "良", "中", "差", "未纳入（有 2 个错误）"]
