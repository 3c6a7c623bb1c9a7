"""`perfdoc summary`: every assessment of a year in one 项目支出绩效自评汇总表 (terminal, .xlsx, .docx, HTML).

The overall execution rate is Σ 全年执行数 / Σ 全年预算数, never the mean of the rates. Amounts of forms kept
in another unit (元 / 万元) are converted to the project's unit before they are added.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .config import Config
from .digest import Deduction, Digest
from .numbers import HUNDRED, ZERO, fmt_amount, fmt_rate, fmt_score, round2
from .render.wordml import repack_zip

TEN_THOUSAND = Decimal(10000)


@dataclass
class SummaryRow:
    source: str
    project: str
    unit: str
    budget: Decimal | None
    executed: Decimal | None
    execution_rate: Decimal | None  # percent, 2 places
    total_score: Decimal | None
    grade: str
    deductions: list[Deduction]
    warnings: int


@dataclass
class Summary:
    year: int
    money_unit: str
    rows: list[SummaryRow] = field(default_factory=list)
    excluded: list[tuple[str, int]] = field(default_factory=list)  # (source, errors): not summarised
    grade_names: list[str] = field(default_factory=list)

    @property
    def budget(self) -> Decimal:
        return sum((r.budget for r in self.rows if r.budget is not None), ZERO)

    @property
    def executed(self) -> Decimal:
        return sum((r.executed for r in self.rows if r.executed is not None), ZERO)

    @property
    def execution_rate(self) -> Decimal | None:
        return round2(self.executed / self.budget * HUNDRED) if self.budget else None

    @property
    def grade_counts(self) -> dict[str, int]:
        counts = Counter(r.grade for r in self.rows)
        return {g: counts.get(g, 0) for g in self.grade_names}

    @property
    def deducted(self) -> Decimal:
        return sum((d.points for r in self.rows for d in r.deductions), ZERO)


def _converted(value: Decimal | None, form_unit: str, unit: str) -> Decimal | None:
    if value is None or form_unit == unit:
        return value
    return value * TEN_THOUSAND if form_unit == "万元" else value / TEN_THOUSAND


def summarize(digests: list[Digest], config: Config, year: int) -> Summary:
    summary = Summary(
        year=year,
        money_unit=config.money_unit,
        grade_names=[g for g, _ in sorted(config.grade_bands.items(), key=lambda kv: -kv[1])],
    )
    for d in digests:
        if d.year != year:
            continue
        if not d.ok or d.total_score is None:
            summary.excluded.append((d.path, d.errors))
            continue
        form_unit = d.money_unit or config.money_unit
        summary.rows.append(
            SummaryRow(
                source=d.path,
                project=d.project,
                unit=d.unit,
                budget=_converted(d.budget, form_unit, config.money_unit),
                executed=_converted(d.executed, form_unit, config.money_unit),
                execution_rate=d.execution_rate,
                total_score=d.total_score,
                grade=d.grade or "",
                deductions=d.deductions,
                warnings=d.warnings,
            )
        )
    summary.rows.sort(key=lambda r: (-(r.total_score or ZERO), r.project))
    return summary


def years_of(digests: list[Digest]) -> list[int]:
    return sorted({d.year for d in digests if d.year})


# -- views -----------------------------------------------------------------------------------------------


def view(summary: Summary, config: Config) -> dict[str, Any]:
    """Formatted figures for the Word and HTML templates."""
    places = config.places()
    return {
        "year": summary.year,
        "money_unit": summary.money_unit,
        "rows": [
            {
                "no": i,
                "project": r.project,
                "unit": r.unit,
                "budget": fmt_amount(r.budget, places),
                "executed": fmt_amount(r.executed, places),
                "execution_rate": fmt_rate(r.execution_rate),
                "total_score": fmt_score(r.total_score),
                "grade": r.grade,
                "deductions": "；".join(str(d) for d in r.deductions) or "无",
                "warnings": r.warnings,
            }
            for i, r in enumerate(summary.rows, start=1)
        ],
        "count": len(summary.rows),
        "budget": fmt_amount(summary.budget, places),
        "executed": fmt_amount(summary.executed, places),
        "execution_rate": fmt_rate(summary.execution_rate),
        "grades": "，".join(f"{g} {n} 个" for g, n in summary.grade_counts.items()),
        "grade_counts": summary.grade_counts,
        "deducted": fmt_score(summary.deducted),
        "deducted_points": summary.deducted > 0,
        "excluded": [{"source": s, "errors": e} for s, e in summary.excluded],
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def terminal_table(summary: Summary, config: Config) -> str:
    v = view(summary, config)
    head = [
        "序号",
        "项目名称",
        "实施单位",
        f"全年预算数（{v['money_unit']}）",
        f"全年执行数（{v['money_unit']}）",
        "执行率",
        "总分",
        "等级",
        "警告",
        "扣分",
    ]
    rows = [
        [
            str(r["no"]),
            r["project"],
            r["unit"],
            r["budget"],
            r["executed"],
            r["execution_rate"],
            r["total_score"],
            r["grade"],
            str(r["warnings"]),
            r["deductions"],
        ]
        for r in v["rows"]
    ]
    rows.append(
        [
            "合计",
            f"{v['count']} 个项目",
            "",
            v["budget"],
            v["executed"],
            v["execution_rate"],
            "",
            "",
            "",
            f"共扣 {v['deducted']} 分" if summary.deducted else "无扣分",
        ]
    )
    numeric = {0, 3, 4, 5, 6, 8}
    widths = [max(_width(r[i]) for r in [head, *rows[:]]) if i != 9 else 0 for i in range(len(head))]
    lines = [f"{summary.year} 年度项目支出绩效自评汇总表"]
    for r in [head, *rows]:
        cells = [_pad(c, widths[i], right=i in numeric and r is not head) if i != 9 else c for i, c in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
    lines.append(f"等级分布：{v['grades']}")
    for item in v["excluded"]:
        lines.append(f"未纳入（有 {item['errors']} 个错误）：{item['source']}")
    return "\n".join(lines)


def _named_styles(wb: Any, amount_format: str) -> dict[str, str]:
    """Register the workbook's cell styles once; returns kind → style name."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    thin = Side(style="thin", color="999999")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    formats = {
        "int": "0",
        "text": "General",
        "wrap": "General",
        "amount": amount_format,
        "rate": "0.00%",
        "score": "0.00",
    }
    names: dict[str, str] = {}
    head = NamedStyle(
        "perfdoc-head",
        font=Font(bold=True),
        fill=PatternFill("solid", fgColor="EDEDED"),
        border=border,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    )
    wb.add_named_style(head)
    for kind, number_format in formats.items():
        for total in (False, True):
            name = f"perfdoc-{kind}{'-total' if total else ''}"
            alignment = Alignment(wrap_text=True, vertical="top") if kind == "wrap" else Alignment(vertical="top")
            wb.add_named_style(
                NamedStyle(name, font=Font(bold=total), border=border, alignment=alignment, number_format=number_format)
            )
            names[kind + ("-total" if total else "")] = name
    return names


def xlsx_bytes(summary: Summary, config: Config) -> bytes:
    """The summary as a workbook: numbers as numbers with formats, a frozen header, widths for Chinese text."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = f"{summary.year}年度汇总"
    unit = summary.money_unit
    places = config.places()
    amount_format = "#,##0." + "0" * places if places else "#,##0"
    title = f"{summary.year} 年度项目支出绩效自评汇总表"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=10)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    head = [
        "序号",
        "项目名称",
        "实施单位",
        f"全年预算数（{unit}）",
        f"全年执行数（{unit}）",
        "执行率",
        "总分",
        "等级",
        "扣分情况",
        "警告数",
    ]
    ws.append(head)
    styles = _named_styles(wb, amount_format)
    for cell in ws[2]:
        cell.style = "perfdoc-head"
    # Named styles: one registered style per kind of cell; styling cell by cell with new Font/Border objects
    # makes openpyxl hash thousands of them (seconds for a thousand projects).
    kinds = ["int", "text", "text", "amount", "amount", "rate", "score", "text", "wrap", "int"]
    for i, r in enumerate(summary.rows, start=1):
        values = [
            i,
            r.project,
            r.unit,
            float(r.budget) if r.budget is not None else None,
            float(r.executed) if r.executed is not None else None,
            float(r.execution_rate / HUNDRED) if r.execution_rate is not None else None,
            float(r.total_score) if r.total_score is not None else None,
            r.grade,
            "\n".join(str(d) for d in r.deductions) or "无",
            r.warnings,
        ]
        ws.append(values)
        for column, kind in enumerate(kinds, start=1):  # by position: ws[ws.max_row] rescans the sheet
            ws.cell(row=2 + i, column=column).style = styles[kind]
    overall = summary.execution_rate
    ws.append(
        [
            "合计",
            f"{len(summary.rows)} 个项目",
            "",
            float(summary.budget),
            float(summary.executed),
            float(overall / HUNDRED) if overall is not None else None,
            None,
            "",
            f"共扣 {fmt_score(summary.deducted)} 分" if summary.deducted else "无扣分",
            sum(r.warnings for r in summary.rows),
        ]
    )
    for column, kind in enumerate(kinds, start=1):
        ws.cell(row=3 + len(summary.rows), column=column).style = styles[kind + "-total"]
    ws.append([])
    ws.append(["等级", "项目数"])
    for cell in ws[ws.max_row]:
        cell.style = "perfdoc-head"
    for grade, n in summary.grade_counts.items():
        ws.append([grade, n])
    for source, errors in summary.excluded:
        ws.append([f"未纳入（有 {errors} 个错误）", source])
    # Text is text: a 项目名称 like =HYPERLINK("http://…") from another unit's form must not become a live
    # formula in the workbook. perfdoc writes no formulas at all.
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    widths = [6, 30, 24, 18, 18, 10, 8, 6, 50, 8]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "C3"  # header and the project names stay in view
    ws.print_options.horizontalCentered = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "2:2"
    from datetime import datetime

    wb.properties.creator = "perfdoc"
    wb.properties.title = title
    wb.properties.created = wb.properties.modified = datetime(summary.year + 1, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return repack_zip(buf.getvalue(), timestamp=f"{summary.year + 1:04d}-01-01T00:00:00Z")
