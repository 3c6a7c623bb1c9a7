"""Generates templates/form.docx, the docxtpl Word template of the 财政项目支出绩效自评表.

The template is data: open it in Word, WPS or LibreOffice, change fonts, margins, add a logo, and perfdoc
renders with it. This script is how the shipped version is made, so that a change to it is reviewable as
code: ``python scripts/make_docx_template.py`` rewrites templates/form.docx.

Placeholders (docxtpl / Jinja2, rendered with autoescape):
  {{ year }} {{ project }} {{ department }} {{ unit }} {{ money_unit }} {{ goal_label }}
  {{ funds.<row>.<column> }}  rows total/appropriation/carryover/other, columns initial_budget/budget/executed
  {{ funds.weight }} {{ funds.execution_rate }} {{ funds.execution_score }} {{ funds.execution_reason }}
  {{p goal }} {{p outcome }}  the two long texts, as Word paragraphs (styles 表内正文, 表内列表)
  {%tr for row in indicators %} … {%tr endfor %} with row.category, row.subcategory, row.name, row.target,
  row.actual, row.weight, row.score, row.reason; 一级/二级 cells are merged vertically by perfdoc
  {{ total_weight }} {{ total_score }} {{ grade }}
  {{ labels.<name> }}  the printed labels of the form's profile (perfdoc/vocabulary.py LABELS, replaced by the
  profile's [labels]): title, funds, initial_budget, budget, executed, weight, execution_rate, score, total, …
"""

from __future__ import annotations

import datetime
import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from perfdoc.render.wordml import TBLPR_ORDER, TCPR_ORDER, in_schema_order, repack_zip

OUT = Path(__file__).resolve().parent.parent / "templates" / "form.docx"
SUMMARY_OUT = OUT.with_name("summary.docx")
PROFILES = Path(__file__).resolve().parent.parent / "perfdoc" / "profiles"
sys.path.insert(0, str(PROFILES.parent.parent))
from perfdoc.render.context import info_spans  # noqa: E402 - how the 主管部门 row spreads, as in HTML
from perfdoc.vocabulary import FUNDING_COLUMNS, FUNDS_BLOCK_COLUMNS, FUNDS_BLOCK_LABELS  # noqa: E402
from perfdoc.vocabulary import NOTE_ROWS as NOTE_LABELS  # noqa: E402 - the labels of the rows around the tables

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"


def set_fonts(rpr_owner, east_asia: str, size: float | None = None, bold: bool | None = None) -> None:
    """Latin and East Asian fonts set separately: Word and WPS substitute a CJK font set only as ascii."""
    font = rpr_owner.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), east_asia)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def doc_defaults(doc) -> None:
    """docDefaults carry the East Asian font too, so text outside any style is not substituted."""
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr_default.find(qn("w:rFonts"))
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), BODY_FONT)


def make_styles(doc) -> None:
    normal = doc.styles["Normal"]
    set_fonts(normal, BODY_FONT, 10.5)
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    title = doc.styles.add_style("表名", 1)
    title.base_style = normal
    set_fonts(title, TITLE_FONT, 18, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(4)
    year = doc.styles.add_style("年度", 1)
    year.base_style = normal
    set_fonts(year, BODY_FONT, 14)
    year.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    year.paragraph_format.space_after = Pt(8)
    cell = doc.styles.add_style("表内文字", 1)
    cell.base_style = normal
    cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text = doc.styles.add_style("表内正文", 1)
    text.base_style = normal
    text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    text.paragraph_format.first_line_indent = Pt(21)
    text.paragraph_format.space_after = Pt(2)
    item = doc.styles.add_style("表内列表", 1)
    item.base_style = normal
    item.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    item.paragraph_format.left_indent = Pt(21)
    item.paragraph_format.first_line_indent = Pt(-21)
    item.paragraph_format.space_after = Pt(2)


def page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)
    section.footer_distance = Cm(1.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("- ")
    run = footer.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)
    footer.add_run(" -")
    for r in footer.runs:
        set_fonts(r, BODY_FONT, 14)


def new_table(doc, widths_cm: list[float], rows: int, caption: str):
    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    margins = OxmlElement("w:tblCellMar")  # narrow cell margins: 7,295,544.00 fits its column on one line
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), "57")
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.append(margins)
    cap = OxmlElement("w:tblCaption")  # alt-text title: names the table for screen readers and for people
    cap.set(qn("w:val"), caption)
    tbl_pr.append(cap)
    in_schema_order(tbl_pr, TBLPR_ORDER)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(widths_cm[i])
    for i, col in enumerate(table.columns):
        col.width = Cm(widths_cm[i])
    return table


def put(cell, text: str, align: str = "center", style: str = "表内文字") -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.style = style
    if align == "left":
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    p.add_run(text)


def row_props(row, *, header: bool = False, cant_split: bool = True, min_height_cm: float = 0.75) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))
    row.height = Cm(min_height_cm)


def vmerge(cell, restart: bool) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    vm = OxmlElement("w:vMerge")
    if restart:
        vm.set(qn("w:val"), "restart")
    tc_pr.append(vm)
    in_schema_order(tc_pr, TCPR_ORDER)


DEFAULT_ROWS = ("total", "appropriation", "carryover", "other")


# Widths (cm) of the 项目资金 block's columns; a profile's set is scaled to the default form's 12.6 cm.
FUNDS_WIDTHS = {
    "initial_budget": 2.7,
    "budget": 2.7,
    "executed": 2.7,
    "weight": 1.0,
    "execution_rate": 2.0,
    "score": 1.5,
    "execution_reason": 2.5,
}
EXECUTION_CELLS = {
    "weight": "{{ funds.weight }}",
    "execution_rate": "{{ funds.execution_rate }}",
    "score": "{{ funds.execution_score }}",
    "execution_reason": "{{ funds.execution_reason }}",
}


def form_table(
    doc,
    rows: tuple[str, ...] = DEFAULT_ROWS,
    head: tuple[str, ...] = (),
    columns: tuple[str, ...] = FUNDS_BLOCK_COLUMNS,
) -> None:
    """项目名称 … 年度总体目标: 2 label columns and the profile's 项目资金 columns (6 on the default form); one
    row per funding row of the profile, and the profile's head rows (项目编码, 项目类别) under 主管部门."""
    n, o, g = len(rows), len(head), len(columns) + 2
    widths = [FUNDS_WIDTHS[c] for c in columns]
    if columns != FUNDS_BLOCK_COLUMNS:
        widths = [round(w * 12.6 / sum(widths), 2) for w in widths]
    t = new_table(doc, [1.0, 2.2, *widths], 5 + n + o, "perfdoc:项目与资金")
    for row in t.rows:
        row_props(row)
    r = t.rows
    department, label, _ = info_spans(len(columns))
    put(r[0].cells[0].merge(r[0].cells[1]), "项目名称")  # the head labels are the same in every profile
    put(r[0].cells[2].merge(r[0].cells[g - 1]), "{{ project }}")
    put(r[1].cells[0].merge(r[1].cells[1]), "主管部门")
    put(r[1].cells[2].merge(r[1].cells[1 + department]), "{{ department }}")
    put(r[1].cells[2 + department].merge(r[1].cells[1 + department + label]), "实施单位")
    put(r[1].cells[2 + department + label].merge(r[1].cells[g - 1]), "{{ unit }}")
    for k, name in enumerate(head, start=2):
        put(r[k].cells[0].merge(r[k].cells[1]), NOTE_LABELS[name])
        put(r[k].cells[2].merge(r[k].cells[g - 1]), f"{{{{ notes.{name} }}}}", align="left")
    put(r[o + 2].cells[0].merge(r[o + 2 + n].cells[0]), "{{ labels.funds }}（{{ money_unit }}）")
    for i, name in enumerate(["", *columns], start=1):
        put(r[o + 2].cells[i], f"{{{{ labels.{FUNDS_BLOCK_LABELS.get(name, name)} }}}}" if name else "")
    funding_rows = [(name, f"{{{{ labels.{name} }}}}") for name in rows]
    for k, (name, label_text) in enumerate(funding_rows, start=o + 3):
        put(r[k].cells[1], label_text, align="left" if name != "total" else "center")
        for i, column in enumerate(columns, start=2):
            if column in FUNDING_COLUMNS:
                put(r[k].cells[i], f"{{{{ funds.{name}.{column} }}}}")
            elif name == "total":
                put(r[k].cells[i], EXECUTION_CELLS[column], align="left" if column == "execution_reason" else "center")
            else:
                put(r[k].cells[i], "" if column == "execution_reason" else "—")
    half = (len(columns) + 1) // 2  # 预算目标 | 实际完成情况, as in HTML
    put(r[o + 3 + n].cells[0].merge(r[o + 4 + n].cells[0]), "{{ labels.overall_goal }}")
    put(r[o + 3 + n].cells[1].merge(r[o + 3 + n].cells[half]), "{{ goal_label }}")
    put(r[o + 3 + n].cells[half + 1].merge(r[o + 3 + n].cells[g - 1]), "{{ labels.outcome }}")
    goal = r[o + 4 + n].cells[1].merge(r[o + 4 + n].cells[half])
    outcome = r[o + 4 + n].cells[half + 1].merge(r[o + 4 + n].cells[g - 1])
    put(goal, "{{p goal }}", align="left", style="表内正文")
    put(outcome, "{{p outcome }}", align="left", style="表内正文")
    for cell in (goal, outcome):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    r[o + 4 + n]._tr.trPr.remove(r[o + 4 + n]._tr.trPr.find(qn("w:cantSplit")))  # long texts may run over a page
    r[o + 4 + n].height = Cm(4)


def indicator_table(
    doc,
    split_target: bool = False,
    tail: tuple[str, ...] = (),
    completion: bool = False,
    weight_first: bool = False,
) -> None:
    """绩效指标 … 总分: 9 grid columns (11 when the profile splits 年度指标值 into 指标性质 / 指标值 / 度量单位);
    the header row repeats on every page."""
    if split_target and completion:
        widths = [0.7, 1.3, 1.4, 2.3, 0.9, 1.0, 0.9, 1.5, 1.2, 0.9, 1.0, 2.7]
    elif split_target:
        widths = [0.7, 1.4, 1.5, 2.5, 0.9, 1.1, 0.9, 1.7, 1.0, 1.1, 3.0]
    else:
        widths = [0.7, 1.4, 1.6, 2.9, 1.9, 1.9, 1.1, 1.2, 3.1]
    last = len(widths) - 1
    t = new_table(doc, widths, 5 + len(tail), "perfdoc:绩效指标")
    header, loop_start, data, loop_end, total, *after = t.rows
    for row, name in zip(after, tail, strict=True):  # the profile's rows after 总分: 评价结论, 存在问题, 改进措施…
        row_props(row)
        put(row.cells[0].merge(row.cells[2]), NOTE_LABELS[name])
        put(row.cells[3].merge(row.cells[last]), f"{{{{ notes.{name} }}}}", align="left")
    row_props(header, header=True)
    for row in (loop_start, data, loop_end, total):
        row_props(row)
    target = ["nature", "target", "unit"] if split_target else ["target"]
    actual = ["actual", "completion"] if completion else ["actual"]
    middle = [*target, *actual]
    names = [
        "indicators",
        "category",
        "subcategory",
        "name",
        *(["weight", *middle] if weight_first else [*middle, "weight"]),
        "score",
        "deviation_reason",
    ]
    for i, name in enumerate(names):
        put(header.cells[i], f"{{{{ labels.{name} }}}}")
    vmerge(header.cells[0], restart=True)
    put(loop_start.cells[0].merge(loop_start.cells[last]), "{%tr for row in indicators %}", align="left")
    put(loop_end.cells[0].merge(loop_end.cells[last]), "{%tr endfor %}", align="left")
    values = [
        *(["row.nature", "row.value", "row.unit"] if split_target else ["row.target"]),
        "row.actual",
        *(["row.completion"] if completion else []),
    ]
    fields = [
        "row.category",
        "row.subcategory",
        "row.name",
        *(["row.weight", *values] if weight_first else [*values, "row.weight"]),
        "row.score",
        "row.reason",
    ]
    for i, expr in enumerate(fields, start=1):
        put(data.cells[i], f"{{{{ {expr} }}}}", align="left" if expr == "row.reason" else "center")
    # Last: once cell 0 continues the merge, python-docx resolves this row's cells through the row above.
    vmerge(data.cells[0], restart=False)
    weight_at, score_at = names.index("weight"), names.index("score")
    put(total.cells[0].merge(total.cells[min(weight_at, score_at) - 1]), "{{ labels.total_score }}")
    put(total.cells[weight_at], "{{ total_weight }}")
    if weight_at + 1 < score_at - 1:  # the target's columns between 分值 and 得分 stay empty, as one cell
        total.cells[weight_at + 1].merge(total.cells[score_at - 1])
    put(total.cells[score_at], "{{ total_score }}")
    put(total.cells[last], "{% if grade %}{{ labels.grade }}：{{ grade }}{% endif %}")


def landscape_document():
    """A new A4 landscape document with perfdoc's styles, and its first paragraph styled as the title."""
    doc = Document()
    doc_defaults(doc)
    make_styles(doc)
    page_setup(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    title = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    title.style = "表名"
    return doc, title


def summary_template() -> None:
    """templates/summary.docx: 项目支出绩效自评汇总表, A4 landscape.

    Placeholders: {{ year }} {{ money_unit }} {{ count }} {{ budget }} {{ executed }} {{ execution_rate }}
    {{ grades }} {{ deducted }}; rows (no, project, unit, budget, executed, execution_rate, total_score, grade,
    deductions, warnings); excluded (source, errors).
    """
    doc, title = landscape_document()
    title.add_run("{{ year }} 年度项目支出绩效自评汇总表")
    doc.add_paragraph("金额单位：{{ money_unit }}", style="年度")
    widths = [1.0, 4.2, 3.2, 2.8, 2.8, 1.7, 1.3, 1.1, 6.5, 1.1]
    t = new_table(doc, widths, 5, "perfdoc:汇总")
    header, loop_start, data, loop_end, total = t.rows
    row_props(header, header=True)
    for row in (loop_start, data, loop_end, total):
        row_props(row)
    for i, label in enumerate(
        ["序号", "项目名称", "实施单位", "全年预算数", "全年执行数", "执行率", "总分", "等级", "扣分情况", "警告"]
    ):
        put(header.cells[i], label)
    put(loop_start.cells[0].merge(loop_start.cells[9]), "{%tr for row in rows %}", align="left")
    put(loop_end.cells[0].merge(loop_end.cells[9]), "{%tr endfor %}", align="left")
    for i, name in enumerate(
        [
            "no",
            "project",
            "unit",
            "budget",
            "executed",
            "execution_rate",
            "total_score",
            "grade",
            "deductions",
            "warnings",
        ]
    ):
        put(
            data.cells[i],
            f"{{{{ row.{name} }}}}",
            align="left" if name in ("project", "unit", "deductions") else "center",
        )
    put(total.cells[0], "合计")
    put(total.cells[1].merge(total.cells[2]), "{{ count }} 个项目")
    put(total.cells[3], "{{ budget }}")
    put(total.cells[4], "{{ executed }}")
    put(total.cells[5], "{{ execution_rate }}")
    put(total.cells[6].merge(total.cells[7]), "")
    put(total.cells[8], "共扣 {{ deducted }} 分", align="left")
    put(total.cells[9], "")
    doc.add_paragraph("等级分布：{{ grades }}")
    doc.add_paragraph("{%p for item in excluded %}")
    doc.add_paragraph("未纳入（有 {{ item.errors }} 个错误）：{{ item.source }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("执行率合计 = Σ全年执行数 ÷ Σ全年预算数。")
    finish(doc, "项目支出绩效自评汇总表", SUMMARY_OUT)


def report_template() -> None:
    """templates/report.docx: the 绩效自评报告, A4 portrait; its sections come from the source's body
    (## 一、基本情况 …), each a heading and its paragraphs (the figures already filled in by perfdoc)."""
    doc = Document()
    doc_defaults(doc)
    make_styles(doc)
    page_setup(doc)
    text = doc.styles["表内正文"]  # the prose of a report is body text, not a table cell's
    set_fonts(text, BODY_FONT, 14)
    text.paragraph_format.first_line_indent = Pt(28)
    text.paragraph_format.line_spacing = Pt(28)
    item = doc.styles["表内列表"]
    set_fonts(item, BODY_FONT, 14)
    item.paragraph_format.line_spacing = Pt(28)
    heading = doc.styles.add_style("报告章节", 1)
    heading.base_style = doc.styles["Normal"]
    set_fonts(heading, "黑体", 14)
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)
    heading.paragraph_format.keep_with_next = True
    title = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    title.style = "表名"
    title.add_run("{{ project }}")
    doc.add_paragraph("{{ year }} 年度项目支出绩效自评报告", style="表名")
    doc.add_paragraph("{{ unit }}", style="年度")
    doc.add_paragraph("{%p for section in sections %}")
    doc.add_paragraph("{{ section.title }}", style="报告章节")
    doc.add_paragraph("{{p section.body }}", style="表内正文")
    doc.add_paragraph("{%p endfor %}")
    finish(doc, "项目支出绩效自评报告", OUT.with_name("report.docx"))


def stage_template(kind: str) -> None:
    """templates/monitor.docx (项目支出绩效运行监控表) and templates/plan.docx (项目支出绩效目标申报表): the
    project and its funds, the 年度总体目标, and one row per indicator, A4 landscape (their indicator tables
    are wide). Context: perfdoc/render/stages.py."""
    doc, title = landscape_document()
    title.add_run("{{ title }}")
    doc.add_paragraph("（{{ year }} 年度）{{ as_of_text }}", style="年度")
    if kind == "monitor":
        funds = [
            ("年初预算数", "{{ initial_budget }}", 1),
            ("全年预算数", "{{ budget }}", 1),
            ("{{ executed_label }}", "{{ executed }}", 1),
            ("执行进度", "{{ spent }}", 1),
            ("时间进度要求", "{{ required }}", 2),
        ]
        columns = [
            ("年度指标值", "row.target", 1),
            ("{{ to_date_label }}", "row.to_date", 1),
            ("全年预计完成值", "row.expected", 1),
            ("偏差原因类别", "row.cause", 1),
            ("完成目标可能性", "row.likelihood", 1),
            ("纠偏措施", "row.remedy", 1),
        ]
        widths = [1.2, 2.2, 2.6, 4.2, 2.6, 2.6, 2.6, 2.3, 2.2, 3.2]
    else:
        funds = [
            ("年度资金总额", "{{ budget }}", 1),
            ("其中：财政拨款", "{{ appropriation }}", 2),
            ("其他资金", "{{ other }}", 3),
        ]
        columns = [
            ("年度指标值", "row.target", 1),
            ("分值", "row.weight", 1),
            ("指标解释", "row.explanation", 2),
            ("评（扣）分标准", "row.standard", 2),
        ]
        widths = [1.2, 2.2, 2.6, 4.2, 2.6, 1.4, 3.0, 3.0, 2.8, 2.7]
    o = 1 if kind == "plan" else 0  # the 申报表 has a 中长期目标 row above the 年度总体目标
    t = new_table(doc, widths, 9 + o, "perfdoc:" + kind)
    for row in t.rows:
        row_props(row)
    r = t.rows
    put(r[0].cells[0].merge(r[0].cells[1]), "项目名称")
    put(r[0].cells[2].merge(r[0].cells[9]), "{{ project }}")
    put(r[1].cells[0].merge(r[1].cells[1]), "主管部门")
    put(r[1].cells[2].merge(r[1].cells[5]), "{{ department }}")
    put(r[1].cells[6], "实施单位")
    put(r[1].cells[7].merge(r[1].cells[9]), "{{ unit }}")
    put(r[2].cells[0].merge(r[3].cells[0]), "项目资金（{{ money_unit }}）")
    put(r[2].cells[1].merge(r[2].cells[3]), "")
    put(r[3].cells[1].merge(r[3].cells[3]), "年度资金总额")
    col = 4
    for label, cell, span in funds:
        put(r[2].cells[col].merge(r[2].cells[col + span - 1]), label)
        put(r[3].cells[col].merge(r[3].cells[col + span - 1]), cell)
        col += span
    if o:
        put(r[4].cells[0], "中长期目标")
        put(r[4].cells[1].merge(r[4].cells[9]), "{{p long_term }}", align="left", style="表内正文")
        r[4].height = Cm(2.0)
    put(r[4 + o].cells[0], "年度总体目标")
    goal = r[4 + o].cells[1].merge(r[4 + o].cells[9])
    put(goal, "{{p goal }}", align="left", style="表内正文")
    r[4 + o].height = Cm(2.5)
    header = r[5 + o]
    row_props(header, header=True)
    put(header.cells[0], "绩效指标")
    for i, label in enumerate(["一级指标", "二级指标", "三级指标"], start=1):
        put(header.cells[i], label)
    col = 4
    for label, _, span in columns:
        put(header.cells[col].merge(header.cells[col + span - 1]), label)
        col += span
    vmerge(header.cells[0], restart=True)
    put(r[6 + o].cells[0].merge(r[6 + o].cells[9]), "{%tr for row in indicators %}", align="left")
    put(r[8 + o].cells[0].merge(r[8 + o].cells[9]), "{%tr endfor %}", align="left")
    data = r[7 + o]
    for i, expr in enumerate(["row.category", "row.subcategory", "row.name"], start=1):
        put(data.cells[i], f"{{{{ {expr} }}}}", align="left" if i == 3 else "center")
    col = 4
    for _, expr, span in columns:
        wide = expr in ("row.remedy", "row.explanation", "row.standard")
        put(data.cells[col].merge(data.cells[col + span - 1]), f"{{{{ {expr} }}}}", align="left" if wide else "center")
        col += span
    vmerge(data.cells[0], restart=False)
    finish(
        doc, "项目支出绩效运行监控表" if kind == "monitor" else "项目支出绩效目标申报表", OUT.with_name(f"{kind}.docx")
    )


def finish(doc, title: str, out: Path) -> None:
    core = doc.core_properties
    core.author = core.last_modified_by = "perfdoc"
    core.created = core.modified = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)  # reproducible
    core.revision = 1
    core.title = title
    # No braces here: docxtpl renders core properties as templates too.
    core.comments = "perfdoc 模板：可在 Word、WPS、LibreOffice 中修改字体、页边距、加徽标；勿删除占位符"
    package_rels = doc.part.package.rels
    for rid in [rid for rid, rel in package_rels.items() if rel.reltype.endswith("/thumbnail")]:
        del package_rels[rid]  # python-docx's stock thumbnail shows a page that is not this form
    out.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    doc.save(buf)
    out.write_bytes(repack_zip(buf.getvalue()))  # fixed zip timestamps: regenerating changes nothing
    print(f"wrote {out}", file=sys.stderr)


def form_template(
    out: Path,
    split_target: bool = False,
    rows: tuple[str, ...] = DEFAULT_ROWS,
    head: tuple[str, ...] = (),
    tail: tuple[str, ...] = (),
    completion: bool = False,
    columns: tuple[str, ...] = FUNDS_BLOCK_COLUMNS,
    weight_first: bool = False,
) -> None:
    doc = Document()
    doc_defaults(doc)
    make_styles(doc)
    page_setup(doc)
    body = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    body.style = "表名"
    body.add_run("{{ labels.title }}")
    doc.add_paragraph("({{ year }} 年度)", style="年度")
    form_table(doc, rows, head, columns)
    gap = doc.add_paragraph()
    gap.paragraph_format.line_spacing = Pt(2)  # keeps the two tables apart without visible space
    set_fonts(gap.add_run(""), BODY_FONT, 1)
    indicator_table(doc, split_target, tail, completion, weight_first)
    finish(doc, "财政项目支出绩效自评表", out)


def main() -> None:
    """The default form and summary, then a form for every profile whose layout differs (profiles/*.toml)."""
    import tomllib

    form_template(OUT)
    summary_template()
    report_template()
    stage_template("monitor")
    stage_template("plan")
    for profile in sorted(PROFILES.glob("*.toml")):
        data = tomllib.loads(profile.read_text(encoding="utf-8"))
        split, rows = bool(data.get("split_target")), tuple(data.get("funding_rows", DEFAULT_ROWS))
        head, tail = tuple(data.get("head_rows", ())), tuple(data.get("tail_rows", ()))
        completion = bool(data.get("completion_column"))
        columns = tuple(data.get("funding_columns", FUNDS_BLOCK_COLUMNS))
        weight_first = bool(data.get("weight_before_target"))
        if (
            split
            or rows != DEFAULT_ROWS
            or head
            or tail
            or completion
            or columns != FUNDS_BLOCK_COLUMNS
            or weight_first
        ):
            folder = OUT.parent / "profiles" / profile.stem
            folder.mkdir(parents=True, exist_ok=True)
            form_template(folder / "form.docx", split, rows, head, tail, completion, columns, weight_first)
    precompile()


def precompile() -> None:
    """Every packaged Word template's patched parts, by the template's sha256, so that a build does not import
    docxtpl to patch them (perfdoc.render.wordtemplate.patched_parts); stale ones are removed."""
    import hashlib
    import io
    import json
    import zipfile

    from perfdoc.render.wordtemplate import COMPILED_FOLDER, patch_parts

    folder = OUT.parent / COMPILED_FOLDER
    folder.mkdir(exist_ok=True)
    wanted = set()
    for template in sorted(OUT.parent.rglob("*.docx")):
        raw = template.read_bytes()
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            members = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
        target = folder / f"{hashlib.sha256(raw).hexdigest()}.json"
        target.write_text(json.dumps(patch_parts(raw, members), ensure_ascii=False, sort_keys=True), encoding="utf-8")
        wanted.add(target)
    for stale in set(folder.glob("*.json")) - wanted:
        stale.unlink()


if __name__ == "__main__":
    main()
