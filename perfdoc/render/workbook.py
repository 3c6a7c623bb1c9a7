"""The year summary as an Excel workbook: build/<year>/summary.xlsx, written by every build (``spreadsheet``)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ..numbers import HUNDRED, fmt_score
from .formats import CollectionOutput, OutputFormat

if TYPE_CHECKING:
    from ..config import Config
    from ..summary import Summary
    from .spreadsheet import Style


def _styles(amount_format: str) -> dict[str, Style]:
    """The workbook's named cell styles, in the order they are registered; kind → style."""
    from .spreadsheet import Font, Style

    styles = {
        "head": Style(
            "perfdoc-head", font=Font(bold=True), fill=True, horizontal="center", vertical="center", wrap=True
        )
    }
    formats = {
        "int": "0",
        "text": "General",
        "wrap": "General",
        "amount": amount_format,
        "rate": "0.00%",
        "score": "0.00",
    }
    for kind, number_format in formats.items():
        for total in (False, True):
            key = kind + ("-total" if total else "")
            styles[key] = Style(
                f"perfdoc-{key}",
                font=Font(bold=total),
                vertical="top",
                wrap=kind == "wrap",
                number_format=number_format,
            )
    return styles


def xlsx_bytes(summary: Summary, config: Config) -> bytes:
    """The summary as a workbook: numbers as numbers with formats, a frozen header, widths for Chinese text.

    Text is text: a 项目名称 like =HYPERLINK("http://…") from another unit's form is never a formula (perfdoc
    writes no formulas at all)."""
    from .spreadsheet import Font, Sheet, Style, Workbook, workbook_bytes

    unit = summary.money_unit
    places = config.places()
    styles = _styles("#,##0." + "0" * places if places else "#,##0")
    head, columns = styles["head"], 10
    title = f"{summary.year} 年度项目支出绩效自评汇总表"
    title_style = Style("title", named=False, font=Font(bold=True, size=14), border=False, horizontal="center")
    names = [
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
    rows: list[list[tuple[object, Style | None]]] = [[(title, title_style)], [(name, head) for name in names]]
    kinds = ["int", "text", "text", "amount", "amount", "rate", "score", "text", "wrap", "int"]
    for i, r in enumerate(summary.rows, start=1):
        values = [
            i,
            r.project,
            r.unit,
            _float(r.budget),
            _float(r.executed),
            _float(r.execution_rate / HUNDRED if r.execution_rate is not None else None),
            _float(r.total_score),
            r.grade,
            "\n".join(str(d) for d in r.deductions) or "无",
            r.warnings,
        ]
        rows.append([(v, styles[k]) for v, k in zip(values, kinds, strict=True)])
    overall = summary.execution_rate
    totals = [
        "合计",
        f"{len(summary.rows)} 个项目",
        "",
        float(summary.budget),
        float(summary.executed),
        _float(overall / HUNDRED if overall is not None else None),
        None,
        "",
        f"共扣 {fmt_score(summary.deducted)} 分" if summary.deducted else "无扣分",
        sum(r.warnings for r in summary.rows),
    ]
    rows.append([(v, styles[k + "-total"]) for v, k in zip(totals, kinds, strict=True)])
    rows.append([])
    rows.append([("等级", head), ("项目数", head)] + [(None, head)] * (columns - 2))
    rows += [[(grade, None), (n, None)] for grade, n in summary.grade_counts.items()]
    rows += [[(f"未纳入（有 {errors} 个错误）", None), (source, None)] for source, errors in summary.excluded]
    sheet = Sheet(
        f"{summary.year}年度汇总",
        rows,
        widths=(6, 30, 24, 18, 18, 10, 8, 6, 50, 8),
        merged="A1:J1",
        frozen="C3",  # header and the project names stay in view
        print_title_rows="2:2",
    )
    book = Workbook(sheet, list(styles.values()), "perfdoc", title, f"{summary.year + 1:04d}-01-01T00:00:00Z")
    return workbook_bytes(book)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _load() -> None:
    from .. import summary  # noqa: F401
    from . import spreadsheet  # noqa: F401


def write_workbooks(job: CollectionOutput) -> list[Path]:
    from ..summary import summarize, years_of
    from ..write import write_atomic

    written = []
    for year in years_of(job.digests):
        target = job.out / str(year) / "summary.xlsx"
        if write_atomic(target, xlsx_bytes(summarize(job.digests, job.config, year), job.config)):
            written.append(target)
    return written


FORMATS = [
    OutputFormat(
        "summary-xlsx",
        ".xlsx",
        "年度汇总表（Excel）",
        order=40,
        collect=write_workbooks,
        prepare=lambda config: _load(),
        always=True,
        year_file="summary.xlsx",
        label="Excel",
    )
]
