"""`perfdoc summary`: the 项目支出绩效自评汇总表 of a year, in the terminal, .xlsx, .docx and on the index."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from perfdoc.build import digests_of
from perfdoc.config import Config
from perfdoc.summary import summarize

from .conftest import CONTENT, edit, perfdoc_ok
from .realtools import pdf_text, soffice_to_pdf


@pytest.fixture(scope="module")
def summary_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("summary")
    perfdoc_ok("summary", CONTENT, "--year", "2020", "--out", out)
    return out


def test_sums_are_sums_and_the_rate_is_not_a_mean():
    s = summarize(digests_of([CONTENT], Config()), Config(), 2020)
    assert s.budget == Decimal("14502000.00") and s.executed == Decimal("14497544.00")
    assert s.execution_rate == Decimal("99.97")  # the mean of the rates would be 99.98
    assert s.grade_counts == {"优": 3, "良": 0, "中": 0, "差": 0}

    deductions = {(r.project, d.indicator): d.points for r in s.rows for d in r.deductions}
    assert deductions == {
        ("创业孵化基地运行保障", "预算执行率"): Decimal("0.01"),
        ("创业孵化基地运行保障", "能源保障稳定性"): Decimal(2),
        ("创业孵化基地运行保障", "入驻人员满意度"): Decimal(2),
        ("中国创新创业大赛（上海赛区）", "提高上海企业竞争力"): Decimal(8),
    }


def test_xlsx_holds_numbers_with_formats(summary_out):
    wb = openpyxl.load_workbook(summary_out / "2020" / "summary.xlsx")
    ws = wb.active
    assert ws.freeze_panes == "C3"
    header = [c.value for c in ws[2]]
    assert header[:8] == [
        "序号",
        "项目名称",
        "实施单位",
        "全年预算数（元）",
        "全年执行数（元）",
        "执行率",
        "总分",
        "等级",
    ]
    rows = {ws.cell(r, 2).value: r for r in range(3, ws.max_row + 1)}
    total = rows["3 个项目"]
    budget, executed, rate = (ws.cell(total, c) for c in (4, 5, 6))
    assert (budget.data_type, executed.data_type, rate.data_type) == ("n", "n", "n")
    assert budget.value == 14502000 and executed.value == 14497544
    assert f"{budget.value:,.2f}" == "14,502,000.00" and f"{executed.value:,.2f}" == "14,497,544.00"
    assert budget.number_format == "#,##0.00" and rate.number_format == "0.00%"
    assert f"{rate.value:.2%}" == "99.97%"
    grades = [
        ws.cell(rows[p], 8).value
        for p in ("创业孵化基地运行保障", "开展科技金融工作及服务", "中国创新创业大赛（上海赛区）")
    ]
    assert grades == ["优", "优", "优"]
    assert ws.cell(rows["创业孵化基地运行保障"], 7).value == 95.99
    assert ws.cell(rows["创业孵化基地运行保障"], 7).data_type == "n"
    assert "能源保障稳定性 −2（加强电力维护，保障能源稳定。）" in ws.cell(rows["创业孵化基地运行保障"], 9).value
    counts = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(total + 2, ws.max_row + 1)}
    assert counts["优"] == 3 and counts["良"] == 0
    assert ws.column_dimensions["B"].width >= 30


def test_summary_docx_and_its_pdf_show_the_figures(summary_out, tmp_path):
    path = summary_out / "2020" / "summary.docx"
    doc = Document(str(path))
    table = doc.tables[0]
    last = [c.text for c in table.rows[-1].cells]
    assert last[0] == "合计" and last[3:6] == ["14,502,000.00", "14,497,544.00", "99.97%"]
    assert any("等级分布：优 3 个" in p.text for p in doc.paragraphs)
    [pdf] = soffice_to_pdf([path], tmp_path)
    text = pdf_text(pdf)
    for figure in ("14,502,000.00", "14,497,544.00", "99.97%", "优 3 个", "2020 年度项目支出绩效自评汇总表"):
        assert figure in text.replace("\n", ""), figure


def test_summary_command_prints_the_table(run_cli, tmp_path):
    res = run_cli("summary", CONTENT, "--out", tmp_path)
    assert res.code == 0
    assert "2020 年度项目支出绩效自评汇总表" in res.out
    assert "14,502,000.00" in res.out and "14,497,544.00" in res.out and "99.97%" in res.out
    assert "等级分布：优 3 个，良 0 个，中 0 个，差 0 个" in res.out
    assert (tmp_path / "2020" / "summary.xlsx").is_file()


def test_unknown_year_is_a_clear_error(run_cli, tmp_path):
    res = run_cli("summary", CONTENT, "--year", "2019", "--out", tmp_path)
    assert res.code == 1 and "没有2019年度的自评表可汇总" in res.err


def test_forms_with_errors_are_listed_not_summed(run_cli, seed_copy, tmp_path):
    edit(seed_copy / "2020" / "sci-tech-finance.md", "总分: 100", "总分: 99")
    res = run_cli("summary", seed_copy, "--out", tmp_path)
    assert res.code == 1
    assert "未纳入（有 1 个错误）" in res.out and "12,412,000.00" in res.out  # 7,300,000 + 5,112,000


def test_mixed_units_are_converted(tmp_path, seed_copy):
    f = seed_copy / "2020" / "sci-tech-finance.md"
    edit(f, "实施单位: 上海市科技创业中心\n", "实施单位: 上海市科技创业中心\n金额单位: 万元\n")
    edit(
        f,
        '{年初预算数: 2090000.00, 全年预算数: 2090000.00, 全年执行数: "2,090,000"}',
        "{年初预算数: 209, 全年预算数: 209, 全年执行数: 209}",
    )
    edit(
        f,
        '{年初预算数: "2,090,000.00", 全年预算数: "2,090,000.00", 全年执行数: "2,090,000.00"}',
        "{年初预算数: 209, 全年预算数: 209, 全年执行数: 209}",
    )
    s = summarize(digests_of([seed_copy], Config()), Config(), 2020)
    assert s.budget == Decimal("14502000.00")


def test_build_writes_summaries_and_index_section(run_cli, tmp_path, browser):
    assert run_cli("build", CONTENT, "--out", tmp_path, "--format", "docx,html").code == 0
    assert (tmp_path / "2020" / "summary.xlsx").is_file() and (tmp_path / "2020" / "summary.docx").is_file()
    page = browser.new_page()
    page.goto((tmp_path / "index.html").as_uri())
    assert page.inner_text("#summary-2020-budget") == "14,502,000.00"
    assert page.inner_text("#summary-2020-executed") == "14,497,544.00"
    assert page.inner_text("#summary-2020-rate") == "99.97%"
    assert page.locator("#summary-2020 a[href='2020/summary.xlsx']").count() == 1


def test_xlsx_is_deterministic(run_cli, tmp_path):
    digests = []
    for name in ("a", "b"):
        assert run_cli("summary", CONTENT, "--out", tmp_path / name).code == 0
        digests.append(
            {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / name / "2020").iterdir()}
        )
    assert digests[0] == digests[1]
