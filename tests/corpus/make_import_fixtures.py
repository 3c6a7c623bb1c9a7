"""Writes tests/corpus/docx/: filled-in forms whose layout differs from perfdoc's own template, made with
python-docx the way other provinces lay them out. Run ``python tests/corpus/make_import_fixtures.py``.

- sichuan-wanyuan.docx: money columns in another order (全年预算数, 全年执行数, 年初预算数), 万元 with 4
  decimals, 执行率 without %, 其中：本年财政拨款, 预期目标 / 完成情况综述, 分值 before the values, the reason
  column 未完成原因及拟采取的改进措施, decorated 一级 labels 产出指标(50分), full-width digits, 等级 beside 总分.
- split-tables.docx: one form over two tables, no 年初预算数, amounts with spaces, 年度指标值 split into
  指标性质 / 指标值 / 度量单位 over two header rows, 实际\\n完成值, [产出指标] labels, a blank row.
- two-forms.docx: two forms in one document, ＞ and ≤ comparators, a reverse cost indicator; the second
  form's typed 总分 does not add up.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from docx import Document

HERE = Path(__file__).parent / "docx"
FIXED = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def save(doc, name: str) -> None:
    doc.core_properties.created = doc.core_properties.modified = FIXED  # no clock in the fixtures
    doc.save(str(HERE / name))


def table(doc, rows: list[list[str]], merges: list[tuple[int, int, int, int]] = ()):
    n_cols = max(len(r) for r in rows)
    t = doc.add_table(rows=len(rows), cols=n_cols)
    t.style = doc.styles["Table Grid"]
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            t.cell(i, j).text = text
    for r0, c0, r1, c1 in merges:
        a, b = t.cell(r0, c0), t.cell(r1, c1)
        keep = a.text
        merged = a.merge(b)
        for p in merged.paragraphs[1:]:
            p._p.getparent().remove(p._p)
        merged.paragraphs[0].text = keep
    return t


def vmerge_column(t, col: int, first: int, last: int) -> None:
    """Merge a column over rows first..last (inclusive), keeping the first cell's text."""
    t.cell(first, col).merge(t.cell(last, col))
    cell = t.cell(first, col)
    texts = [p.text for p in cell.paragraphs if p.text]
    for p in cell.paragraphs[1:]:
        p._p.getparent().remove(p._p)
    cell.paragraphs[0].text = texts[0] if texts else ""


def sichuan() -> None:
    doc = Document()
    doc.add_paragraph("项目支出绩效自评表")
    doc.add_paragraph("（２０２１年度）")
    rows = [
        ["项目名称", "智慧城管平台运维", "", "", "", "", "", ""],
        ["主管部门", "某市城市管理局", "", "", "实施单位", "某市数字城管中心", "", ""],
        ["项目资金（万元）", "", "全年预算数（A）", "全年执行数（B）", "年初预算数", "分值", "执行率（B/A）", "得分"],
        ["", "年度资金总额", "120.0000", "114.5000", "100.0000", "10", "95.42", "9.54"],
        ["", "其中：本年财政拨款", "100.0000", "96.0000", "100.0000", "/", "/", "/"],
        ["", "上年结转资金", "20.0000", "18.5000", "-", "/", "/", "/"],
        ["", "其他资金", "", "", "", "/", "/", "/"],
        ["年度总体目标", "预期目标", "", "", "完成情况综述", "", "", ""],
        [
            "",
            "保障城市管理平台全年稳定运行，及时处置市民反映的问题。",
            "",
            "",
            "平台全年运行稳定，共处置案件12500件，结案率96.5%。",
            "",
            "",
            "",
        ],
    ]
    t = table(
        doc,
        rows,
        merges=[(0, 1, 0, 7), (1, 1, 1, 3), (1, 5, 1, 7), (7, 1, 7, 3), (7, 4, 7, 7), (8, 1, 8, 3), (8, 4, 8, 7)],
    )
    vmerge_column(t, 0, 2, 6)
    vmerge_column(t, 0, 7, 8)
    ind = [
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "分值",
            "年度指标值",
            "实际完成值",
            "得分",
            "未完成原因及拟采取的改进措施",
        ],
        ["", "产出指标(50分)", "数量指标", "案件处置数", "20", "≧１２０００件", "12500件", "20", "无"],
        ["", "产出指标(50分)", "质量指标", "案件结案率", "15", "≥95%", "96.5%", "15", "/"],
        ["", "产出指标(50分)", "时效指标", "平台运行时间", "15", "≥99%", "98%", "14", "机房断电两次，已加装不间断电源"],
        ["", "效益指标(30分)", "社会效益指标", "市民投诉处理及时率", "30", "≥90%", "92%", "30", "无"],
        ["", "满意度指标(10分)", "服务对象满意度指标", "市民满意度", "10", "≥85%", "88%", "10", "无"],
        ["总分", "", "", "", "100", "", "", "98.54", "等级：优"],
    ]
    t2 = table(doc, ind, merges=[(6, 0, 6, 3)])
    vmerge_column(t2, 0, 0, 5)
    vmerge_column(t2, 1, 1, 3)
    save(doc, "sichuan-wanyuan.docx")


def split_tables() -> None:
    doc = Document()
    doc.add_paragraph("财政项目支出绩效自评表")
    doc.add_paragraph("(2022 年度)")
    info = [
        ["项目名称", "职业技能提升培训", "", "", "", "", ""],
        ["主管部门", "某区人力资源和社会保障局", "", "实施单位", "某区就业促进中心", "", ""],
        ["项目资金\n（元）", "", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "2 000 000.00", "1 980 000.00", "10", "99.00%", "9.90"],
        ["", "其中：当年财政拨款", "2 000 000.00", "1 980 000.00", "—", "—", "—"],
        ["", "上年结转资金", "—", "—", "—", "—", "—"],
        ["", "其他资金", "—", "—", "—", "—", "—"],
        ["年度总体目标", "年初设定目标", "", "", "实际完成情况", "", ""],
        [
            "",
            "开展职业技能培训400人次以上，培训合格率不低于90%。",
            "",
            "",
            "全年培训520人次，合格率93%；**80**人实现就业。",
            "",
            "",
        ],
    ]
    t = table(
        doc,
        info,
        merges=[(0, 1, 0, 6), (1, 1, 1, 2), (1, 4, 1, 6), (7, 1, 7, 3), (7, 4, 7, 6), (8, 1, 8, 3), (8, 4, 8, 6)],
    )
    vmerge_column(t, 0, 2, 6)
    vmerge_column(t, 0, 7, 8)
    doc.add_paragraph("")  # the form continues in a second table, as when a page break splits it
    ind = [
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "",
            "",
            "实际\n完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        ["", "", "", "", "指标性质", "指标值", "度量单位", "", "", "", ""],
        ["", "[产出指标]", "数量指标", "培训人次", "≥", "400", "人次", "520", "20", "20", "无偏差"],
        ["", "[产出指标]", "质量指标", "培训合格率", "≥", "90", "%", "93", "20", "20", ""],
        ["", "[产出指标]", "时效指标", "按期完成率", "=", "100", "%", "100", "10", "10", ""],
        ["", "", "", "", "", "", "", "", "", "", ""],
        [
            "",
            "[效益指标]",
            "社会效益指标",
            "带动就业人数",
            "≥",
            "100",
            "人",
            "80",
            "20",
            "16",
            "部分学员未就业，加强跟踪服务",
        ],
        ["", "[效益指标]", "可持续影响指标", "长效机制", "定性", "建立", "", "建立", "10", "10", ""],
        ["", "[满意度指标]", "服务对象满意度指标", "学员满意度", "≥", "90", "%", "95", "10", "10", ""],
        ["总分", "", "", "", "", "", "", "", "100", "95.90", ""],
    ]
    t2 = table(doc, ind, merges=[(0, 4, 0, 6), (9, 0, 9, 7)])
    for col in (1, 2, 3, 7, 8, 9, 10):
        vmerge_column(t2, col, 0, 1)
    vmerge_column(t2, 0, 0, 8)
    save(doc, "split-tables.docx")


def two_forms() -> None:
    doc = Document()
    forms = [
        ("社区养老服务补贴", "91.50", "91.50"),
        ("老旧小区加装电梯补助", "100", "92.50"),  # typed 总分 100: the rows add up to 92.50
    ]
    for k, (project, _, typed_total) in enumerate(forms):
        doc.add_paragraph("财政项目支出绩效自评表")
        doc.add_paragraph("（2023年度）")
        rows = [
            ["项目名称", project, "", "", "", "", "", "", ""],
            ["主管部门", "某区民政局", "", "", "实施单位", "某区养老服务指导中心", "", "", ""],
            ["项目资金（元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""],
            ["", "年度资金总额", "500,000.00", "500,000.00", "475,000.00", "10", "95%", "9.5", ""],
            ["", "其中：当年财政拨款", "500,000.00", "500,000.00", "475,000.00", "—", "—", "—", ""],
            ["", "上年结转资金", "", "", "", "—", "—", "—", ""],
            ["", "其他资金", "", "", "", "—", "—", "—", ""],
            ["年度总体目标", "预期目标", "", "", "实际完成情况", "", "", "", ""],
            ["", f"{project}：按标准发放补贴。", "", "", "全年按标准完成发放。", "", "", "", ""],
            [
                "绩效指标",
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ],
            ["", "产出指标", "数量指标", "补贴发放人数", "＞300人", "320人", "30", "30", ""],
            [
                "",
                "产出指标",
                "成本指标",
                "人均补贴成本",
                "≤1500元",
                "1480元",
                "20" if k == 0 else "22",
                "20" if k == 0 else "22",
                "",
            ],
            [
                "",
                "效益指标",
                "社会效益指标",
                "老年人生活质量",
                "提升",
                "部分提升",
                "20",
                "12" if k == 0 else "13",
                "部分对象需求未覆盖，下年扩大范围",
            ],
            [
                "",
                "满意度指标",
                "服务对象满意度指标",
                "服务对象满意度",
                "≥90%",
                "90%",
                "20" if k == 0 else "18",
                "20" if k == 0 else "18",
                "",
            ],
            ["总分", "", "", "", "", "", "100", typed_total if k == 0 else "100", ""],
        ]
        t = table(
            doc,
            rows,
            merges=[
                (0, 1, 0, 8),
                (1, 1, 1, 3),
                (1, 5, 1, 8),
                (7, 1, 7, 3),
                (7, 4, 7, 8),
                (8, 1, 8, 3),
                (8, 4, 8, 8),
                (14, 0, 14, 5),
            ],
        )
        vmerge_column(t, 0, 2, 6)
        vmerge_column(t, 0, 7, 8)
        vmerge_column(t, 0, 9, 13)
        if k == 0:
            doc.add_page_break()
    save(doc, "two-forms.docx")


def main() -> None:
    HERE.mkdir(exist_ok=True)
    sichuan()
    split_tables()
    two_forms()


if __name__ == "__main__":
    main()
