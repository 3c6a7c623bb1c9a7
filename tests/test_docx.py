"""The Word form: reopened with python-docx, converted by LibreOffice, byte-identical across builds."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from perfdoc.check import check_paths
from perfdoc.config import Config

from .conftest import CONTENT, SEED_FILES, edit, perfdoc_ok
from .realtools import pdf_has_cell_text, pdf_text, pdf_words, soffice_to_pdf

SEED_TOTALS = {"创业孵化基地运行保障": "95.99", "开展科技金融工作及服务": "100", "中国创新创业大赛（上海赛区）": "92"}


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    perfdoc_ok("build", CONTENT, "--out", out, "--format", "docx")
    return out


@pytest.fixture(scope="module")
def seed_reports():
    return {r.assessment.project: r for r in check_paths([CONTENT], Config())}


def docx_path(out: Path, project: str) -> Path:
    return out / "2020" / f"{project}.docx"


def texts(row) -> list[str]:
    return [c.text for c in row.cells]


def vmerge_spans(table, column: int, first_row: int, last_row: int) -> list[int]:
    """Lengths of the vertical merges in a grid column, read from the w:vMerge elements themselves."""
    spans: list[int] = []
    for tr in table._tbl.tr_lst[first_row:last_row]:
        tc = tr.tc_lst[column]
        vm = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
        if vm is None or vm.get(qn("w:val")) == "restart":
            spans.append(1)
        else:
            spans[-1] += 1
    return spans


def test_outputs_are_named_by_project(seed_build):
    names = sorted(p.name for p in (seed_build / "2020").iterdir())
    assert names == sorted([*(f"{p}.docx" for p in SEED_TOTALS), "summary.docx", "summary.xlsx"])


@pytest.mark.parametrize("project", list(SEED_TOTALS))
def test_every_label_and_value_in_its_cell(seed_build, seed_reports, project):
    rep = seed_reports[project]
    a, res = rep.assessment, rep.result
    doc = Document(str(docx_path(seed_build, project)))
    body = [p.text for p in doc.paragraphs]
    assert "财政项目支出绩效自评表" in body and "(2020 年度)" in body
    info, indicators = doc.tables
    assert texts(info.rows[0])[:3] == ["项目名称", "项目名称", project]
    assert texts(info.rows[1]) == [
        "主管部门",
        "主管部门",
        a.department,
        a.department,
        "实施单位",
        "实施单位",
        a.unit,
        a.unit,
    ]
    assert texts(info.rows[2])[1:] == ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert info.rows[2].cells[0].text == "项目资金（元）"
    total = texts(info.rows[3])
    assert total[1] == "年度资金总额"
    assert total[3] == f"{a.funds.total.budget:,.2f}" and total[4] == f"{a.funds.total.executed:,.2f}"
    assert total[5:] == ["10", f"{res.execution_rate:.2f}%", "9.99" if project == "创业孵化基地运行保障" else "10"]
    assert texts(info.rows[4])[1] == "其中：当年财政拨款" and texts(info.rows[4])[5:] == ["—", "—", "—"]
    assert texts(info.rows[5])[1:] == ["上年结转资金", "—", "—", "—", "—", "—", "—"]
    assert texts(info.rows[6])[1:] == ["其他资金", "—", "—", "—", "—", "—", "—"]
    assert info.rows[7].cells[0].text == "年度总体目标"
    assert texts(info.rows[7])[1] == "预算目标" and texts(info.rows[7])[4] == "实际完成情况"
    goal_cell, outcome_cell = info.rows[8].cells[1], info.rows[8].cells[4]
    assert goal_cell.paragraphs[0].text == a.goal.text.split("\n\n")[0]
    assert [p.text for p in outcome_cell.paragraphs] == a.outcome.text.split("\n\n")
    header = texts(indicators.rows[0])
    assert header == [
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    for row, ind, r in zip(indicators.rows[1:-1], a.indicators, res.indicators, strict=True):
        cells = texts(row)
        assert cells[0] == "绩效指标"
        assert cells[1:4] == [ind.category, ind.subcategory, ind.name]
        assert cells[4:6] == [ind.target, ind.actual]
        assert Decimal_(cells[6]) == ind.weight and Decimal_(cells[7]) == r.score
        assert cells[8] == (ind.deviation_reason or "无偏差")
    assert texts(indicators.rows[-1])[-4:] == ["总分", "100", SEED_TOTALS[project], "等级：优"]


def Decimal_(text: str):
    from decimal import Decimal

    return Decimal(text)


def test_merges_equal_group_sizes(seed_build, seed_reports):
    doc = Document(str(docx_path(seed_build, "创业孵化基地运行保障")))
    table = doc.tables[1]
    n = len(table.rows)
    assert vmerge_spans(table, 0, 0, n - 1) == [n - 1]  # 绩效指标 spans header and every indicator row
    assert vmerge_spans(table, 1, 1, n - 1) == [9, 3, 2]  # 产出 / 效益 / 满意度
    assert vmerge_spans(table, 2, 1, n - 1) == [5, 3, 1, 2, 1, 2]
    for project, rep in seed_reports.items():
        table = Document(str(docx_path(seed_build, project))).tables[1]
        groups = rep.assessment.groups()
        n = len(table.rows)
        assert vmerge_spans(table, 1, 1, n - 1) == [sum(len(i) for _, i in subs) for _, subs in groups]
        assert vmerge_spans(table, 2, 1, n - 1) == [len(items) for _, subs in groups for _, items in subs]


def test_page_setup_fonts_and_repeated_header(seed_build):
    doc = Document(str(docx_path(seed_build, "创业孵化基地运行保障")))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert section.orientation == 0  # portrait
    rfonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    header_tr = doc.tables[1]._tbl.tr_lst[0]
    assert header_tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in doc.tables[1]._tbl.tr_lst)
    footer = "".join(p._p.xml for p in section.footer.paragraphs)
    assert "PAGE" in footer and "- " in section.footer.paragraphs[0].text


def test_core_properties_come_from_content(seed_build):
    doc = Document(str(docx_path(seed_build, "开展科技金融工作及服务")))
    props = doc.core_properties
    assert props.title == "开展科技金融工作及服务 财政项目支出绩效自评表（2020 年度）"
    assert props.author == "上海市科技创业中心"
    assert props.created.year == 2021 and props.modified == props.created


def sha256_tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")  # not the build cache
    }


def test_two_builds_are_byte_identical(run_cli, tmp_path):
    for name in ("a", "b"):
        assert run_cli("build", CONTENT, "--out", tmp_path / name, "--format", "docx").code == 0
    first, second = sha256_tree(tmp_path / "a"), sha256_tree(tmp_path / "b")
    assert first == second and len(first) == 5  # three forms, summary.docx, summary.xlsx
    for p in (tmp_path / "a").rglob("*.docx"):
        with zipfile.ZipFile(p) as zf:
            assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            assert zf.testzip() is None


def test_build_never_modifies_sources(run_cli, tmp_path):
    before = sha256_tree(CONTENT)
    run_cli("build", CONTENT, "--out", tmp_path, "--format", "docx")
    assert sha256_tree(CONTENT) == before


HOSTILE = 'R&D <x> {{ 7*7 }} "q"'
HOSTILE_BLOCK = "{% if true %}x{% endif %} {_{ a }_} &amp; </w:t>"
HOSTILE_TEXT = "{% if true %}x{% endif %} {#c#} &amp; &lt; </w:t> ]]>"  # Markdown keeps these as they are


def test_escaping_round_trip_every_text_field(run_cli, tmp_path):
    src = tmp_path / "content" / "hostile.md"
    src.parent.mkdir()
    q = HOSTILE.replace('"', '\\"')
    src.write_text(
        "---\n"
        f'年度: 2021\n项目名称: "{q}"\n主管部门: "{q}"\n实施单位: "{q}"\n'
        "项目资金:\n  年度资金总额: {全年预算数: 100, 全年执行数: 100}\n"
        "绩效指标:\n  产出指标:\n    质量指标:\n"
        f'      - {{三级指标: "{q}", 年度指标值: "{q}", 实际完成值: "{q}", 达成情况: 部分达成, 分值: 50, 得分: 35,'
        f' 偏差原因分析及改进措施: "{q}"}}\n'
        f'      - {{三级指标: "{HOSTILE_BLOCK}", 年度指标值: 安全, 实际完成值: 安全, 分值: 40}}\n'
        "---\n\n## 预算目标\n\n" + HOSTILE + "\n\n" + HOSTILE_TEXT + "\n\n## 实际完成情况\n\n" + HOSTILE + "\n",
        encoding="utf-8",
    )
    res = run_cli("build", src, "--out", tmp_path / "out", "--format", "docx")
    assert res.code == 0, res.out + res.err
    [out] = [p for p in (tmp_path / "out" / "2021").glob("*.docx") if p.name != "summary.docx"]
    assert out.name == "R&D _x_ {{ 7_7 }} _q_.docx"  # <, >, *, " are not allowed in Windows file names
    doc = Document(str(out))
    info, indicators = doc.tables
    assert info.rows[0].cells[2].text == HOSTILE
    assert info.rows[1].cells[2].text == HOSTILE and info.rows[1].cells[6].text == HOSTILE
    assert [p.text for p in info.rows[8].cells[1].paragraphs] == [HOSTILE, HOSTILE_TEXT]
    assert info.rows[8].cells[4].text == HOSTILE
    row = texts(indicators.rows[1])
    assert row[3:6] == [HOSTILE] * 3 and row[8] == HOSTILE
    assert texts(indicators.rows[2])[3] == HOSTILE_BLOCK


def test_markdown_becomes_paragraphs_and_runs(run_cli, seed_copy, tmp_path):
    f = edit(
        seed_copy / "2020" / "sci-tech-finance.md",
        "## 实际完成情况\n\n",
        "## 实际完成情况\n\n**重点**完成，*斜体*说明：\n\n1. 第一项\n2. 第二项\n\n- 要点甲\n- 要点乙\n\n",
    )
    assert run_cli("build", f, "--out", tmp_path, "--format", "docx").code == 0
    cell = Document(str(tmp_path / "2020" / "开展科技金融工作及服务.docx")).tables[0].rows[8].cells[4]
    paras = cell.paragraphs
    assert [p.text for p in paras[:5]] == ["重点完成，斜体说明：", "1. 第一项", "2. 第二项", "• 要点甲", "• 要点乙"]
    runs = paras[0].runs
    assert (runs[0].text, runs[0].bold) == ("重点", True)
    assert any(r.text == "斜体" and r.italic for r in runs)
    assert "*" not in cell.text
    assert paras[1].style.name == "表内列表" and paras[0].style.name == "表内正文"


def test_form_with_errors_gets_no_new_output_and_keeps_its_last_good_one(run_cli, seed_copy, tmp_path):
    """#11 item 5: one typo must not lose yesterday's good form; the build says it kept it (PD703)."""
    out = tmp_path / "out"
    assert run_cli("build", seed_copy, "--out", out, "--format", "docx").code == 0
    good = (out / "2020" / "开展科技金融工作及服务.docx").read_bytes()
    edit(seed_copy / "2020" / "sci-tech-finance.md", "总分: 100", "总分: 99")
    res = run_cli("build", seed_copy, "--out", out, "--format", "docx")
    assert res.code == 1
    assert "PD306" in res.err and "1 份因错误未生成" in res.err
    assert "PD703" in res.out and "保留上次生成的 2020/开展科技金融工作及服务.docx" in res.out
    assert (out / "2020" / "开展科技金融工作及服务.docx").read_bytes() == good
    assert not list(out.rglob("*.tmp"))
    # Fixed again, the form is built anew; a form that never built has nothing to keep.
    edit(seed_copy / "2020" / "sci-tech-finance.md", "总分: 99", "总分: 100")
    assert run_cli("build", seed_copy, "--out", out, "--format", "docx").code == 0
    new = seed_copy / "2021" / "new.md"
    new.parent.mkdir()
    new.write_text(
        (seed_copy / "2020" / "incubator.md")
        .read_text(encoding="utf-8")
        .replace("年度: 2020", "年度: 2021")
        .replace("总分: 95.99", "总分: 1"),
        encoding="utf-8",
    )
    res = run_cli("build", seed_copy, "--out", out, "--format", "docx")
    assert res.code == 1 and not (out / "2021" / "创业孵化基地运行保障.docx").exists()


def test_control_character_is_an_error_naming_the_field(run_cli, tmp_path):
    src = tmp_path / "x.md"
    src.write_bytes(
        SEED_FILES["开展科技金融工作及服务"].read_bytes().replace("专刊出版完成率".encode(), "专刊\x0b出版".encode())
    )
    res = run_cli("build", src, "--out", tmp_path / "out")
    assert res.code == 1
    assert "PD107 绩效指标.产出指标.数量指标[0].三级指标: 含有控制字符" in res.err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.docx"))


def test_fast_path_matches_docxtpl_plain_render(seed_reports):
    """The compiled-once path renders what docxtpl's own render() renders, cell for cell."""
    from docxtpl import DocxTemplate

    from perfdoc.render.templates import template_path
    from perfdoc.render.wordml import VM_CONTINUE, VM_RESTART
    from perfdoc.render.wordtemplate import DocxRenderer

    cfg = Config()
    renderer = DocxRenderer(template_path(cfg, "form.docx"))
    rep = seed_reports["创业孵化基地运行保障"]
    fast = Document(io.BytesIO(renderer.render_form(rep.result, cfg)))
    plain = DocxTemplate(str(template_path(cfg, "form.docx")))
    plain.render(renderer.context(rep.result, cfg), autoescape=True)
    buf = io.BytesIO()
    plain.save(buf)
    slow = Document(io.BytesIO(buf.getvalue()))

    def cells(doc, strip_markers):
        out = []
        for t in doc.tables:
            for tr in t._tbl.tr_lst:
                for tc in tr.tc_lst:
                    text = "".join(x.text or "" for x in tc.iter(qn("w:t")))
                    if strip_markers:
                        text = "" if VM_CONTINUE in text else text.replace(VM_RESTART, "")
                    out.append(text)
        return out

    assert cells(fast, False) == cells(slow, True)


def test_user_edited_template_is_used(run_cli, seed_copy, tmp_path):
    from perfdoc.render.templates import PACKAGED_TEMPLATES

    project = seed_copy.parent
    (project / "templates").mkdir()
    doc = Document(str(PACKAGED_TEMPLATES / "form.docx"))
    doc.styles["Normal"].font.size = doc.styles["Normal"].font.size.__class__(254000 // 2)  # 10 pt → change
    doc.sections[0].left_margin = doc.sections[0].left_margin // 2
    doc.paragraphs[0].runs[0].text = "财政项目支出绩效自评表（定制）"
    doc.save(str(project / "templates" / "form.docx"))
    (project / "perfdoc.toml").write_text('money_unit = "万元"\n', encoding="utf-8")
    res = run_cli("--config", project / "perfdoc.toml", "build", seed_copy, "--out", tmp_path / "o", "--format", "docx")
    assert res.code == 0, res.err
    out = Document(str(tmp_path / "o" / "2020" / "开展科技金融工作及服务.docx"))
    assert out.paragraphs[0].text == "财政项目支出绩效自评表（定制）"
    assert out.tables[0].rows[2].cells[0].text == "项目资金（万元）"


def test_template_with_unknown_variable_is_a_clear_error(run_cli, seed_copy, tmp_path):
    from perfdoc.render.templates import PACKAGED_TEMPLATES

    project = seed_copy.parent
    (project / "templates").mkdir()
    doc = Document(str(PACKAGED_TEMPLATES / "form.docx"))
    doc.add_paragraph("{{ projet }}")
    doc.save(str(project / "templates" / "form.docx"))
    (project / "perfdoc.toml").write_text("", encoding="utf-8")
    res = run_cli("--config", project / "perfdoc.toml", "build", seed_copy, "--out", tmp_path / "o", "--format", "docx")
    assert res.code == 1
    assert "引用了不存在的变量" in res.err and "projet" in res.err


def test_libreoffice_pdf_shows_every_indicator_and_total(seed_build, seed_reports, tmp_path):
    docs = [docx_path(seed_build, p) for p in SEED_TOTALS]
    pdfs = soffice_to_pdf(docs, tmp_path)
    for project, pdf in zip(SEED_TOTALS, pdfs, strict=True):
        words = pdf_words(pdf)
        text = pdf_text(pdf)
        for ind in seed_reports[project].assessment.indicators:
            assert pdf_has_cell_text(words, ind.name), (project, ind.name)
        assert "总分" in text and "财政项目支出绩效自评表" in text
        assert any(w.text == SEED_TOTALS[project] for w in words)
        assert re.search(r"-\s*1\s*-", text)  # the page footer


def test_build_pdf_format(run_cli, tmp_path):
    from .realtools import require

    require("soffice", "libreoffice-writer-nogui")
    res = run_cli("build", SEED_FILES["中国创新创业大赛（上海赛区）"], "--out", tmp_path, "--format", "pdf")
    assert res.code == 0, res.err
    assert (tmp_path / "2020" / "中国创新创业大赛（上海赛区）.pdf").read_bytes().startswith(b"%PDF")


def test_pdf_without_libreoffice_says_so(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    res = run_cli("build", SEED_FILES["中国创新创业大赛（上海赛区）"], "--out", tmp_path / "o", "--format", "docx,pdf")
    assert res.code == 1
    assert "没有找到 LibreOffice" in res.err
    assert (tmp_path / "o" / "2020" / "中国创新创业大赛（上海赛区）.docx").is_file()


def test_property_elements_in_schema_order(seed_build):
    """Word calls a file damaged when tblPr/tcPr children are out of schema order (LibreOffice does not mind)."""
    from perfdoc.render.wordml import TBLPR_ORDER, TCPR_ORDER

    for path in (seed_build / "2020").glob("*.docx"):
        doc = Document(str(path))
        for table in doc.tables:
            tags = [el.tag.rsplit("}", 1)[-1] for el in table._tbl.tblPr]
            assert tags == sorted(tags, key=TBLPR_ORDER.index)
            for tc in table._tbl.iter(qn("w:tc")):
                if tc.tcPr is not None:
                    tags = [el.tag.rsplit("}", 1)[-1] for el in tc.tcPr]
                    assert tags == sorted(tags, key=TCPR_ORDER.index), tags


def test_line_breaks_and_tabs_in_content_become_word_breaks(run_cli, seed_copy, tmp_path):
    f = edit(
        seed_copy / "2020" / "incubator.md",
        "偏差原因分析及改进措施: 加强电力维护，保障能源稳定。",
        '偏差原因分析及改进措施: "加强电力维护；\\n保障能源稳定。\\t（见附件）"',
    )
    assert run_cli("build", f, "--out", tmp_path, "--format", "docx").code == 0
    doc = Document(str(tmp_path / "2020" / "创业孵化基地运行保障.docx"))
    cell = doc.tables[1].rows[7].cells[8]
    xml = cell._tc.xml
    assert "<w:br/>" in xml and "<w:tab/>" in xml
    assert cell.text == "加强电力维护；\n保障能源稳定。\t（见附件）"
