"""The 绩效自评报告: written in the source's body (## 一、基本情况 …), its figures filled from the form, its
hand-written figures checked against the form, rendered as Word and proven through python-docx and
LibreOffice's PDF text."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import CONTENT

REPORT = """
## 一、基本情况

本项目{{ 年度 }}年度全年预算数 {{ 全年预算数 }}，全年执行数 {{ 全年执行数 }}，执行率 {{ 执行率 }}。

## 三、综合评价情况及评价结论

自评总分 {{ 总分 }} 分，等级为{{ 等级 }}。扣分情况如下：

{{ 扣分表 }}

## 五、主要经验做法、存在问题及原因

能源保障偶有中断，入驻单位满意度有待提高。
"""


def _source(tmp_path: Path, body: str) -> Path:
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    source = tmp_path / "content" / "2020" / "incubator.md"
    source.parent.mkdir(parents=True)
    shutil.copyfile(CONTENT / "2020" / "incubator.md", source)
    with source.open("a", encoding="utf-8") as f:
        f.write(body)
    return source


def test_a_report_with_placeholders_is_filled_from_the_form(run_cli, tmp_path: Path):
    from docx import Document

    from .realtools import pdf_text, require, soffice_to_pdf

    source = _source(tmp_path, REPORT)
    cfg = tmp_path / "perfdoc.toml"
    assert [
        d["code"]
        for d in run_cli("--config", cfg, "check", source, "--format", "json").json()["files"][0]["diagnostics"]
    ] == ["PD301"]  # the seed's own funding warning, nothing about the report
    out = tmp_path / "build"
    assert run_cli("--config", cfg, "build", source, "--out", out).code == 0
    report = out / "2020" / "创业孵化基地运行保障.自评报告.docx"
    doc = Document(str(report))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:3] == ["创业孵化基地运行保障", "2020 年度项目支出绩效自评报告", "上海市科技创业中心"]
    assert "一、基本情况" in texts and "五、主要经验做法、存在问题及原因" in texts
    assert "本项目2020年度全年预算数 7,300,000.00元，全年执行数 7,295,544.00元，执行率 99.94%。" in texts
    assert "自评总分 95.99 分，等级为优。扣分情况如下：" in texts
    [table] = doc.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["扣分项目", "分值", "得分", "扣分", "原因及改进措施"]
    assert rows[1] == ["预算执行率", "10", "9.99", "0.01", "执行率 99.94%"]
    assert [r[0] for r in rows[2:]] == ["能源保障稳定性", "入驻人员满意度"]
    assert not any("{{" in t for t in texts)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "download>自评报告</a>" in index  # the index links the report beside the form
    require("soffice", "libreoffice-writer-nogui")
    [pdf] = soffice_to_pdf([report], tmp_path / "pdf")
    text = pdf_text(pdf)
    for expected in ("绩效自评报告", "99.94%", "95.99", "扣分项目", "入驻人员满意度"):
        assert expected in text, expected


def test_figures_written_by_hand_that_disagree_are_reported_at_their_line(run_cli, tmp_path: Path):
    body = (
        "\n## 三、综合评价情况及评价结论\n\n"
        "项目执行率为 99.5%，总分 100 分，自评得分 95.99 分，评价等级为良。\n"
        "全年执行数 729.55 万元。\n"
        "综合得分 96.5 分。\n"
    )
    source = _source(tmp_path, body)
    lines = source.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines, start=1) if line.startswith("项目执行率为"))
    doc = run_cli("--config", tmp_path / "perfdoc.toml", "check", source, "--format", "json").json()
    found = [(d["code"], d["line"], d["column"]) for d in doc["files"][0]["diagnostics"] if d["code"] == "PD802"]
    # 99.5 % is not 99.94 %; 良 is not 优; 总分 100 分 is the full marks, 95.99 and 729.55 万元 are right
    assert found == [("PD802", at, 8), ("PD802", at, 41), ("PD802", at + 2, 6)]  # at the figure itself
    assert doc["errors"] == 3


def test_placeholders_that_name_nothing_are_errors_and_no_report_is_built_without_sections(run_cli, tmp_path: Path):
    source = _source(tmp_path, "\n## 六、有关建议\n\n{{ 建议 }}\n")
    doc = run_cli("--config", tmp_path / "perfdoc.toml", "check", source, "--format", "json").json()
    [bad] = [d for d in doc["files"][0]["diagnostics"] if d["code"] == "PD801"]
    assert "「{{ 建议 }}」无法填写" in bad["message"]
    seed = tmp_path / "seed"
    out = tmp_path / "seed-build"
    shutil.copytree(CONTENT, seed)
    assert run_cli("--config", tmp_path / "perfdoc.toml", "build", seed, "--out", out).code == 0
    assert not list(out.rglob("*.自评报告.docx"))  # the seed's bodies have no report sections


def test_figures_go_into_the_prose_as_literal_text():
    """A project name with Markdown's marks in it is printed as written, not as emphasis or a link."""
    from perfdoc.render.markdown import blocks
    from perfdoc.report import fill

    text = fill(
        "项目「{{ 项目名称 }}」执行率 {{ 执行率 }}，{{ 未知 }}", {"项目名称": "*试点*_A[1]", "执行率": "99.94%"}
    )
    [block] = blocks(text)
    assert "".join(r.text for r in block.runs) == "项目「*试点*_A[1]」执行率 99.94%，{{ 未知 }}"
    assert not any(r.bold or r.italic for r in block.runs)
