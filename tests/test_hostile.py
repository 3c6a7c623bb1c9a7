"""Findings of the attack on perfdoc (issue #11), each closed with a test that failed before its fix.

Item numbers in the test names are those of the issue. Whole classes are closed where a finding named one input:
every required text field, every figure, every odd space.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import SEED_FILES

INCUBATOR = SEED_FILES["创业孵化基地运行保障"]


def seed(tmp_path: Path, old: str = "", new: str = "", name: str = "form.md") -> Path:
    f = tmp_path / name
    text = INCUBATOR.read_text(encoding="utf-8")
    if old:
        assert old in text
        text = text.replace(old, new, 1)
    f.write_text(text, encoding="utf-8")
    return f


def diagnostics(run_cli, path: Path) -> list[tuple[str, int, str, str]]:
    res = run_cli("check", path, "--format", "json")
    return [(d["code"], d["line"], d["field"], d["message"]) for d in res.json()["files"][0]["diagnostics"]]


def codes_at(run_cli, path: Path) -> set[tuple[str, int]]:
    return {(c, line) for c, line, _, _ in diagnostics(run_cli, path)}


# -- 8: crashes become positioned diagnostics ------------------------------------------------------------------


@pytest.mark.parametrize("year", ["²⁰²¹", "١٢٣٤", "1" * 5000, "２０２１x"])
def test_8_odd_years_are_diagnostics(run_cli, tmp_path: Path, year: str):
    f = seed(tmp_path, "年度: 2020", f"年度: {year}")
    res = run_cli("check", f, "--format", "json")
    assert res.code == 1
    assert ("PD206", 3) in {(d["code"], d["line"]) for d in res.json()["files"][0]["diagnostics"]}
    assert len(res.out) < 5000  # a 5,000-digit year is quoted by its ends


def test_8_fullwidth_year_is_a_year(run_cli, tmp_path: Path):
    f = seed(tmp_path, "年度: 2020", "年度: ２０２０")
    assert run_cli("check", f, "--format", "json").json()["files"][0]["year"] == 2020


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("        得分: 5\n", "        得分: " + "9" * 30 + "\n", 24),
        ("  得分: 9.99\n", "  得分: " + "1" * 29 + "\n", 15),
        ("全年预算数: 7300000.00", "全年预算数: " + "7" * 29, 9),
        ("全年预算数: 7300000.00", "全年预算数: 0.0000001", 9),
        ("年度指标值: =100%", '年度指标值: "≥1' + "0" * 400 + '"', 21),
    ],
    ids=["score-30-digits", "execution-score-29-digits", "amount-29-digits", "tiny-budget", "target-400-digits"],
)
def test_8_figures_beyond_what_a_form_holds(run_cli, tmp_path: Path, old: str, new: str, line: int):
    f = seed(tmp_path, old, new)
    res = run_cli("check", f, "--format", "json")
    assert res.code == 1
    assert ("PD206", line) in {(d["code"], d["line"]) for d in res.json()["files"][0]["diagnostics"]}


def test_8_tiny_budget_within_precision_still_scores(run_cli, tmp_path: Path):
    """0.000001 万元 is one cent: allowed, and the absurd rate it gives is computed exactly, not a crash."""
    f = seed(tmp_path, "全年预算数: 7300000.00", "全年预算数: 0.000001")
    doc = run_cli("check", f, "--format", "json").json()["files"][0]
    assert doc["execution_rate"] == "729554400000000.00"


# -- 9: blank required fields -----------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["项目名称", "主管部门", "实施单位"])
@pytest.mark.parametrize("blank", ['""', '"  "', "", "'　'"])
def test_9_blank_required_fields(run_cli, tmp_path: Path, label: str, blank: str):
    text = INCUBATOR.read_text(encoding="utf-8")
    line = next(i for i, ln in enumerate(text.split("\n"), start=1) if ln.startswith(label + ":"))
    value = text.split("\n")[line - 1].split(": ", 1)[1]
    f = seed(tmp_path, f"{label}: {value}", f"{label}: {blank}")
    res = run_cli("check", f, "--format", "json")
    assert res.code == 1
    doc = res.json()
    assert doc["errors"] >= 1
    assert ("PD201", line) in {(d["code"], d["line"]) for d in doc["files"][0]["diagnostics"]}
    text_res = run_cli("check", f)
    assert text_res.code == 1 and label in text_res.out
    assert run_cli("summary", f, "--out", tmp_path / "out").code == 1
    assert run_cli("build", f, "--out", tmp_path / "out").code == 1
    assert [p.name for p in (tmp_path / "out").rglob("*.docx")] == ["summary.docx"]  # no nameless form


# -- 14: only regular files are read, and only so much of them --------------------------------------------------


def test_14_devices_and_fifos_are_refused(run_cli, tmp_path: Path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo):
        res = run_cli("check", path, "--format", "json")
        assert res.code == 1
        [d] = res.json()["files"][0]["diagnostics"]
        assert d["code"] == "PD110" and "不是普通文件" in d["message"]


def test_14_docx_device_is_refused(run_cli):
    res = run_cli("check", "/dev/zero.docx" if os.path.exists("/dev/zero.docx") else "/dev/null", "--format", "json")
    assert res.code == 1


# -- 26: hints for what a Chinese keyboard or a web page puts into a file ---------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "code", "line", "words"),
    [
        ("全年预算数: 7300000.00", "全年预算数: 7,300,000", "PD203", 9, "须加引号"),
        ("实施单位: 上海市科技创业中心", "实施单位: 上海市科技\u2028创业中心", "PD107", 6, "U+2028"),
        ("\n  分值: 10", "\n\u00a0 分值: 10", "PD101", 13, "不间断空格"),
        ("分值: 10\n  执行率", "分值:\u00a010\n  执行率", "PD101", 13, "不间断空格"),
        ("\n  分值: 10", "\n\u3000分值: 10", "PD101", 13, "全角空格"),
    ],
    ids=["unquoted-grouped-amount", "line-separator", "nbsp-indent", "nbsp-after-colon", "fullwidth-space-indent"],
)
def test_26_hints(run_cli, tmp_path: Path, old: str, new: str, code: str, line: int, words: str):
    f = seed(tmp_path, old, new)
    found = [(c, ln, m) for c, ln, _, m in diagnostics(run_cli, f)]
    assert any(c == code and ln == line and words in m for c, ln, m in found), found


def test_26_double_bom(run_cli, tmp_path: Path):
    f = tmp_path / "bom.md"
    f.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + INCUBATOR.read_bytes())
    [(code, line, _, message)] = diagnostics(run_cli, f)
    assert (code, line) == ("PD102", 1) and "BOM" in message


def test_26_negative_zero_is_zero(run_cli, tmp_path: Path):
    f = seed(tmp_path, "上年结转资金: {}", "上年结转资金: {年初预算数: -0, 全年预算数: '-0.00'}")
    from perfdoc.check import check_file
    from perfdoc.config import Config
    from perfdoc.render.context import form_context

    rep = check_file(f, Config())
    assert rep.result is not None
    ctx = form_context(rep.result, Config())
    assert ctx["funds"]["carryover"]["initial_budget"] == "0.00"
    assert "-0" not in str(ctx["funds"])


def test_26_a_fraction_of_a_point_is_not_zero_points(run_cli, tmp_path: Path):
    f = seed(tmp_path, "        得分: 5\n", "        得分: 4.999\n")
    [msg] = [m for c, _, _, m in diagnostics(run_cli, f) if c == "PD402"]
    assert "扣 0.001 分" in msg and "扣 0 分" not in msg


# -- 28: messages a new user read wrongly ------------------------------------------------------------------------


def test_28_field_paths_count_from_one(run_cli, tmp_path: Path):
    f = seed(tmp_path, "        得分: 5\n", "        得分: 4\n")
    [fld] = [fld for c, _, fld, _ in diagnostics(run_cli, f) if c == "PD402"]
    assert fld == "indicators[1].score"  # the first indicator of the form


def test_28_read_but_wrong_is_not_unreadable(run_cli, tmp_path: Path):
    f = seed(tmp_path, "主管部门: 上海市科学技术委员会", "主管部门: ''")
    out = run_cli("check", f).out
    assert "未能读取" not in out and "有 1 个错误，未生成" in out
    broken = tmp_path / "broken.md"
    broken.write_text("---\n年度: [\n---\n", encoding="utf-8")
    assert "未能读取" in run_cli("check", broken).out


def test_28_empty_goal_section_is_said_at_its_heading(run_cli, tmp_path: Path):
    text = INCUBATOR.read_text(encoding="utf-8")
    head, body = text.split("## 实际完成情况", 1)
    goal_at = head.split("\n").index("## 预算目标") + 1
    f = tmp_path / "empty-goal.md"
    f.write_text(head.split("## 预算目标")[0] + "## 预算目标\n\n## 实际完成情况" + body, encoding="utf-8")
    found = [(c, ln, m) for c, ln, _, m in diagnostics(run_cli, f) if c == "PD208"]
    assert found and found[0][1] == goal_at and "为空" in found[0][2], found


def test_28_rules_are_explained_in_chinese(run_cli):
    out = run_cli("rules").out
    rows = [ln for ln in out.splitlines() if ln.startswith("| PD")]
    assert len(rows) >= 40
    for row in rows:
        explanation = row.split("|")[4]
        assert sum("\u4e00" <= ch <= "\u9fff" for ch in explanation) >= 4, row
