"""The year summary as openpyxl wrote it before perfdoc wrote SpreadsheetML itself: the reference that
``perfdoc.render.spreadsheet`` must equal to the byte (tests/test_spreadsheet.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from perfdoc.numbers import HUNDRED, fmt_score

if TYPE_CHECKING:
    from perfdoc.config import Config
    from perfdoc.summary import Summary


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
    from perfdoc.render.wordml import repack_zip

    return repack_zip(buf.getvalue(), timestamp=f"{summary.year + 1:04d}-01-01T00:00:00Z")
