"""The 绩效自评报告 as an output format: build/<year>/<项目名称>.自评报告.docx, through templates/report.docx.

Made for an assessment whose body has report sections (## 一、基本情况 …, the profile's report_outline); the
figures named in the prose ({{ 执行率 }}, {{ 扣分表 }} …) are filled from the checked form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .docx import render_document, written_by_perfdoc
from .formats import FormOutput, OutputFormat

if TYPE_CHECKING:
    from ..config import Config
    from ..report import Deduction
    from ..scoring import Result


def render_report(job: FormOutput) -> bytes | None:
    """The report, or None when the source has no report sections (or is not yet an assessment)."""
    from ..vocabulary import ASSESSMENT

    result = job.report.result
    assert result is not None
    a = result.assessment
    if not a.report_sections or a.stage != ASSESSMENT:
        return None
    return render_document(
        job,
        "report.docx",
        lambda style_ids: _report_context(result, job.config, style_ids),
        title=f"{a.project} 绩效自评报告",
        subject=f"{a.year} 年度项目支出绩效自评报告",
    )


def _report_context(result: Result, config: Config, style_ids: dict[str, str]) -> dict[str, Any]:
    """The report's sections as Word paragraphs, their placeholders filled, {{ 扣分表 }} as a table."""
    from markupsafe import Markup

    from ..report import deductions, figures, fill, split_at_table
    from .markdown import blocks
    from .wordml import paragraphs_xml

    a = result.assessment
    values = figures(result, config)
    table = _deduction_table(deductions(result), style_ids)
    sections = []
    for section in a.report_sections:
        xml = "".join(
            table if piece is None else paragraphs_xml(blocks(fill(piece, values)), style_ids)
            for piece in split_at_table(section.text)
        )
        sections.append({"title": section.title, "body": Markup(xml)})
    return {
        "project": a.project,
        "year": a.year or "",
        "unit": a.unit,
        "department": a.department,
        "sections": sections,
        "figures": values,
    }


def _deduction_table(rows: list[Deduction], style_ids: dict[str, str]) -> str:
    """The 扣分表 as a Word table: 扣分项目 / 分值 / 得分 / 扣分 / 原因; "无扣分" when nothing was lost."""
    from .wordml import paragraphs_xml
    from .xmltext import escape

    if not rows:
        from .markdown import Block, Run

        return paragraphs_xml([Block("paragraph", [Run("本项目各项均得满分，无扣分。")])], style_ids)
    widths = [2600, 900, 900, 900, 3800]  # twentieths of a point: 9,100 of A4's text width

    def cell(text: str, width: int, bold: bool = False) -> str:
        rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>'
        )

    def row(texts: tuple[str, ...], bold: bool = False) -> str:
        return "<w:tr>" + "".join(cell(t, w, bold) for t, w in zip(texts, widths, strict=True)) + "</w:tr>"

    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    header = row(("扣分项目", "分值", "得分", "扣分", "原因及改进措施"), bold=True)
    body = "".join(row(tuple(d)) for d in rows)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>'
        f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{header}{body}</w:tbl>'
        "<w:p/>"  # Word wants a paragraph after a table that ends a cell or a section
    )


FORMATS = [
    OutputFormat(
        "report",
        ".自评报告.docx",
        "Word 绩效自评报告（源文件正文有 ## 一、基本情况 等章节时）",
        order=11,
        render=render_report,
        written_by_perfdoc=written_by_perfdoc,
    )
]
