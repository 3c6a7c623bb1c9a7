"""Published forms from ten provinces, as their units sent them: each fixture of tests/published/ is rendered as
a .docx in its own layout (tests/published/render.py) and read by `perfdoc check` as a reviewer would.

Every figure that can be computed is reported equal to the fixture's 核对 block (worked out by hand from the
published cells, decimal, half up), every published error is reported, and nothing else is an error: the
complete list of error codes is asserted, so a new false alarm fails here. Forms whose page was cut off are
checked for what they contain.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from .published.render import fixtures, load, render

FIXTURES = {p.stem: p for p in fixtures()}


def _checked(run_cli: Any, tmp_path: Path, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    fixture = load(FIXTURES[name])
    docx = render(fixture, tmp_path / "报送" / f"{name}.docx")
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    doc = run_cli("--config", tmp_path / "perfdoc.toml", "check", docx, "--format", "json").json()
    [form] = doc["files"]  # one form per submitted file
    return fixture, form


def test_there_are_fifteen_published_forms_from_ten_provinces():
    provinces = {load(p)["说明"].split()[0] for p in FIXTURES.values()}
    assert len(FIXTURES) == 15 and len(provinces) == 10, provinces


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_computable_figure_is_reported(run_cli, tmp_path: Path, name: str):
    fixture, form = _checked(run_cli, tmp_path, name)
    expected = fixture["核对"]
    assert form["execution_rate"] == expected["执行率"]
    assert form["execution_score"] == expected["执行得分"]
    assert form["total_score"] == expected["总分"]  # none for a form cut off before its 总分
    assert form["weight_sum"] == expected["分值合计"]
    assert form["partial"] is (not fixture["版式"]["有总分行"])  # the table ends before a 总分 row
    # each indicator's own figures, whatever else is wrong with the form
    written = [i for i in fixture["绩效指标"] if i.get("三级指标")]
    assert len(form["indicators"]) == len(written)
    for typed, read in zip(written, form["indicators"], strict=True):
        if typed.get("得分") is not None:
            assert read["score"] is not None


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_published_errors_are_reported_and_nothing_else_is_an_error(run_cli, tmp_path: Path, name: str):
    fixture, form = _checked(run_cli, tmp_path, name)
    errors = Counter(d["code"] for d in form["diagnostics"] if d["severity"] == "error")
    assert not Counter(fixture["核对"]["原表错误"]) - errors  # every published error
    assert sorted(errors.elements()) == fixture["核对"]["全部错误"]  # and no other error
    for d in form["diagnostics"]:
        assert d["message"] and d["line"] >= 1 and d["column"] >= 1  # each at its table row and column


def test_a_form_cut_off_before_its_total_says_so_and_concludes_nothing_about_it(run_cli, tmp_path: Path):
    _, form = _checked(run_cli, tmp_path, "anhui-xiaoxian-farming-2023")
    assert form["partial"] is True and form["total_score"] is None and form["errors"] == 0
    [cut] = [d for d in form["diagnostics"] if d["code"] == "PD117"]
    assert "总分" in cut["message"] and cut["severity"] == "warning"


def test_a_total_beyond_reach_is_proven_wrong_even_on_a_cut_off_form(run_cli, tmp_path: Path):
    """银川: 项目总得分 98 printed above the table; visible 84 + execution 10, nothing unseen: at most 94."""
    _, form = _checked(run_cli, tmp_path, "ningxia-yinchuan-school-2021")
    [d] = [d for d in form["diagnostics"] if d["code"] == "PD306"]
    assert "98" in d["message"] and "最高 94" in d["message"]


def test_what_was_assumed_is_said_with_the_label_as_printed(run_cli, tmp_path: Path):
    _, form = _checked(run_cli, tmp_path, "yunnan-gucheng-satellite-2020")
    said = [d["message"] for d in form["diagnostics"] if d["code"] == "PD115"]
    assert "「產(chǎn)出指標(biāo)」按「产出指标」读取" in said
    assert len(said) == len(set(said))  # each spelling once, not once per row
    _, form = _checked(run_cli, tmp_path, "anhui-yuan-heritage-2022")
    [fraction] = [d for d in form["diagnostics"] if d["code"] == "PD211"]
    assert "0.958" in fraction["message"] and "95.8%" in fraction["message"]
    _, form = _checked(run_cli, tmp_path, "hubei-ezhou-civic-centre-2021")
    [units] = [d for d in form["diagnostics"] if d["code"] == "PD115"]
    assert "「150万」" in units["message"] and "万元" in units["message"]


def test_columns_no_field_reads_are_named_where_they_are(run_cli, tmp_path: Path):
    _, form = _checked(run_cli, tmp_path, "xinjiang-fukang-survey-2023")
    skipped = {d["message"] for d in form["diagnostics"] if d["code"] == "PD116"}
    for label in ("指标值设置依据", "上年完成值", "指标赋分规则", "佐证资料"):
        assert any(f"「{label}」" in m for m in skipped), label


def test_reviewer_checks_on_published_forms(run_cli, tmp_path: Path):
    """宁夏 原州: a 认知度 target of 250 % (OCR for ≥50 %) is a rate above 100 %; the 产出 block's label says
    40 where its rows add up to 48; 廊坊: scores typed to the form's integer precision are a warning only."""
    _, form = _checked(run_cli, tmp_path, "ningxia-yuanzhou-potato-2022")
    codes = {d["code"] for d in form["diagnostics"]}
    assert {"PD413", "PD315"} <= codes
    _, form = _checked(run_cli, tmp_path, "hebei-langfang-heating-2019")
    rounded = [d["message"] for d in form["diagnostics"] if d["code"] == "PD316"]
    assert any("填为 9，按规则为 8.62" in m for m in rounded)


def test_one_pass_over_every_submitted_form(run_cli, tmp_path: Path):
    """`perfdoc check 报送/*.docx`: every form listed with its figures and its error count, exit code 1."""
    inbox = tmp_path / "报送"
    for name, path in FIXTURES.items():
        render(load(path), inbox / f"{name}.docx")
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    res = run_cli("--config", tmp_path / "perfdoc.toml", "check", *sorted(inbox.glob("*.docx")))
    assert res.code == 1 and "Traceback" not in res.out + res.err
    lines = [line for line in res.out.splitlines() if "#表1: " in line]
    assert len(lines) == 15
    assert all("执行率 " in line for line in lines)  # every form's execution rate, errors or not
    assert any("总分 108.00" in line and "有 3 个错误" in line for line in lines)


def test_a_funding_row_no_profile_reads_is_named_not_dropped(run_cli, tmp_path: Path):
    fixture = load(FIXTURES["hubei-xinzhou-opera-2020"])
    fixture["版式"]["资金行"][3] = ["其他资金", "中央专项转移支付"]  # a row label no funding row matches
    fixture["项目资金"]["其他资金"] = {"年初预算数": "5", "全年预算数": "5", "全年执行数": "5"}
    docx = render(fixture, tmp_path / "renamed.docx")
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    doc = run_cli("--config", tmp_path / "perfdoc.toml", "check", docx, "--format", "json").json()
    [skipped] = [d for d in doc["files"][0]["diagnostics"] if d["code"] == "PD116"]
    assert "「中央专项转移支付」" in skipped["message"] and skipped["line"] == 7


def test_rows_around_the_table_and_template_leftovers_are_never_indicators(run_cli, tmp_path: Path):
    """新洲 with what other units' forms carry around the table: a 部门 line above it, 项目类别 with check
    boxes, a blank 指标1: row left from the template, 其他需要说明事项 / 审核意见 / 联系人 below the total,
    and a 满意度 block whose label declares the 分值 its only indicator lacks."""
    fixture = load(FIXTURES["hubei-xinzhou-opera-2020"])
    layout = fixture["版式"]
    layout["表上文字"] = ["部门：新洲区文化和旅游局"]
    layout["表前行"] = [["项目类别", "☑部门预算 □专项 □转移支付"]]
    layout["表后行"] = [["其他需要说明事项", "无"], ["审核意见", "同意上报"], ["联系人", "张某", "电话", "027-0000"]]
    leftover = {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "指标1:"}
    fixture["绩效指标"].insert(2, leftover)
    fixture["一级指标分值"] = {"满意度指标": "20"}
    del fixture["绩效指标"][-1]["分值"]
    docx = render(fixture, tmp_path / "surroundings.docx")
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    doc = run_cli("--config", tmp_path / "perfdoc.toml", "check", docx, "--format", "json").json()
    [form] = doc["files"]
    assert [i["indicator"] for i in form["indicators"]] == [
        i["三级指标"] for i in fixture["绩效指标"] if i is not leftover
    ]
    assert form["indicators"][-1]["weight"] == "20.00"  # from 满意度指标（20分）
    assert sorted(d["code"] for d in form["diagnostics"] if d["severity"] == "error") == ["PD306", "PD307", "PD402"]
    said = [d["message"] for d in form["diagnostics"] if d["code"] in ("PD115", "PD116")]
    assert any("按「满意度指标」标注的 20 分计" in m for m in said)
    assert any("「审核意见」一行不是自评表的字段" in m for m in said)
    imported = tmp_path / "imported"
    assert run_cli("--config", tmp_path / "perfdoc.toml", "import", docx, "--out", imported).code == 0
    text = next(imported.rglob("*.md")).read_text(encoding="utf-8")
    assert "项目类别: ☑部门预算 □专项 □转移支付" in text and "其他需要说明事项: 无" in text
    assert "指标1" not in text and "审核意见" not in text


def test_the_seed_forms_built_as_word_check_as_clean_as_their_sources(run_cli, tmp_path: Path):
    """A reviewer receiving the seed's three .docx sees what `check content` says: the known funding warning
    (PD301, 年初预算数 7,500,000 against 7,300,000) and the notes on targets far exceeded (PD408); no error,
    and no request for a 达成情况 the printed form has no column for."""
    from .conftest import ROOT

    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    cfg = tmp_path / "perfdoc.toml"
    out = tmp_path / "build"
    assert run_cli("--config", cfg, "build", ROOT / "content", "--out", out, "--format", "docx").code == 0
    forms = sorted(p for p in (out / "2020").glob("*.docx") if p.name != "summary.docx")
    doc = run_cli("--config", cfg, "check", *forms, "--format", "json").json()
    assert doc["errors"] == 0
    codes = sorted(d["code"] for f in doc["files"] for d in f["diagnostics"])
    assert codes == ["PD301", "PD408", "PD408", "PD408"]
    assert sorted(f["total_score"] for f in doc["files"]) == ["100.00", "92.00", "95.99"]


# Column and row labels as other units print them; each must read the same figures and the same errors.
LABEL_VARIANTS = [
    ("资金栏标签", None, "项目资金\n（万元）"),
    ("资金栏标签", None, "资金（万元）"),
    ("资金栏", 1, "全年(调整)预算数"),
    ("资金栏", 3, "执行率权重"),
    ("资金栏", 5, "执行率得分(分)"),
    ("指标栏", 3, "年初指标值"),
    ("指标栏", 5, "指标权重(分)"),
    ("指标栏", 6, "指标得分(分)"),
    ("资金栏", 0, "年初预算数(万元)"),
    ("资金栏", 1, "全年预算数（A）"),
    ("资金栏", 2, "全年执行数（B）"),
    ("资金栏", 3, "分值（分）"),
    ("资金栏", 4, "执行率（B/A）"),
    ("资金行", 1, "其中：财政拨款"),
    ("资金行", 2, "上年结余结转资金"),
    ("资金行", 3, "其他资金（自筹）"),
    ("指标栏", 0, "一级\n指标"),
    ("指标栏", 2, "三级指标名称"),
    ("指标栏", 3, "年度指标值（A）"),
    ("指标栏", 4, "全年实际值（B）"),
    ("指标栏", 5, "分值（分）"),
    ("指标栏", 6, "得分（分）"),
    ("指标栏", 7, "偏差原因分析及改进措施（未完成原因）"),
    ("目标栏", 0, "年度目标"),
    ("目标栏", 1, "全年实际完成情况"),
]


@pytest.mark.parametrize(("part", "index", "label"), LABEL_VARIANTS, ids=lambda v: str(v).replace("\n", ""))
def test_label_variants_read_the_same_figures(run_cli, tmp_path: Path, part: str, index: int | None, label: str):
    fixture = load(FIXTURES["hubei-xinzhou-opera-2020"])
    layout = fixture["版式"]
    if index is None:
        layout[part] = label
    elif part == "目标栏":
        layout[part][index] = label
    else:
        layout[part][index][1] = label
    docx = render(fixture, tmp_path / "variant.docx")
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    [form] = run_cli("--config", tmp_path / "perfdoc.toml", "check", docx, "--format", "json").json()["files"]
    assert (form["execution_rate"], form["total_score"]) == ("100.00", "108.00")
    assert sorted(d["code"] for d in form["diagnostics"]) == ["PD306", "PD307", "PD402"]


@pytest.mark.parametrize("grouping", ["留空", "每行重复"])
def test_group_cells_blank_or_repeated_instead_of_merged(run_cli, tmp_path: Path, grouping: str):
    fixture = load(FIXTURES["yunnan-gucheng-satellite-2020"])
    fixture["版式"]["分组"] = grouping
    docx = render(fixture, tmp_path / "grouping.docx")
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    [form] = run_cli("--config", tmp_path / "perfdoc.toml", "check", docx, "--format", "json").json()["files"]
    assert [i["category"] for i in form["indicators"]] == ["产出指标"] * 3 + ["效益指标", "满意度指标"]
    assert sorted(d["code"] for d in form["diagnostics"] if d["severity"] == "error") == ["PD402"] * 4


def test_a_total_typed_with_its_unit_and_a_grade_in_a_row_of_its_own(run_cli, tmp_path: Path):
    """新洲 with 总分 typed as 98分 (still checked: 108.00) and 自评等级 | 良 under it (checked against 优)."""
    fixture = load(FIXTURES["hubei-xinzhou-opera-2020"])
    fixture["总分"], fixture["总分行分值"] = "98分", "100分"
    fixture["版式"]["表后行"] = [["自评等级", "良"]]
    docx = render(fixture, tmp_path / "total.docx")
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    [form] = run_cli("--config", tmp_path / "perfdoc.toml", "check", docx, "--format", "json").json()["files"]
    assert sorted(d["code"] for d in form["diagnostics"]) == ["PD306", "PD307", "PD308", "PD402"]


def test_a_form_without_a_first_level_column_files_each_row_by_its_second_level(run_cli, tmp_path: Path):
    fixture = load(FIXTURES["hubei-xinzhou-opera-2020"])
    fixture["版式"]["指标栏"] = [c for c in fixture["版式"]["指标栏"] if c[0] != "一级指标"]
    docx = render(fixture, tmp_path / "no-first-level.docx")
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    [form] = run_cli("--config", tmp_path / "perfdoc.toml", "check", docx, "--format", "json").json()["files"]
    assert [i["category"] for i in form["indicators"]] == ["产出指标"] * 4 + ["满意度指标"]
    assert sorted(d["code"] for d in form["diagnostics"]) == ["PD306", "PD307", "PD402"]


def test_full_marks_on_a_missed_target_is_one_error_even_on_a_coarse_form(run_cli, tmp_path: Path):
    """廊坊 types its rate as 86% (a form of whole numbers); 10 of 10 on a target it missed (93 of ≥95, the rule
    allows 9.79) is PD403's error, not PD316's warning about a rounding."""
    fixture = load(FIXTURES["hebei-langfang-heating-2019"])
    row = next(i for i in fixture["绩效指标"] if i["三级指标"] == "指标2工程验收合格率")
    row["年度指标值"], row["实际完成值"] = "≥95%", "93%"
    docx = render(fixture, tmp_path / "missed.docx")
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    [form] = run_cli("--config", tmp_path / "perfdoc.toml", "check", docx, "--format", "json").json()["files"]
    about = [d["code"] for d in form["diagnostics"] if "工程验收合格率" in d["message"]]
    assert about == ["PD403"]
