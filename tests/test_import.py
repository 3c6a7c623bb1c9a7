"""`perfdoc import` and `perfdoc check FORM.docx`: real layouts, round trips, hostile files."""

from __future__ import annotations

import copy
import io
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from perfdoc.check import check_paths
from perfdoc.config import Config
from perfdoc.importer import import_docx
from perfdoc.load import parse_text
from perfdoc.parse import parse_assessment
from perfdoc.render.markdown import plain_text
from perfdoc.scoring import score

from .conftest import CONTENT

FIXTURES = Path(__file__).parent / "corpus" / "docx"


def assessment_of(markdown: str):
    a, diags = parse_assessment(parse_text("x.md", markdown))
    assert not [d for d in diags if d.severity.value == "error"], diags
    return a, score(a, Config())


def data_of(markdown: str) -> dict:
    """What a form shows, as comparable data: every figure, label and sentence, and the scores printed."""
    a, res = assessment_of(markdown)
    return {
        "head": (a.year, a.project, a.department, a.unit, a.money_unit),
        "funds": {name: (row.initial_budget, row.budget, row.executed) for name, row in a.funds.rows.items()},
        "execution": (res.execution_rate, res.execution_score, a.funds.weight),
        "indicators": [
            (i.category, i.subcategory, i.name, i.target, i.actual, i.weight, r.score, i.deviation_reason or "")
            for i, r in zip(a.indicators, res.indicators, strict=True)
        ],
        "texts": (plain_text(a.goal.text if a.goal else ""), plain_text(a.outcome.text if a.outcome else "")),
        "total": res.total_score,
    }


def build_docx(run_cli, src: Path, out: Path) -> Path:
    res = run_cli("build", src, "--out", out, "--format", "docx")
    assert res.code in (0, 1), res.err
    [docx] = [p for p in out.rglob("*.docx") if p.name != "summary.docx"]
    return docx


def test_sichuan_layout_wanyuan(run_cli):
    [form] = import_docx(FIXTURES / "sichuan-wanyuan.docx")
    a, res = assessment_of(form.markdown())
    assert (a.year, a.project, a.unit, a.money_unit) == (2021, "智慧城管平台运维", "某市数字城管中心", "万元")
    total, appropriation, carryover = (a.funds.rows[k] for k in ("total", "appropriation", "carryover"))
    assert (total.initial_budget, total.budget, total.executed) == (
        Decimal("100.0000"),
        Decimal("120.0000"),
        Decimal("114.5000"),
    )
    assert appropriation.budget == Decimal("100.0000") and carryover.executed == Decimal("18.5000")
    assert carryover.initial_budget is None
    assert a.funds.execution_rate == Decimal("95.42") and a.funds.score == Decimal("9.54")
    assert [i.category for i in a.indicators] == ["产出指标"] * 3 + ["效益指标", "满意度指标"]
    assert a.indicators[0].target == "≧１２０００件" and res.indicators[0].achieved
    assert a.indicators[2].deviation_reason == "机房断电两次，已加装不间断电源"
    assert a.indicators[0].deviation_reason is None  # 无 means none
    assert (a.total_score, a.grade, res.total_score, res.grade) == (Decimal("98.54"), "优", Decimal("98.54"), "优")
    assert plain_text(a.goal.text).startswith("保障城市管理平台")
    doc = run_cli("check", FIXTURES / "sichuan-wanyuan.docx", "--format", "json")
    assert doc.code == 0 and doc.json()["files"][0]["diagnostics"] == []


def test_form_split_over_two_tables_with_split_target(run_cli):
    [form] = import_docx(FIXTURES / "split-tables.docx")
    a, res = assessment_of(form.markdown())
    assert (a.year, a.project) == (2022, "职业技能提升培训")
    assert a.funds.total.initial_budget is None and a.funds.total.budget == Decimal("2000000.00")
    assert [(i.name, i.target, i.actual) for i in a.indicators] == [
        ("培训人次", "≥400人次", "520人次"),
        ("培训合格率", "≥90%", "93%"),
        ("按期完成率", "=100%", "100%"),
        ("带动就业人数", "≥100人", "80人"),
        ("长效机制", "建立", "建立"),
        ("学员满意度", "≥90%", "95%"),
    ]
    assert [i.category for i in a.indicators] == ["产出指标"] * 3 + ["效益指标"] * 2 + ["满意度指标"]
    assert res.indicators[3].rule_score == Decimal("16.00")
    assert res.total_score == Decimal("95.90") == a.total_score
    assert "**80**" in form.outcome or "80" in plain_text(form.outcome)


def test_two_forms_in_one_file_and_a_wrong_total(run_cli):
    forms = import_docx(FIXTURES / "two-forms.docx")
    assert [(f.index, f.project, f.year) for f in forms] == [
        (1, "社区养老服务补贴", 2023),
        (2, "老旧小区加装电梯补助", 2023),
    ]
    res = run_cli("check", FIXTURES / "two-forms.docx", "--format", "json")
    assert res.code == 1
    files = res.json()["files"]
    assert [f["path"].rsplit("/", 1)[-1] for f in files] == ["two-forms.docx#表1", "two-forms.docx#表2"]
    assert files[0]["total_score"] == "91.50" and files[0]["diagnostics"] == []
    [wrong] = [d for d in files[1]["diagnostics"] if d["code"] == "PD306"]
    assert "填写的总分 100 与计算结果 92.50 不符" in wrong["message"]
    assert (wrong["table"], wrong["line"]) == (2, 15)  # the 总分 row, the last of the second table
    text = run_cli("check", FIXTURES / "two-forms.docx").out
    assert "two-forms.docx#表2:15:8: error PD306 total_score:" in text.replace("\\", "/")


def test_diagnostics_name_the_indicator_row(run_cli, tmp_path):
    doc = Document(str(FIXTURES / "sichuan-wanyuan.docx"))
    row = doc.tables[1].rows[3]  # 平台运行时间: scored 14 of 15 with a reason
    row.cells[8].paragraphs[0].text = "无"
    doc.save(str(tmp_path / "x.docx"))
    res = run_cli("check", tmp_path / "x.docx", "--format", "json").json()
    [d] = [d for d in res["files"][0]["diagnostics"] if d["code"] == "PD402"]
    # table 2, row 4 (as Word counts), the 得分 column: where a person edits the form
    assert "平台运行时间" in d["message"] and (d["table"], d["line"]) == (2, 4)


def seed_markdown(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("source", sorted(CONTENT.rglob("*.md")), ids=lambda p: p.stem)
def test_round_trip_seed_build_then_import(run_cli, tmp_path, source):
    docx = build_docx(run_cli, source, tmp_path / "out")
    [form] = import_docx(docx)
    imported, original = data_of(form.markdown()), data_of(seed_markdown(source))
    assert imported == original
    # import → build → import is stable, to the byte
    again = tmp_path / "again.md"
    again.write_text(form.markdown(), encoding="utf-8")
    docx2 = build_docx(run_cli, again, tmp_path / "out2")
    [form2] = import_docx(docx2)
    assert form2.markdown(comment=False) == form.markdown(comment=False)


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.docx")), ids=lambda p: p.stem)
def test_round_trip_fixtures_import_build_import(run_cli, tmp_path, fixture):
    """A foreign layout: the first import keeps its data; from then on import → build → import is a fixed point."""

    def cycle(markdown: str, tag: str):
        src = tmp_path / f"{tag}.md"
        src.write_text(markdown, encoding="utf-8")
        [form] = import_docx(build_docx(run_cli, src, tmp_path / f"out-{tag}"))
        return form

    for form in import_docx(fixture):
        if form.project == "老旧小区加装电梯补助":
            del form.data["总分"]  # its typed 总分 is wrong on purpose: build refuses a form with errors
        second = cycle(form.markdown(), f"{form.index}a")
        third = cycle(second.markdown(), f"{form.index}b")
        first_data, second_data = data_of(form.markdown()), data_of(second.markdown())
        assert second_data == first_data
        assert third.markdown(comment=False) == second.markdown(comment=False)


def test_round_trip_of_markdown_formatting(run_cli, seed_copy, tmp_path):
    from .conftest import edit

    f = edit(
        seed_copy / "2020" / "sci-tech-finance.md",
        "## 实际完成情况\n\n",
        "## 实际完成情况\n\n**重点**完成，*斜体*说明，R&D <x> {{ 7*7 }} 与 a_b*c：\n\n1. 第一项\n2. 第二项\n\n- 要点\n\n",
    )
    docx = build_docx(run_cli, f, tmp_path / "o")
    [form] = import_docx(docx)
    assert data_of(form.markdown())["texts"] == data_of(f.read_text(encoding="utf-8"))["texts"]
    assert "**重点**" in form.outcome and "*斜体*" in form.outcome


def test_several_forms_in_one_document_like_the_seed(run_cli, tmp_path):
    """The seed document holds three forms one after another: so does this one, made of the three builds."""
    out = tmp_path / "out"
    assert run_cli("build", CONTENT, "--out", out, "--format", "docx").code == 0
    docs = [Document(str(p)) for p in sorted((out / "2020").glob("*.docx")) if p.name != "summary.docx"]
    combined = docs[0]
    body = combined.element.body
    sect = body[-1]
    for other in docs[1:]:
        for el in list(other.element.body)[:-1]:
            sect.addprevious(copy.deepcopy(el))
    combined.save(str(tmp_path / "all.docx"))
    forms = import_docx(tmp_path / "all.docx")
    assert sorted((f.project, str(f.data["总分"])) for f in forms) == sorted(
        [("创业孵化基地运行保障", "95.99"), ("开展科技金融工作及服务", "100"), ("中国创新创业大赛（上海赛区）", "92")]
    )
    reports = check_paths([tmp_path / "all.docx"], Config())
    assert sorted(str(r.result.total_score) for r in reports) == ["100.00", "92.00", "95.99"]


def test_import_command_writes_sources_and_prints_each_form(run_cli, tmp_path):
    res = run_cli("import", FIXTURES / "two-forms.docx", FIXTURES / "split-tables.docx", "-o", tmp_path)
    assert res.code == 0, res.err
    lines = res.out.strip().splitlines()
    assert len(lines) == 3
    assert (
        "two-forms.docx#表2: 老旧小区加装电梯补助 总分 100（按规则计算为 92.50，请运行 perfdoc check 查看）" in lines[1]
    )
    assert (tmp_path / "2023" / "社区养老服务补贴.md").is_file()
    assert (tmp_path / "2022" / "职业技能提升培训.md").is_file()
    check = run_cli("check", tmp_path, "--format", "json")
    assert check.code == 1 and check.json()["errors"] == 1
    # a second import does not overwrite edited files without --force
    (tmp_path / "2022" / "职业技能提升培训.md").write_text("edited", encoding="utf-8")
    again = run_cli("import", FIXTURES / "split-tables.docx", "-o", tmp_path)
    assert again.code == 1 and "已存在，未覆盖" in again.err
    assert run_cli("import", FIXTURES / "split-tables.docx", "-o", tmp_path, "--force").code == 0


def write_zip(path: Path, members: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compress) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "form.docx"


def template_members() -> dict[str, bytes]:
    with zipfile.ZipFile(TEMPLATE) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def hostile(tmp_path: Path) -> dict[str, tuple[Path, str, str]]:
    members = template_members()
    bomb = dict(members)
    bomb["word/media/zeros.bin"] = b"\0" * (80 * 1024 * 1024)
    huge = dict(members)
    rows = "".join("<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>" for _ in range(6000))
    huge["word/document.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl><w:tblGrid>'
        f'<w:gridCol w:w="100"/><w:gridCol w:w="100"/></w:tblGrid>{rows}</w:tbl></w:body></w:document>'
    ).encode()
    plain = Document()
    plain.add_paragraph("这是一份通知，不是自评表。")
    buf = io.BytesIO()
    plain.save(buf)
    (tmp_path / "notice.docx").write_bytes(buf.getvalue())
    (tmp_path / "text.docx").write_text("不是 docx", encoding="utf-8")
    (tmp_path / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)  # a .doc renamed
    no_document = {k: v for k, v in members.items() if k != "word/document.xml"}
    return {
        "not-a-zip": (tmp_path / "text.docx", "PD111", "不是 .docx 文件"),
        "ole-doc": (tmp_path / "old.docx", "PD111", "另存为 .docx"),
        "zip-bomb": (write_zip(tmp_path / "bomb.docx", bomb), "PD112", "压缩炸弹"),
        "huge-table": (write_zip(tmp_path / "huge.docx", huge), "PD112", "表格过大"),
        "no-form": (tmp_path / "notice.docx", "PD113", "没有找到自评表"),
        "no-document": (write_zip(tmp_path / "nodoc.docx", no_document), "PD111", "word/document.xml"),
    }


@pytest.mark.parametrize("case", ["not-a-zip", "ole-doc", "zip-bomb", "huge-table", "no-form", "no-document"])
def test_hostile_files_are_refused(run_cli, tmp_path, case):
    path, code, words = hostile(tmp_path)[case]
    res = run_cli("import", path, "-o", tmp_path / "out")
    assert res.code == 1
    assert code in res.err and words in res.err
    assert not (tmp_path / "out").exists()
    checked = run_cli("check", path, "--format", "json")
    assert checked.code == 1
    assert checked.json()["files"][0]["diagnostics"][0]["code"] == code


@pytest.mark.parametrize(
    ("label", "normalised"),
    [
        ("产出指标(50分)", "产出指标"),
        ("[产出指标]", "产出指标"),
        ("【效益指标】", "效益指标"),
        ("指标1:数量指标", "数量指标"),
        ("实际\n完成值", "实际完成值"),
        ("全年预算数（A）", "全年预算数"),
        ("执行率（B/A）", "执行率"),
        ("权重(%)", "权重"),
        ("  分 值 ", "分值"),
        ("产出指标（30.5分）", "产出指标"),
    ],
)
def test_label_normalisation(label, normalised):
    from perfdoc.importer import norm

    assert norm(label) == normalised


def test_columns_found_by_label_whatever_the_order():
    from perfdoc.importer import Cell, Row, match_columns, norm
    from perfdoc.vocabulary import INDICATOR_COLUMN_WORDS as INDICATOR_COLUMNS

    labels = [
        "绩效指标",
        "一级指标",
        "二级指标",
        "指标内容",
        "权重(%)",
        "计划值",
        "全年实际完成值",
        "自评得分",
        "未完成原因及拟采取的改进措施",
    ]
    row = Row(1, 1, [Cell(i + 1, t, norm(t), t) for i, t in enumerate(labels)])
    assert match_columns(row, INDICATOR_COLUMNS) == {
        "category": 2,
        "subcategory": 3,
        "name": 4,
        "weight": 5,
        "target": 6,
        "actual": 7,
        "score": 8,
        "reason": 9,
    }


def test_folders_give_markdown_and_named_docx_are_read(run_cli, tmp_path):
    folder = tmp_path / "submitted"
    folder.mkdir()
    shutil.copy(FIXTURES / "two-forms.docx", folder / "a.docx")
    (folder / "~$a.docx").write_bytes(b"lock file Word keeps while a document is open")
    res = run_cli("check", folder, "--format", "json")
    assert res.code == 1 and "1 个 .docx 未检查" in res.err  # no source found, and the .docx is mentioned
    res = run_cli("check", folder / "a.docx", folder / "~$a.docx", "--format", "json")
    assert [Path(f["path"]).name for f in res.json()["files"]] == ["a.docx#表1", "a.docx#表2"]


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.docx")))
def test_check_of_each_docx_fixture_says_exactly_its_snapshot(fixture):
    """Every diagnostic of every form of the document, placed at its table, row and column."""
    from .snapshots import diagnostics_text, matches_snapshot

    actual = diagnostics_text(FIXTURES / fixture)
    assert matches_snapshot(actual, FIXTURES / "snapshots" / fixture.replace(".docx", ".txt")), actual
