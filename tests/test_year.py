"""The whole year from one source: a seed form taken through plan (绩效目标申报表) → mid-year monitoring (绩效运行
监控表) → self-assessment (自评表) → report (绩效自评报告) → next year's plan, with the figures asserted in each
document, read back with python-docx (and the monitoring form through LibreOffice's PDF text)."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from .conftest import CONTENT

PROJECT = "创业孵化基地运行保障"


def _cells(docx: Path) -> list[list[str]]:
    return [[c.text for c in row.cells] for t in Document(str(docx)).tables for row in t.rows]


def _check(run_cli, cfg: Path, source: Path) -> dict:
    [form] = run_cli("--config", cfg, "check", source, "--format", "json").json()["files"]
    return form


def test_a_seed_form_through_the_whole_year(run_cli, tmp_path: Path):
    from .realtools import pdf_has_cell_text, pdf_words, require, soffice_to_pdf

    cfg = tmp_path / "perfdoc.toml"
    cfg.write_text("", encoding="utf-8")
    seed = CONTENT / "2020" / "incubator.md"

    # 1. Budget time: the plan, rolled back from the seed's own targets, with the amounts requested.
    plan = tmp_path / "content" / "2020" / "incubator.md"
    plan.parent.mkdir(parents=True)
    assert run_cli("--config", cfg, "rollover", seed, "--year", "2020", "--out", plan).code == 0
    text = plan.read_text(encoding="utf-8")
    text = text.replace("  年度资金总额: {}\n", "  年度资金总额: {年初预算数: 7300000, 全年预算数: 7300000}\n")
    text = text.replace("  当年财政拨款: {}\n", "  当年财政拨款: {年初预算数: 7300000, 全年预算数: 7300000}\n")
    plan.write_text(text, encoding="utf-8")
    form = _check(run_cli, cfg, plan)
    assert form["stage"] == "plan" and form["errors"] == 0, form["diagnostics"]
    out = tmp_path / "build"
    assert run_cli("--config", cfg, "build", plan, "--out", out).code == 0
    declared = out / "2020" / f"{PROJECT}.申报表.docx"
    rows = _cells(declared)
    assert Document(str(declared)).paragraphs[0].text == "项目支出绩效目标申报表"
    assert any(r[4:6] == ["7,300,000.00", "7,300,000.00"] for r in rows)  # 年度资金总额, 其中：财政拨款
    assert any(r[3:6] == ["孵化基地能源支出完成率", "=100%", "5"] for r in rows)
    assert not any(r[0] == "中长期目标" and r[1] for r in rows)  # the seed states no long-term target
    assert not (out / "2020" / f"{PROJECT}.监控表.docx").exists()  # no 监控 block yet
    assert "download>申报表</a>" in (out / "index.html").read_text(encoding="utf-8")

    declared_copy = tmp_path / "declared" / declared.name  # the next build replaces the plan's form
    declared_copy.parent.mkdir()
    declared_copy.write_bytes(declared.read_bytes())

    # 2. Mid-year: the same file gains its 监控 block and each indicator's value to date.
    text = plan.read_text(encoding="utf-8").replace("阶段: 绩效目标\n", "")
    text = text.replace("绩效指标:\n", "监控:\n  截至: 2020-07-31\n  执行数: 2500000\n绩效指标:\n", 1)
    text = text.replace(
        "三级指标: 孵化基地能源支出完成率", "三级指标: 孵化基地能源支出完成率\n      监控值: 40%\n      全年预计: 100%"
    )
    plan.write_text(text, encoding="utf-8")
    form = _check(run_cli, cfg, plan)
    assert form["stage"] == "monitor" and form["errors"] == 0
    said = {d["code"]: d["message"] for d in form["diagnostics"]}
    assert "执行进度 34.25%，低于 6 月底应达到的 40%" in said["PD604"]  # 2,500,000 / 7,300,000
    assert "「孵化基地能源支出完成率」监控值「40%」低于年度指标值「=100%」" in said["PD605"]
    assert run_cli("--config", cfg, "build", plan, "--out", out).code == 0
    monitored = out / "2020" / f"{PROJECT}.监控表.docx"
    rows = _cells(monitored)
    assert Document(str(monitored)).paragraphs[1].text == "（2020 年度）截至 2020年7月31日"
    assert any(r[4:9] == ["7,300,000.00", "7,300,000.00", "2,500,000.00", "34.25%", "6 月底 ≥ 40%"] for r in rows)
    assert any(r[3:7] == ["孵化基地能源支出完成率", "=100%", "40%", "100%"] for r in rows)
    assert not (out / "2020" / f"{PROJECT}.申报表.docx").exists()  # the plan's form gives way to the next
    require("soffice", "libreoffice-writer-nogui")
    declared_pdf, monitored_pdf = soffice_to_pdf([declared_copy, monitored], tmp_path / "pdf")
    words = pdf_words(monitored_pdf)
    for expected in ("项目支出绩效运行监控表", "34.25%", "孵化基地能源支出完成率", "2,500,000.00"):
        assert pdf_has_cell_text(words, expected), expected
    words = pdf_words(declared_pdf)
    for expected in ("项目支出绩效目标申报表", "7,300,000.00", "孵化基地能源支出完成率"):
        assert pdf_has_cell_text(words, expected), expected

    # 3. After the year: the seed's actuals and scores (its own file), with the report written in its body.
    report = (
        "\n## 一、基本情况\n\n全年预算数 {{ 全年预算数 }}，执行 {{ 全年执行数 }}，执行率 {{ 执行率 }}。\n"
        "\n## 三、综合评价情况及评价结论\n\n自评总分 {{ 总分 }} 分，等级{{ 等级 }}。\n\n{{ 扣分表 }}\n"
    )
    plan.write_text(seed.read_text(encoding="utf-8") + report, encoding="utf-8")
    form = _check(run_cli, cfg, plan)
    assert form["stage"] == "assessment" and form["total_score"] == "95.99" and form["errors"] == 0
    assert run_cli("--config", cfg, "build", plan, "--out", out).code == 0
    assert any("95.99" in r for r in _cells(out / "2020" / f"{PROJECT}.docx"))
    written = [p.text for p in Document(str(out / "2020" / f"{PROJECT}.自评报告.docx")).paragraphs]
    assert "全年预算数 7,300,000.00元，执行 7,295,544.00元，执行率 99.94%。" in written
    assert "自评总分 95.99 分，等级优。" in written

    # 4. Next year's plan: every target of this form was met, none far exceeded, so none is flagged ...
    res = run_cli("--config", cfg, "rollover", plan)
    assert res.code == 0
    following = tmp_path / "content" / "2021" / "incubator.md"
    assert "需要复核" not in following.read_text(encoding="utf-8")
    assert _check(run_cli, cfg, following)["stage"] == "plan"
    # ... while the contest's targets exceeded 2.4 times and its missed one are, on screen and in the new file.
    contest = tmp_path / "contest.md"
    res = run_cli("--config", cfg, "rollover", CONTENT / "2020" / "innovation-contest.md", "--out", contest)
    assert "「培训服务」上年实际 731次，是指标值 =300次 的 2.44 倍：建议提高指标值" in res.out
    head = contest.read_text(encoding="utf-8").split("年度: 2021")[0]
    assert "# - 「宣传服务」上年实际 1000余次，是指标值 >=400次 的 2.50 倍" in head
    assert "「提高上海企业竞争力」上年未完成" in head


def test_no_field_name_stands_for_two_fields():
    """Every key a source may write names one field of its table: a new field never takes an old one's alias."""
    from perfdoc.vocabulary import FUNDS_FIELDS, INDICATOR_FIELDS, MONITOR_FIELDS, ROW_FIELDS, TOP_FIELDS

    for specs in (TOP_FIELDS, FUNDS_FIELDS, ROW_FIELDS, INDICATOR_FIELDS, MONITOR_FIELDS):
        keys = [k for s in specs for k in s.keys]
        assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_the_year_examples_check_and_have_their_page_images(run_cli, tmp_path: Path):
    from .conftest import ROOT

    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    stages = []
    for example in sorted((ROOT / "docs" / "examples" / "year").glob("*.md")):
        form = _check(run_cli, tmp_path / "perfdoc.toml", example)
        assert form["errors"] == 0, (example.name, form["diagnostics"])
        stages.append(form["stage"])
    assert stages == ["plan", "monitor", "assessment"]
    for name in ("plan", "monitor", "form", "report"):
        assert (ROOT / "docs" / "year" / f"{name}.png").is_file()


def test_a_declared_monitor_holds_no_actuals_yet(run_cli, tmp_path: Path):
    from .conftest import ROOT

    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    text = (ROOT / "docs" / "examples" / "year" / "2-monitor.md").read_text(encoding="utf-8")
    text = text.replace("监控:\n", "阶段: 绩效监控\n监控:\n", 1)
    text = text.replace("监控值: 96%,", "监控值: 96%, 实际完成值: 96%,")
    source = tmp_path / "m.md"
    source.write_text(text, encoding="utf-8")
    form = _check(run_cli, tmp_path / "perfdoc.toml", source)
    [d] = [d for d in form["diagnostics"] if d["code"] == "PD601"]
    assert form["stage"] == "monitor" and "「服务合格率」在绩效监控阶段不应填写「实际完成值」" in d["message"]


def test_the_plan_prints_its_long_term_target(run_cli, tmp_path: Path):
    from .conftest import ROOT

    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    out = tmp_path / "build"
    plan = ROOT / "docs" / "examples" / "year" / "1-plan.md"
    assert run_cli("--config", tmp_path / "perfdoc.toml", "build", plan, "--out", out).code == 0
    rows = _cells(out / "2023" / "社区居家养老服务补贴.申报表.docx")
    assert rows[4][:2] == ["中长期目标", "三年内实现辖区失能、半失能老人居家养老服务全覆盖。"]
    assert rows[5][:2] == ["年度总体目标", "为辖区老人提供居家养老服务。"]


def test_the_monitoring_date_as_people_write_it(run_cli, tmp_path: Path):
    """2023-07-31, 2023年7月31日, 2023年7月底 and 2023-07 are all as of the end of July: 7 months elapsed."""
    from .conftest import ROOT

    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    text = (ROOT / "docs" / "examples" / "year" / "2-monitor.md").read_text(encoding="utf-8")
    for written in ("2023-07-31", "2023年7月31日", "2023年7月底", "2023-07"):
        source = tmp_path / "m.md"
        source.write_text(text.replace("截至: 2023-07-31", f"截至: {written}"), encoding="utf-8")
        messages = [d["message"] for d in _check(run_cli, tmp_path / "perfdoc.toml", source)["diagnostics"]]
        assert any("截至 2023-07-31 执行进度 35.00%" in m for m in messages), (written, messages)
        assert any("落后于时间进度 58.33%" in m for m in messages), written
    source.write_text(text.replace("截至: 2023-07-31", "截至: 七月底"), encoding="utf-8")
    [bad] = [d for d in _check(run_cli, tmp_path / "perfdoc.toml", source)["diagnostics"] if d["code"] == "PD206"]
    assert "「截至」应为日期" in bad["message"]


def test_a_month_written_alone_means_its_last_day():
    from perfdoc.parse import _month_end

    assert [_month_end(2024, m) for m in (1, 2, 4, 12)] == [31, 29, 30, 31]  # 2024 is a leap year
    assert _month_end(2023, 2) == 28 and _month_end(2100, 2) == 28  # 2100 is not
    assert _month_end(2023, 13) == 0 and _month_end(2023, 0) == 0  # no such month: refused as a date
