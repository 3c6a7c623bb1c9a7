"""Form profiles (表式): presets of labels, vocabulary and scoring parameters, as data files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from perfdoc.config import Config, ConfigError, available_profiles, load_config, with_profile

from .conftest import ROOT

SNIPPETS = ROOT / "tests" / "snippets"
SHIPPED = {"shanghai", "mof-2020", "yunnan", "county-20-80", "hainan", "sichuan", "anhui", "ningxia"}


def test_shipped_profiles_load_and_say_what_they_follow(tmp_path: Path):
    found = available_profiles(tmp_path)
    assert set(found) >= SHIPPED
    for name in SHIPPED:
        title, follows, _ = found[name]
        assert title and follows  # every profile names the published form it follows
        cfg = with_profile(Config(root=tmp_path), name)
        assert cfg.profile == name


def test_the_default_profile_is_the_seed_form():
    cfg = Config()
    assert cfg.profile == "shanghai" and cfg.label("title") == "财政项目支出绩效自评表"
    assert cfg.money_unit == "元" and cfg.execution_weight == Decimal(10)


def test_a_project_picks_its_profile_and_its_own_settings_win(tmp_path: Path):
    (tmp_path / "perfdoc.toml").write_text('profile = "mof-2020"\nexecution_weight = 20\n', encoding="utf-8")
    cfg = load_config(tmp_path)
    assert cfg.money_unit == "万元" and cfg.goal_label == "预期目标"  # from the profile
    assert cfg.execution_weight == Decimal(20)  # the project's own
    assert cfg.label("appropriation") == "其中：本年财政拨款" and cfg.label("budget") == "全年预算数"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('profile = "beijing"\n', "没有表式「beijing」"),
        ("profile = 3\n", "profile 应为表式名称"),
        ('[labels]\nnope = "x"\n', "[labels] 中没有「nope」"),
        ('[labels]\ntitle = " 表 "\n', "前后不留空格"),
        ('[aliases]\n"产出" = "不存在的指标"\n', "应对应一个一级或二级指标"),
        ("band_partial = 0.9\n", "band_partial < band_achieved"),
        ('goal_label = "目标"\n', "goal_label 只能是"),
        ('funding_columns = ["budget", "weight"]\n', "须有 budget 与 executed"),
        ('funding_columns = ["budget", "executed", "note"]\n', "funding_columns 应列出资金栏"),
        ("execution_reason_below = 120\n", "execution_reason_below 应为 0 至 100"),
        ("exceed_deduction = -1\n", "exceed_deduction 应为 0 至 100"),
        ('funding_rows = ["appropriation"]\n', 'funding_rows 应以 "total" 开头'),
    ],
)
def test_profile_settings_are_checked(tmp_path: Path, text: str, message: str):
    (tmp_path / "perfdoc.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_config(tmp_path)


def test_a_project_profile_file_overrides_and_is_listed(tmp_path: Path):
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "district.toml").write_text(
        'title = "某区：定性指标 80 / 50 档"\nfollows = "某区 2022 年模板"\nband_partial = 0.5\n', encoding="utf-8"
    )
    (tmp_path / "perfdoc.toml").write_text('profile = "district"\n', encoding="utf-8")
    cfg = load_config(tmp_path)
    assert cfg.band_partial == Decimal("0.5")
    assert "district" in available_profiles(tmp_path)


def _snippet(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = (SNIPPETS / "clean.md").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    f = tmp_path / "form.md"
    f.write_text(text, encoding="utf-8")
    return f


def _built(run_cli, tmp_path: Path, *sources: Path) -> Path:
    """`perfdoc build` of the sources under an empty perfdoc.toml (the packaged profiles): the output folder."""
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    out = tmp_path / "build"
    for source in sources:
        assert run_cli("--config", tmp_path / "perfdoc.toml", "build", source, "--out", out).code == 0
    return out


def _checked(run_cli, tmp_path: Path, source: Path, config: str = "") -> dict:
    """`perfdoc check --format json` of one source under a perfdoc.toml holding `config`: its form's entry."""
    (tmp_path / "perfdoc.toml").write_text(config, encoding="utf-8")
    doc = run_cli("--config", tmp_path / "perfdoc.toml", "check", source, "--format", "json").json()
    return doc["files"][0]


# The clean snippet as a 县级 20 + 80 form: execution weighs 20 (not typed), one funding row, no 年初预算数 column.
COUNTY_FORM = (
    ("实施单位: 某区养老服务指导中心\n", "实施单位: 某区养老服务指导中心\n表式: county-20-80\n"),
    ("  分值: 10\n", ""),
    ("实际完成值: 提高, 分值: 30}", "实际完成值: 提高, 分值: 20}"),
    ("  当年财政拨款: {年初预算数: 1000000, 全年预算数: 1000000, 全年执行数: 950000}\n", ""),
    ("{年初预算数: 1000000, 全年预算数", "{全年预算数"),
)


def test_a_form_names_its_own_profile_and_is_scored_by_it(tmp_path: Path, run_cli):
    """县级 20 + 80: the execution row weighs 20, the indicators 80; 95 % executed is 19 points."""
    f = _snippet(tmp_path, *COUNTY_FORM)
    form = _checked(run_cli, tmp_path, f)
    assert form["diagnostics"] == [] and form["execution_rate"] == "95.00"
    assert form["total_score"] == "99.00"  # 19 + 30 + 20 + 20 + 10


def test_an_unknown_profile_in_a_form_is_reported_at_its_key(tmp_path: Path, run_cli):
    f = _snippet(tmp_path, ("实施单位: 某区养老服务指导中心\n", "实施单位: 某区养老服务指导中心\n表式: 北京\n"))
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    res = run_cli("--config", tmp_path / "perfdoc.toml", "check", f)
    assert res.code == 1
    assert "form.md:6:5: error PD207 profile: 「表式」只能是 " in res.out and "而不是「北京」" in res.out


def test_a_profile_group_alias_is_accepted_only_in_that_profile(tmp_path: Path, run_cli):
    written = ("    服务对象满意度指标:\n", "    服务对象满意度指标等:\n")
    plain = _snippet(tmp_path, written)
    assert [d["code"] for d in _checked(run_cli, tmp_path, plain)["diagnostics"]] == ["PD205"]
    assert _checked(run_cli, tmp_path, plain, 'profile = "mof-2020"\n')["diagnostics"] == []


def test_qualitative_band_floors_come_from_the_profile(tmp_path: Path, run_cli):
    """部分达成 scored 16 of 30 (53 %): below the MOF band (60 %), inside an 80 / 50 district's band."""
    f = _snippet(
        tmp_path,
        (
            "{三级指标: 老人生活质量, 年度指标值: 提高, 实际完成值: 提高, 分值: 30}",
            "{三级指标: 老人生活质量, 年度指标值: 提高, 实际完成值: 部分提高, 达成情况: 部分达成, 分值: 30, 得分: 16,"
            " 偏差原因分析及改进措施: 服务项目不足}",
        ),
    )
    assert [d["code"] for d in _checked(run_cli, tmp_path, f)["diagnostics"]] == ["PD406"]
    assert _checked(run_cli, tmp_path, f, "band_partial = 0.5\n")["diagnostics"] == []


def test_the_forms_print_the_profiles_labels(tmp_path: Path, run_cli):
    from docx import Document

    out = _built(run_cli, tmp_path, _snippet(tmp_path, *COUNTY_FORM))
    page = (out / "2023" / "社区居家养老服务补贴.html").read_text(encoding="utf-8")
    assert '<h1 class="form-title">项目支出绩效自评表</h1>' in page
    assert "<th>预算数(A)</th>" in page and "<th>得分(20分*执行率)</th>" in page and "<th>年初目标值(A)</th>" in page
    doc = Document(str(out / "2023" / "社区居家养老服务补贴.docx"))
    assert doc.paragraphs[0].text == "项目支出绩效自评表"
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"预算数(A)", "执行数(B)", "执行率(B/A)", "得分(20分*执行率)", "年初目标值(A)", "实际完成值(B)"} <= cells
    assert "19" in cells  # 95 % of 20, printed as the form prints scores


def test_profiles_new_and_init_commands(tmp_path: Path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", ".", "--profile", "yunnan").code == 0
    assert 'profile = "yunnan"' in (tmp_path / "perfdoc.toml").read_text(encoding="utf-8")
    listing = run_cli("profiles").out
    assert "* yunnan" in listing and "county-20-80" in listing and "依据：" in listing
    assert run_cli("new", "河道保洁", "--year", "2025", "--profile", "mof-2020").code == 0
    text = (tmp_path / "content" / "2025" / "河道保洁.md").read_text(encoding="utf-8")
    assert "\n表式: mof-2020 " in text and "# 项目支出绩效自评表。" in text and "单位：万元" in text
    assert run_cli("init", tmp_path / "other", "--profile", "beijing").code == 1


SPLIT_FORM = (
    ("实施单位: 某区养老服务指导中心\n", "实施单位: 某区养老服务指导中心\n表式: yunnan\n"),
    (
        "{三级指标: 服务老人人数, 年度指标值: ≥500人, 实际完成值: 520人, 分值: 30}",
        "{三级指标: 服务老人人数, 指标性质: ≥, 指标值: 500, 度量单位: 人, 实际完成值: 520人, 分值: 30}",
    ),
)


def test_a_target_written_in_three_columns_is_one_target(tmp_path: Path, run_cli):
    """云南式 指标性质 / 指标值 / 度量单位: ≥ / 500 / 人 is scored as ≥500人."""
    f = _snippet(tmp_path, *SPLIT_FORM)
    form = _checked(run_cli, tmp_path, f)
    assert form["diagnostics"] == [] and form["total_score"] == "99.50"


def test_a_split_profile_prints_three_target_columns(tmp_path: Path, run_cli):
    from docx import Document

    from .realtools import pdf_has_cell_text, pdf_words, require, soffice_to_pdf

    out = _built(run_cli, tmp_path, _snippet(tmp_path, *SPLIT_FORM))
    page = (out / "2023" / "社区居家养老服务补贴.html").read_text(encoding="utf-8")
    assert "<th>指标性质</th><th>指标值</th><th>度量单位</th>" in page
    assert '<td class="nature">≥</td><td class="target">500</td><td class="unit">人</td>' in page
    assert '<td class="nature">定性</td><td class="target">提高</td><td class="unit"></td>' in page
    docx = out / "2023" / "社区居家养老服务补贴.docx"
    table = Document(str(docx)).tables[1]
    header = [c.text for c in table.rows[0].cells]
    assert header[4:7] == ["指标性质", "指标值", "度量单位"] and len(header) == 11
    first = [c.text for c in table.rows[1].cells]
    assert first[3:8] == ["服务老人人数", "≥", "500", "人", "520人"]
    require("soffice", "libreoffice-writer-nogui")
    [pdf] = soffice_to_pdf([docx], tmp_path / "pdf")
    words = pdf_words(pdf)
    for text in ("指标性质", "度量单位", "服务老人人数", "年初预算数"):
        assert pdf_has_cell_text(words, text), text


# The clean snippet as a 宁夏 form: one funding row, no 年初预算数, no execution points; blocks 40 / 40 / 20.
NINGXIA_FORM = (
    ("  当年财政拨款: {年初预算数: 1000000, 全年预算数: 1000000, 全年执行数: 950000}\n", ""),
    ("{年初预算数: 1000000, 全年预算数", "{全年预算数"),
    ("  分值: 10\n", ""),
    ("实际完成值: 520人, 分值: 30}", "实际完成值: 520人, 分值: 20}"),
    ("实际完成值: 提高, 分值: 30}", "实际完成值: 提高, 分值: 40}"),
    ("实际完成值: 92%, 分值: 10}", "实际完成值: 92%, 分值: 20}"),
)

FIXED_POINT = {
    "shanghai": (),
    "mof-2020": (),
    "yunnan": (),
    "county-20-80": COUNTY_FORM[1:],
    "anhui": (("{年初预算数: 1000000, 全年预算数", "{全年预算数"),),
    "ningxia": NINGXIA_FORM,
    "hainan": (("  当年财政拨款:", "  财政资金:"),),
    "sichuan": (
        ("  当年财政拨款:", "  财政资金:"),
        ("---\n\n## 预算目标", "存在问题: 执行进度略慢。\n改进措施: 加快支付进度。\n---\n\n## 预算目标"),
    ),
}


@pytest.mark.parametrize("profile", sorted(FIXED_POINT))
def test_import_of_a_built_form_is_a_fixed_point_in_every_profile(tmp_path: Path, run_cli, profile: str):
    """build → import → check gives the same figures, in every shipped profile's layout."""
    f = _snippet(
        tmp_path,
        ("实施单位: 某区养老服务指导中心\n", f"实施单位: 某区养老服务指导中心\n表式: {profile}\n"),
        *FIXED_POINT[profile],
    )
    cfg = tmp_path / "perfdoc.toml"
    first = _checked(run_cli, tmp_path, f)
    assert first["diagnostics"] == [], first["diagnostics"]
    out = _built(run_cli, tmp_path, f)
    docx = out / "2023" / "社区居家养老服务补贴.docx"
    imported = tmp_path / "imported"
    assert run_cli("--config", cfg, "import", docx, "--out", imported).code == 0
    [source] = imported.rglob("*.md")
    named = "表式: " in source.read_text(encoding="utf-8")
    assert named == (profile != "shanghai")  # recognised from the table's labels and rows
    if named:
        assert f"表式: {profile}\n" in source.read_text(encoding="utf-8")
    again = _checked(run_cli, tmp_path, source)
    assert [d["code"] for d in again["diagnostics"]] == []
    for key in ("execution_rate", "total_score", "grade"):
        assert again[key] == first[key], key


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_each_profile_has_a_clean_example_and_a_page_image(name: str, run_cli, tmp_path: Path):
    """docs/examples/<profile>.md is written in its profile and checks clean; docs/profiles/<profile>.png shows it."""
    example = ROOT / "docs" / "examples" / f"{name}.md"
    assert f"\n表式: {name}\n" in example.read_text(encoding="utf-8")
    assert _checked(run_cli, tmp_path, example)["diagnostics"] == []
    assert (ROOT / "docs" / "profiles" / f"{name}.png").is_file()
    assert f"`{name}`" in (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")


def test_every_packaged_profile_is_documented(tmp_path: Path):
    assert set(available_profiles(tmp_path)) == SHIPPED


def test_rows_after_the_total_are_printed_and_imported_back(tmp_path: Path, run_cli):
    """四川: 评价结论 / 存在问题 / 改进措施 under 合计, in the page and the Word form, and read back by import."""
    from docx import Document

    cfg = tmp_path / "perfdoc.toml"
    out = _built(run_cli, tmp_path, ROOT / "docs" / "examples" / "sichuan.md")
    docx = out / "2023" / "社区居家养老服务补贴.docx"
    rows = [[c.text for c in row.cells] for row in Document(str(docx)).tables[1].rows]
    assert rows[-3][0] == "评价结论" and rows[-3][-1] == "项目按计划完成，资金支付及时，绩效目标基本实现。"
    assert rows[-2][0] == "存在问题" and rows[-1][0] == "改进措施"
    page = docx.with_suffix(".html").read_text(encoding="utf-8")
    assert (
        '<tr class="note"><th colspan="3">存在问题</th><td colspan="8" class="text">部分服务项目覆盖面不足。</td></tr>'
        in page
    )
    imported = tmp_path / "imported"
    assert run_cli("--config", cfg, "import", docx, "--out", imported).code == 0
    text = next(imported.rglob("*.md")).read_text(encoding="utf-8")
    assert "表式: sichuan\n" in text and "存在问题: 部分服务项目覆盖面不足。\n" in text
    assert "改进措施: 下一年度扩大服务范围，完善服务记录。\n" in text


def test_messages_speak_the_profiles_labels(tmp_path: Path, run_cli):
    """四川's form calls 分值 权重 and the reason column 未完成原因分析: so do the messages about it."""
    f = _snippet(
        tmp_path,
        ("实施单位: 某区养老服务指导中心\n", "实施单位: 某区养老服务指导中心\n表式: sichuan\n"),
        ("  当年财政拨款:", "  财政资金:"),
        ("520人, 分值: 30}", "480人, 分值: 30, 得分: 28}"),
    )
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    out = run_cli("--config", tmp_path / "perfdoc.toml", "check", f).out
    assert "扣 2 分（28/30），须填写「未完成原因分析」" in out
    assert "偏差原因分析及改进措施" not in out


def test_an_empty_group_kept_from_the_blank_template_is_printed_and_imported_back(tmp_path: Path, run_cli):
    """生态效益指标 with nothing under it: not an indicator, not an error; its row stays on the form."""
    from docx import Document

    f = _snippet(tmp_path, ("    社会效益指标:\n", "    生态效益指标: []\n    社会效益指标:\n"))
    cfg = tmp_path / "perfdoc.toml"
    first = _checked(run_cli, tmp_path, f)
    assert first["diagnostics"] == [] and first["total_score"] == "99.50"
    out = _built(run_cli, tmp_path, f)
    docx = out / "2023" / "社区居家养老服务补贴.docx"
    rows = [[c.text for c in row.cells] for row in Document(str(docx)).tables[1].rows]
    assert rows[3][1:4] == ["效益指标", "生态效益指标", ""] and rows[4][1:4] == [
        "效益指标",
        "社会效益指标",
        "老人生活质量",
    ]
    page = docx.with_suffix(".html").read_text(encoding="utf-8")
    assert '<td rowspan="1" class="subcategory">生态效益指标</td>' in page
    imported = tmp_path / "imported"
    assert run_cli("--config", cfg, "import", docx, "--out", imported).code == 0
    text = next(imported.rglob("*.md")).read_text(encoding="utf-8")
    assert "    生态效益指标: []\n" in text


def test_a_profile_prints_its_own_funding_columns_and_puts_the_weight_first(tmp_path: Path, run_cli):
    """安徽: no 年初预算数 column, 分值 before 年度指标值; 宁夏: no execution points, 项目总得分."""
    from docx import Document

    from .realtools import pdf_has_cell_text, pdf_words, require, soffice_to_pdf

    out = _built(run_cli, tmp_path, *(ROOT / "docs" / "examples" / f"{name}.md" for name in ("anhui", "ningxia")))
    anhui = out / "2023" / "村级特色种养补贴到户项目.docx"
    funds, indicators = Document(str(anhui)).tables
    assert [c.text for c in funds.rows[2].cells[1:]] == [
        "",
        "全年预算数(A)",
        "全年执行数(B)",
        "分值",
        "执行率(B/A)",
        "得分",
    ]
    assert [c.text for c in funds.rows[3].cells[1:]] == ["年度资金总额", "9.4800", "9.4800", "10", "100.00%", "10"]
    assert [c.text for c in indicators.rows[0].cells[3:7]] == ["三级指标", "分值", "年度指标值", "实际完成值"]
    assert [c.text for c in indicators.rows[1].cells[3:6]] == ["★补助瓜果蔬菜种植面积", "20", "≥29.5亩"]
    total = [c.text for c in indicators.rows[-1].cells]
    assert total[0] == "总分" and total[4] == "100" and total[-2] == "100" and total[-1] == "等级：优"
    page = anhui.with_suffix(".html").read_text(encoding="utf-8")
    assert "年初预算数" not in page and "<th>全年预算数(A)</th><th>全年执行数(B)</th><th>分值</th>" in page
    assert "<th>三级指标</th><th>分值</th><th>年度指标值</th>" in page
    ningxia = out / "2022" / "马铃薯种薯繁育示范推广项目.docx"
    funds, indicators = Document(str(ningxia)).tables
    assert [c.text for c in funds.rows[2].cells[1:]] == ["", "全年预算数(A)", "全年执行数(B)", "执行率(B/A)"]
    assert [c.text for c in funds.rows[5].cells[1:]] == ["自治区补助", "300.0000", "259.4500", "—"]
    assert indicators.rows[-1].cells[0].text == "项目总得分" and indicators.rows[-1].cells[-2].text == "97"
    require("soffice", "libreoffice-writer-nogui")
    [pdf] = soffice_to_pdf([ningxia], tmp_path / "pdf")
    words = pdf_words(pdf)
    for text in ("项目绩效目标自评表", "执行率(B/A)", "自治区补助", "项目总得分", "86.48%"):
        assert pdf_has_cell_text(words, text), text


def test_sichuan_prints_the_reason_for_a_low_execution_rate_and_reads_it_back(tmp_path: Path, run_cli):
    from docx import Document

    f = _snippet(
        tmp_path,
        ("实施单位: 某区养老服务指导中心\n", "实施单位: 某区养老服务指导中心\n表式: sichuan\n"),
        ("  当年财政拨款:", "  财政资金:"),
        ("全年执行数: 950000}", "全年执行数: 850000}"),
        ("  分值: 10\n", "  分值: 10\n  原因: 部分服务合同年底签订，尾款次年支付。\n"),
        ("---\n\n## 预算目标", "存在问题: 执行进度慢。\n改进措施: 提前签订合同。\n---\n\n## 预算目标"),
    )
    cfg = tmp_path / "perfdoc.toml"
    assert _checked(run_cli, tmp_path, f)["diagnostics"] == []
    out = _built(run_cli, tmp_path, f)
    docx = out / "2023" / "社区居家养老服务补贴.docx"
    funds = Document(str(docx)).tables[0]
    assert [c.text for c in funds.rows[2].cells[-4:]] == ["预算执行率", "权重", "得分", "原因"]
    assert funds.rows[3].cells[-1].text == "部分服务合同年底签订，尾款次年支付。"
    page = docx.with_suffix(".html").read_text(encoding="utf-8")
    assert '<td class="text" id="execution-reason">部分服务合同年底签订，尾款次年支付。</td>' in page
    imported = tmp_path / "imported"
    assert run_cli("--config", cfg, "import", docx, "--out", imported).code == 0
    text = next(imported.rglob("*.md")).read_text(encoding="utf-8")
    assert "表式: sichuan\n" in text and "  原因: 部分服务合同年底签订，尾款次年支付。\n" in text


def test_a_reason_longer_than_the_profile_allows_is_reported(tmp_path: Path, run_cli):
    f = _snippet(
        tmp_path,
        ("实施单位: 某区养老服务指导中心\n", "实施单位: 某区养老服务指导中心\n表式: sichuan\n"),
        ("  当年财政拨款:", "  财政资金:"),
        ("  分值: 10\n", "  分值: 10\n  原因: " + "合同" * 51 + "\n"),
        ("---\n\n## 预算目标", "存在问题: 执行进度略慢。\n改进措施: 加快支付进度。\n---\n\n## 预算目标"),
    )
    [d] = _checked(run_cli, tmp_path, f)["diagnostics"]
    assert d["code"] == "PD312" and "有 102 字，超过本表式规定的 100 字" in d["message"]
