"""The three real 2020 forms of 上海市科技创业中心: a correct build reproduces their published figures exactly."""

from __future__ import annotations

from decimal import Decimal

from perfdoc.check import check_paths
from perfdoc.config import Config

from .conftest import CONTENT, SEED_FILES

EXPECTED = {
    # project: (全年预算数, 全年执行数, 执行率, execution score, 总分, grade)
    "创业孵化基地运行保障": ("7300000.00", "7295544.00", "99.94", "9.99", "95.99", "优"),
    "开展科技金融工作及服务": ("2090000.00", "2090000.00", "100.00", "10.00", "100.00", "优"),
    "中国创新创业大赛（上海赛区）": ("5112000.00", "5112000.00", "100.00", "10.00", "92.00", "优"),
}


def test_check_json_reproduces_published_figures(run_cli):
    res = run_cli("check", CONTENT, "--format", "json")
    assert res.code == 0
    doc = res.json()
    assert doc["errors"] == 0
    assert doc["warnings"] == 1
    by_project = {f["project"]: f for f in doc["files"]}
    assert set(by_project) == set(EXPECTED)
    for project, (_, _, rate, exec_score, total, grade) in EXPECTED.items():
        f = by_project[project]
        assert (f["execution_rate"], f["execution_score"], f["total_score"], f["grade"]) == (
            rate,
            exec_score,
            total,
            grade,
        )
        assert f["year"] == 2020
        assert f["stage"] == "assessment"


def test_first_form_flags_its_own_funding_error(run_cli):
    doc = run_cli("check", SEED_FILES["创业孵化基地运行保障"], "--format", "json").json()
    [diag] = [d for d in doc["files"][0]["diagnostics"] if d["severity"] == "warning"]
    assert diag["code"] == "PD301"
    assert diag["field"] == "funds.total.initial_budget"
    assert "7,500,000.00" in diag["message"] and "7,300,000.00" in diag["message"]
    assert (diag["line"], diag["column"]) == (9, 19)


def test_scores_are_decimals_not_floats():
    reports = check_paths([CONTENT], Config())
    for rep in reports:
        res = rep.result
        assert res is not None
        assert isinstance(res.total_score, Decimal)
        budget, executed, rate, exec_score, total, _grade = EXPECTED[rep.assessment.project]
        assert rep.assessment.funds.total.budget == Decimal(budget)
        assert rep.assessment.funds.total.executed == Decimal(executed)
        assert res.execution_rate == Decimal(rate)
        assert res.execution_score == Decimal(exec_score)
        assert res.total_score == Decimal(total)
        assert str(res.total_score) == total


def test_seed_deductions_are_kept_with_their_reasons():
    reports = {r.assessment.project: r for r in check_paths([CONTENT], Config())}
    deductions = {
        (p, r.indicator.name): (r.indicator.weight, r.score, bool(r.indicator.deviation_reason))
        for p, rep in reports.items()
        for r in rep.result.indicators
        if r.deducted
    }
    assert deductions == {
        ("创业孵化基地运行保障", "能源保障稳定性"): (Decimal(6), Decimal(4), True),
        ("创业孵化基地运行保障", "入驻人员满意度"): (Decimal(10), Decimal(8), True),
        ("中国创新创业大赛（上海赛区）", "提高上海企业竞争力"): (Decimal(10), Decimal(2), True),
    }


def test_seed_text_is_transcribed_faithfully():
    text = SEED_FILES["创业孵化基地运行保障"].read_text(encoding="utf-8")
    assert "做好哦后勤保障服务" in text  # the published typo stays
    assert "年初预算数: 7500000.00" in text


def test_advisories_on_targets_exceeded_far(run_cli):
    doc = run_cli("check", CONTENT, "--format", "json").json()
    infos = {(f["project"], d["code"]) for f in doc["files"] for d in f["diagnostics"] if d["severity"] == "info"}
    assert ("中国创新创业大赛（上海赛区）", "PD408") in infos


def test_text_output_says_stage_and_counts(run_cli):
    res = run_cli("check", CONTENT)
    assert res.code == 0
    assert "content/2020/incubator.md:9:19: warning PD301 funds.total.initial_budget:" in res.out.replace("\\", "/")
    assert "绩效自评 2020 创业孵化基地运行保障 执行率 99.94% 总分 95.99 优" in res.out
    assert "共检查 3 个文件：0 个错误，1 个警告" in res.out


def test_strict_fails_on_the_funding_warning(run_cli):
    assert run_cli("check", CONTENT, "--strict").code == 1
