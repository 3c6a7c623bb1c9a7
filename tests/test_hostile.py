"""Findings of the attack on perfdoc (issue #11), each closed with a test that failed before its fix.

Item numbers in the test names are those of the issue. Whole classes are closed where a finding named one input:
every required text field, every figure, every odd space.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from perfdoc.build import CACHE_VERSION

from .conftest import SEED_FILES, edit

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


# -- 1 to 6: outputs deleted that must not be -------------------------------------------------------------------


def project(tmp_path: Path, name: str = "proj") -> Path:
    """A project as `perfdoc init` makes it, holding the three seed forms."""
    import shutil

    root = tmp_path / name
    (root / "content").mkdir(parents=True)
    (root / "perfdoc.toml").write_text('money_unit = "元"\n', encoding="utf-8")
    shutil.copytree(INCUBATOR.parent, root / "content" / "2020")
    return root


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def in_project(run_cli, root: Path, *args: str | Path):
    old = os.getcwd()
    os.chdir(root)
    try:
        return run_cli(*args)
    finally:
        os.chdir(old)


def test_1_building_a_copy_leaves_the_original_alone(run_cli, tmp_path: Path):
    import shutil

    root = project(tmp_path)
    assert in_project(run_cli, root, "build").code == 0
    before = outputs(root / "build")
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    (copy / "content" / "2020" / "incubator.md").unlink()  # the copy's orphan cleanup has work to do
    assert in_project(run_cli, copy, "build").code == 0
    assert outputs(root / "build") == before
    assert not (copy / "build" / "2020" / "创业孵化基地运行保障.docx").exists()
    cache = (copy / "build" / ".perfdoc-cache.json").read_text(encoding="utf-8")
    assert str(tmp_path) not in cache  # every path in the cache is relative


@pytest.mark.parametrize(
    "outputs_field",
    [
        '[{"docx": "/ANY/victim.docx"}]',
        '[{"docx": "../victim.docx"}]',
        '[{"docx": "2020/../../victim.docx"}]',
        '[{"docx": "2020/victim.txt"}]',
        '"not a list"',
    ],
)
def test_2_the_cache_cannot_delete_outside_the_output_folder(run_cli, tmp_path: Path, outputs_field: str):
    root = project(tmp_path)
    victim_dir = tmp_path / "ANY"
    victim_dir.mkdir()
    for name in ("victim.docx", "victim.pdf"):
        (victim_dir / name).write_bytes(b"keep me")
        (tmp_path / name).write_bytes(b"keep me")
    (root / "build" / "2020").mkdir(parents=True)
    (root / "build" / "2020" / "victim.txt").write_bytes(b"keep me")
    rel = outputs_field.replace("/ANY/", str(victim_dir) + "/")
    cache = (
        f'{{"version": {CACHE_VERSION}, "salt": "x", "entries": {{"content/gone.md": {{"key": "k", "stat": [], '
        f'"digests": [], "outputs": {rel}}}}}}}'
    )
    (root / "build" / ".perfdoc-cache.json").write_text(cache, encoding="utf-8")
    res = in_project(run_cli, root, "build")
    assert res.code == 0, res.err
    assert "构建缓存" in res.err and "已忽略" in res.err  # said once, then a good cache replaces it
    for f in (victim_dir / "victim.docx", victim_dir / "victim.pdf", tmp_path / "victim.docx"):
        assert f.read_bytes() == b"keep me"
    assert (root / "build" / "2020" / "victim.txt").read_bytes() == b"keep me"
    res = in_project(run_cli, root, "build")
    assert res.code == 0 and "构建缓存" not in res.err


def test_2_a_cache_of_any_shape_is_no_traceback(run_cli, tmp_path: Path):
    root = project(tmp_path)
    for junk in (b"", b"[]", b"{", b'{"version": 2, "salt": 1, "entries": []}', b"\xff\xfe", b"null"):
        (root / "build").mkdir(exist_ok=True)
        (root / "build" / ".perfdoc-cache.json").write_bytes(junk)
        assert in_project(run_cli, root, "build").code == 0


def test_3_a_partial_build_touches_only_what_it_was_given(run_cli, tmp_path: Path):
    root = project(tmp_path)
    assert in_project(run_cli, root, "build").code == 0
    before = outputs(root / "build")
    edit(root / "content" / "2020" / "incubator.md", "## 实际完成情况", "## 实际完成情况\n\n新增一句。")
    edit(root / "content" / "2020" / "sci-tech-finance.md", "## 实际完成情况", "## 实际完成情况\n\n另一句。")
    res = in_project(run_cli, root, "build", "content/2020/incubator.md")
    assert res.code == 0, res.err
    after = outputs(root / "build")
    changed = {k for k in after if before.get(k) != after[k]}
    assert "2020/创业孵化基地运行保障.docx" in changed
    assert "2020/开展科技金融工作及服务.docx" not in changed  # edited, but not named: untouched
    assert set(after) >= set(before) - {".perfdoc-cache.json"}  # nothing deleted
    index = (root / "build" / "index.html").read_text(encoding="utf-8")
    for project_name in ("创业孵化基地运行保障", "开展科技金融工作及服务", "中国创新创业大赛（上海赛区）"):
        assert project_name in index
    # The next full build renders the one that was left out.
    res = in_project(run_cli, root, "build")
    assert res.code == 0 and "本次处理 1 个有改动的源文件" in res.out


def test_3_summary_of_one_file_covers_its_whole_year(run_cli, tmp_path: Path):
    from openpyxl import load_workbook

    root = project(tmp_path)
    assert in_project(run_cli, root, "summary", "content/2020/incubator.md").code == 0
    ws = load_workbook(root / "build" / "2020" / "summary.xlsx").active
    names = {row[1] for row in ws.iter_rows(min_row=3, values_only=True)}
    assert {"创业孵化基地运行保障", "开展科技金融工作及服务", "中国创新创业大赛（上海赛区）"} <= names


def _form(text: str, project_name: str) -> str:
    return text.replace("项目名称: 创业孵化基地运行保障", f"项目名称: {project_name}")


def test_4_names_that_clash_never_overwrite_a_third_form(run_cli, tmp_path: Path):
    root = project(tmp_path)
    text = INCUBATOR.read_text(encoding="utf-8")
    for stem, name in (("a", "ABC"), ("b", "abc"), ("c", "abc-b")):
        (root / "content" / "2020" / f"{stem}.md").write_text(_form(text, name), encoding="utf-8")
    res = in_project(run_cli, root, "build", "--format", "docx")
    assert res.code == 0, res.err
    names = sorted(p.stem for p in (root / "build" / "2020").glob("*.docx") if p.stem.lower().startswith("abc"))
    assert len(names) == 3 and len({n.casefold() for n in names}) == 3  # no case-only twins either
    from docx import Document

    projects = {n: Document(str(root / "build" / "2020" / f"{n}.docx")).tables[0].rows[0].cells[2].text for n in names}
    assert sorted(projects.values()) == ["ABC", "abc", "abc-b"]
    assert projects["abc-b"] == "abc-b"  # the third form keeps its own name
    # Deterministic: a second build from scratch gives the same names.
    import shutil

    shutil.rmtree(root / "build")
    in_project(run_cli, root, "build", "--format", "docx")
    again = sorted(p.stem for p in (root / "build" / "2020").glob("*.docx") if p.stem.lower().startswith("abc"))
    assert again == names


def test_4_untracked_stale_outputs_are_cleaned(run_cli, tmp_path: Path):
    root = project(tmp_path)
    assert in_project(run_cli, root, "build").code == 0
    (root / "build" / ".perfdoc-cache.json").unlink()  # a lost cache
    edit(root / "content" / "2020" / "incubator.md", "项目名称: 创业孵化基地运行保障", "项目名称: 孵化基地运行保障")
    (root / "build" / "2020" / "mine.docx").write_bytes(b"a user's own file")
    assert in_project(run_cli, root, "build").code == 0
    left = {p.name for p in (root / "build" / "2020").iterdir()}
    assert "创业孵化基地运行保障.docx" not in left and "创业孵化基地运行保障.html" not in left
    assert "孵化基地运行保障.docx" in left and "mine.docx" in left  # not perfdoc's: never removed


def test_5_a_new_duplicate_does_not_take_the_original_name(run_cli, tmp_path: Path):
    root = project(tmp_path)
    assert in_project(run_cli, root, "build", "--format", "docx").code == 0
    original = (root / "build" / "2020" / "创业孵化基地运行保障.docx").read_bytes()
    # Sorts before incubator.md, so source order alone would hand it the name.
    dup = root / "content" / "2020" / "a-copy.md"
    dup.write_text(
        INCUBATOR.read_text(encoding="utf-8").replace("## 实际完成情况", "## 实际完成情况\n\n副本。"), encoding="utf-8"
    )
    res = in_project(run_cli, root, "build", "--format", "docx")
    assert res.code == 1
    assert "PD501" in res.err and "a-copy.md" in res.err
    assert (root / "build" / "2020" / "创业孵化基地运行保障.docx").read_bytes() == original


# -- 6: perfdoc's own code and an edit that restores size and mtime ----------------------------------------------


def test_6_same_size_edit_with_restored_mtime_is_seen(run_cli, tmp_path: Path):
    root = project(tmp_path)
    assert in_project(run_cli, root, "build").code == 0
    f = root / "content" / "2020" / "incubator.md"
    st = f.stat()
    edit(f, "总分: 95.99", "总分: 95.98")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert f.stat().st_size == st.st_size and f.stat().st_mtime_ns == st.st_mtime_ns
    res = in_project(run_cli, root, "build")
    assert res.code == 1 and "PD306" in res.err


def test_6_perfdoc_code_is_part_of_the_cache_key(monkeypatch):
    from perfdoc import build as build_module
    from perfdoc.config import Config

    salt = build_module.inputs_salt(Config(), ("docx",))
    monkeypatch.setattr(build_module, "_code_digest", "an edited rule")
    assert build_module.inputs_salt(Config(), ("docx",)) != salt
    monkeypatch.setattr(build_module, "_code_digest", None)
    assert build_module.code_digest() == build_module.code_digest() != "an edited rule"


def test_6_an_edited_or_reinstalled_code_file_changes_the_code_digest(monkeypatch, tmp_path: Path):
    """Files count by name, size and modification time (not read): an edit or a reinstall writes them anew."""
    from perfdoc import build as build_module

    package, templates = tmp_path / "perfdoc", tmp_path / "templates"
    (package / "rules").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    templates.mkdir()
    rule = package / "rules" / "funding.py"
    rule.write_text("RULE = 1\n", encoding="utf-8")
    (templates / "form.html.j2").write_text("{{ x }}", encoding="utf-8")
    monkeypatch.setattr(build_module, "PACKAGE", package)
    monkeypatch.setattr(build_module, "PACKAGED_TEMPLATES", templates)

    def digest() -> str:
        monkeypatch.setattr(build_module, "_code_digest", None)
        return build_module.code_digest()

    first = digest()
    (package / "__pycache__" / "funding.cpython-311.pyc").write_bytes(b"compiled")
    (package / "notes.txt").write_text("not code", encoding="utf-8")
    assert digest() == first  # bytecode and other files are not perfdoc's code
    st = rule.stat()
    os.utime(rule, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    touched = digest()
    assert touched != first
    rule.write_text("RULE = 22\n", encoding="utf-8")
    os.utime(rule, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # same time, another size
    assert digest() not in (first, touched)


def test_6_force_rebuilds_everything(run_cli, tmp_path: Path):
    root = project(tmp_path)
    assert in_project(run_cli, root, "build").code == 0
    assert "本次处理 0 个" in in_project(run_cli, root, "build").out
    assert "本次处理 3 个" in in_project(run_cli, root, "build", "--force").out


# -- 7: one bad file must not take the others down ---------------------------------------------------------------


def test_7_an_unexpected_failure_is_one_file_s_diagnostic(run_cli, tmp_path: Path, monkeypatch):
    from perfdoc import scoring

    real = scoring.score

    def flaky(a, config):
        if a.project == "开展科技金融工作及服务":
            raise RuntimeError("simulated bug")
        return real(a, config)

    monkeypatch.setattr(scoring, "score", flaky)  # check_raw looks it up when it scores
    root = project(tmp_path)
    res = in_project(run_cli, root, "check", "--format", "json")
    assert res.code == 1
    files = {f["path"].split("/")[-1]: f for f in res.json()["files"]}
    assert files["sci-tech-finance.md"]["diagnostics"][0]["code"] == "PD901"
    assert "报告" in files["sci-tech-finance.md"]["diagnostics"][0]["message"]
    assert files["incubator.md"]["total_score"] == "95.99"
    res = in_project(run_cli, root, "build", "-j", "1")
    assert res.code == 1 and "PD901" in res.err
    assert (root / "build" / "2020" / "创业孵化基地运行保障.docx").is_file()
    assert (root / "build" / "index.html").is_file() and (root / "build" / ".perfdoc-cache.json").is_file()


# -- 10: long names ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["项" * 79, "😀" * 60, "项目" * 120], ids=["79-cjk", "60-emoji", "240-cjk"])
def test_10_long_project_names(run_cli, tmp_path: Path, name: str):
    f = seed(tmp_path, "项目名称: 创业孵化基地运行保障", f"项目名称: {name}")
    res = run_cli("build", f, "--out", tmp_path / "out")
    assert res.code == 0, res.err
    [docx] = [p for p in (tmp_path / "out" / "2020").glob("*.docx") if p.stem != "summary"]
    assert len(docx.name.encode()) <= 210 and docx.stem != "summary"
    root = project(tmp_path, "p")
    res = in_project(run_cli, root, "new", name, "--year", "2025")
    assert res.code == 0, res.err
    [made] = list((root / "content" / "2025").glob("*.md"))
    assert len(made.name.encode()) <= 210


# -- 12, 13: the disk and the templates -----------------------------------------------------------------------------


def test_12_full_disk_is_a_message_and_outputs_stay_intact(run_cli, tmp_path: Path, monkeypatch):
    import errno
    import shutil

    from perfdoc import write

    out = tmp_path / "out"
    edit_dir = tmp_path / "src"
    shutil.copytree(INCUBATOR.parent, edit_dir)
    assert run_cli("build", edit_dir, "--out", out).code == 0
    before = outputs(out)
    real_open = os.open

    def full(path, flags, mode=0o777, *, dir_fd=None):
        if str(path).endswith(".tmp"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, flags, mode)

    monkeypatch.setattr(write.os, "open", full)
    edit(edit_dir / "incubator.md", "## 实际完成情况", "## 实际完成情况\n\n改动。")
    res = run_cli("build", edit_dir, "--out", out)
    assert res.code == 1
    assert "PD701" in res.err and "磁盘空间不足" in res.err
    assert outputs(out) == before


def test_13_broken_word_template_names_it_and_changes_nothing(run_cli, tmp_path: Path):
    import io
    import zipfile

    root = project(tmp_path)
    assert in_project(run_cli, root, "build").code == 0
    before = outputs(root / "build")
    from perfdoc.render.templates import PACKAGED_TEMPLATES

    src = zipfile.ZipFile(PACKAGED_TEMPLATES / "form.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p></w:body>")  # malformed XML
            dst.writestr(info, data)
    (root / "templates").mkdir()
    (root / "templates" / "form.docx").write_bytes(buf.getvalue())
    res = in_project(run_cli, root, "build")
    assert res.code == 1
    assert "form.docx" in res.err and "Word 模板" in res.err
    assert outputs(root / "build") == before
    assert not list((root / "build").rglob("*.tmp"))


def test_13_runtime_error_in_html_template_names_file_and_line(run_cli, tmp_path: Path):
    from perfdoc.render.templates import PACKAGED_TEMPLATES

    root = project(tmp_path)
    assert in_project(run_cli, root, "build").code == 0
    before = outputs(root / "build")
    (root / "templates").mkdir()
    page = (PACKAGED_TEMPLATES / "form.html.j2").read_text(encoding="utf-8")
    lines = page.split("\n")
    lines.insert(6, "{{ (1 / 0) if project else '' }}")  # inside {% block body %}
    (root / "templates" / "form.html.j2").write_text("\n".join(lines), encoding="utf-8")
    res = in_project(run_cli, root, "build")
    assert res.code == 1
    assert "form.html.j2" in res.err and "第 7 行" in res.err and "ZeroDivisionError" in res.err
    assert outputs(root / "build") == before


# -- drafts ------------------------------------------------------------------------------------------------------


def test_draft_of_a_form_with_errors(run_cli, tmp_path: Path):
    from docx import Document

    f = seed(tmp_path, "总分: 95.99", "总分: 90")
    out = tmp_path / "out"
    res = run_cli("build", f, "--out", out)
    assert res.code == 1 and not (out / "2020" / "创业孵化基地运行保障.docx").exists()
    res = run_cli("build", f, "--out", out, "--draft")
    assert res.code == 1 and "1 份草稿" in res.out
    doc = Document(str(out / "2020" / "创业孵化基地运行保障.docx"))
    assert doc.paragraphs[0].text.startswith("草稿：此表有 1 个错误")
    assert doc.core_properties.title.startswith("【草稿】")
    assert "95.99" in [c.text for c in doc.tables[-1].rows[-1].cells]  # the computed total, not the typed 90
    page = (out / "2020" / "创业孵化基地运行保障.html").read_text(encoding="utf-8")
    assert "<title>【草稿】" in page and "草稿：此表有 1 个错误" in page
    # Without --draft again: a draft is never kept as if it were the last good form.
    res = run_cli("build", f, "--out", out)
    assert res.code == 1 and "PD703" not in res.out
    assert not (out / "2020" / "创业孵化基地运行保障.docx").exists()


def test_draft_of_a_form_that_cannot_be_scored_fully(run_cli, tmp_path: Path):
    f = seed(tmp_path, "        分值: 5\n", "        分值: 五\n")
    res = run_cli("build", f, "--out", tmp_path / "out", "--draft")
    assert res.code == 1
    assert (tmp_path / "out" / "2020" / "创业孵化基地运行保障.docx").is_file()


# -- 20: serve ----------------------------------------------------------------------------------------------------


def test_20_serve_handler_refuses_foreign_hosts_hidden_files_and_long_names(tmp_path: Path):
    import http.client
    import threading

    from perfdoc.serve import Site, make_handler

    root = tmp_path / "build"
    (root / "2020").mkdir(parents=True)
    (root / "index.html").write_text("<html><body>index</body></html>", encoding="utf-8")
    (root / ".perfdoc-cache.json").write_text("{}", encoding="utf-8")
    (root / "2020" / "a.docx").write_bytes(b"docx")
    site = Site(lambda: [])
    import http.server

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(root, site, lambda: port))
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def request(method: str, path: str, host: str | None = None) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.putrequest(method, path, skip_host=True)
        conn.putheader("Host", host or f"127.0.0.1:{port}")
        conn.endheaders()
        status = conn.getresponse().status
        conn.close()
        return status

    try:
        assert request("GET", "/") == 200
        assert request("GET", "/", host=f"localhost:{port}") == 200
        assert request("GET", "/", host="evil.example:80") == 403
        assert request("GET", "/", host=f"attacker.test:{port}") == 403
        assert request("GET", "/.perfdoc-cache.json") == 404
        assert request("HEAD", "/.perfdoc-cache.json") == 404
        assert request("HEAD", "/../../etc/passwd") == 404
        assert request("HEAD", "/2020/a.docx") == 200
        assert request("GET", "/" + "a" * 300) == 404
        assert request("GET", "/2020/" + "%E9%A1%B9" * 300 + ".html") == 404
    finally:
        server.shutdown()


def test_20_a_failing_rebuild_keeps_the_site_alive():
    from perfdoc.serve import Site

    calls = []

    def rebuild() -> list[str]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return []

    site = Site(rebuild)
    site.rebuild()
    assert site.problems and "RuntimeError" in site.problems[0]
    site.rebuild()
    assert site.problems == [] and site.version == 2


# -- 23: output names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("COM¹", "_COM¹"),
        ("CONIN$", "_CONIN$"),
        ("conout$.项目", "_conout$.项目"),
        ("LPT²", "_LPT²"),
        (".隐藏项目", "隐藏项目"),
        ("~$临时", "临时"),
        ("abc\u202egpj.exe", "abcgpj.exe"),
        ("a\u200bb", "ab"),
        ("...", "未命名"),
    ],
)
def test_23_odd_output_names(name: str, stem: str):
    from perfdoc.write import safe_filename

    assert safe_filename(name) == stem


# -- 27, 29 --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "serve"])
def test_27_unknown_format_is_refused(run_cli, command: str):
    res = run_cli(command, "--format", "foo", INCUBATOR)
    assert res.code == 2 and "未知格式" in res.err


def test_29_the_heading_decides_the_goal_label(run_cli, tmp_path: Path):
    from docx import Document

    f = seed(tmp_path, "## 预算目标", "## 预期目标")
    assert run_cli("build", f, "--out", tmp_path / "out", "--format", "docx,html").code == 0
    info = Document(str(tmp_path / "out" / "2020" / "创业孵化基地运行保障.docx")).tables[0]
    assert info.rows[7].cells[1].text == "预期目标"
    page = (tmp_path / "out" / "2020" / "创业孵化基地运行保障.html").read_text(encoding="utf-8")
    assert "预期目标" in page and "预算目标" not in page


# -- 15 to 18: hostile Word files ------------------------------------------------------------------------------------

SICHUAN = Path(__file__).parent / "corpus" / "docx" / "sichuan-wanyuan.docx"


def docx_with(tmp_path: Path, change, name: str = "x.docx") -> Path:
    """The Sichuan fixture with its document.xml changed by `change` (text → text)."""
    import zipfile

    target = tmp_path / name
    with zipfile.ZipFile(SICHUAN) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, data)
    return target


def check_json(run_cli, path: Path) -> dict:
    res = run_cli("check", path, "--format", "json")
    return res.json()


def test_15_a_huge_grid_span_is_bounded(run_cli, tmp_path: Path):
    f = docx_with(tmp_path, lambda x: x.replace('<w:gridSpan w:val="2"/>', '<w:gridSpan w:val="2000000000"/>', 1))
    doc = check_json(run_cli, f)  # finishes at once: the span is capped at the grid's width
    assert doc["files"]


def test_15_megabytes_of_empty_paragraphs_are_refused(run_cli, tmp_path: Path):
    f = docx_with(tmp_path, lambda x: x.replace("<w:body>", "<w:body>" + "<w:p/>" * 2_000_000, 1))
    assert f.stat().st_size < 1_000_000  # small on disk, huge unpacked
    [d] = check_json(run_cli, f)["files"][0]["diagnostics"]
    assert d["code"] == "PD112"


@pytest.mark.parametrize(
    "change",
    [
        lambda x: x.replace("</w:tr>", "</w:tr>", 1).replace("<w:trPr>", '<w:trPr><w:gridAfter w:val="3"/>', 1),
        lambda x: x.replace("<w:tcPr>", "<w:tcPr><w:vMerge/>", 1),
        lambda x: re.sub(r"<w:tblGrid>.*?</w:tblGrid>", "", x, flags=re.S),
        lambda x: re.sub(
            r"(<w:tr[ >].*?)<w:tc>.*?</w:tc>", r"\1", x, count=3, flags=re.S
        ),  # rows shorter than the grid
    ],
    ids=["gridAfter", "vMerge-in-first-row", "no-tblGrid", "short-rows"],
)
def test_16_valid_tables_that_python_docx_trips_on(run_cli, tmp_path: Path, change):
    f = docx_with(tmp_path, change)
    doc = check_json(run_cli, f)
    assert doc["files"] and not any(d["code"] == "PD901" for fl in doc["files"] for d in fl["diagnostics"])


def test_16_one_bad_docx_does_not_stop_the_batch(run_cli, tmp_path: Path):
    bad = docx_with(tmp_path, lambda x: x.replace("<w:tcPr>", "<w:tcPr><w:vMerge/>", 1), "bad.docx")
    res = run_cli("check", bad, SICHUAN, "--format", "json")
    paths = [f["path"] for f in res.json()["files"]]
    assert any("sichuan-wanyuan.docx" in p for p in paths)


def test_17_a_heading_typed_in_a_cell_stays_text(run_cli, tmp_path: Path):
    def change(x: str) -> str:
        return x.replace(
            "保障城市管理平台全年稳定运行，及时处置市民反映的问题。",
            "保障城市管理平台全年稳定运行。</w:t><w:br/><w:t>## 实际完成情况</w:t><w:br/><w:t>- 不是列表",
            1,
        )

    f = docx_with(tmp_path, change)
    out = tmp_path / "content"
    res = run_cli("import", f, "--out", out)
    assert res.code == 0, res.err
    [md] = list(out.rglob("*.md"))
    from perfdoc.check import check_file
    from perfdoc.config import Config

    rep = check_file(md, Config())
    assert rep.assessment is not None
    assert "平台全年运行稳定" in rep.assessment.outcome.text  # the real 实际完成情况 kept
    assert "## 实际完成情况" in rep.assessment.goal.text.replace("\\#", "#")


def test_17_nested_table_text_is_kept_and_said(run_cli, tmp_path: Path):
    nested = (
        "<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>嵌套表中的说明</w:t></w:r></w:p>"
        "</w:tc></w:tr></w:tbl><w:p/>"
    )

    def change(x: str) -> str:
        at = x.index("平台全年运行稳定")
        end = x.index("</w:p>", at) + len("</w:p>")
        return x[:end] + nested + x[end:]

    f = docx_with(tmp_path, change)
    doc = check_json(run_cli, f)
    diags = doc["files"][0]["diagnostics"]
    assert any(d["code"] == "PD114" and "嵌套表格" in d["message"] for d in diags)
    out = tmp_path / "content"
    assert run_cli("import", f, "--out", out).code == 0
    assert "嵌套表中的说明" in next(out.rglob("*.md")).read_text(encoding="utf-8")


def test_17_noncharacters_are_removed_and_said_with_the_file(run_cli, tmp_path: Path):
    f = docx_with(tmp_path, lambda x: x.replace("智慧城管平台运维", "智慧城管\ufdd0平台运维", 1))
    doc = check_json(run_cli, f)
    [fl] = doc["files"]
    assert "x.docx" in fl["path"] and fl["project"] == "智慧城管平台运维"
    assert any(d["code"] == "PD114" and "U+FDD0" in d["message"] for d in fl["diagnostics"])


@pytest.mark.parametrize(("repeat", "words"), [(3_000_000, "MB"), (15_000, "单元格有 30,0")], ids=["6MB", "30k-chars"])
def test_17_a_huge_cell_is_refused_by_name(run_cli, tmp_path: Path, repeat: int, words: str):
    f = docx_with(tmp_path, lambda x: x.replace("平台全年运行稳定", "很长" * repeat, 1))
    [d] = check_json(run_cli, f)["files"][0]["diagnostics"]
    assert d["code"] == "PD112" and words in d["message"], d
    res = run_cli("import", f, "--out", tmp_path / "content")
    assert res.code == 1 and not list((tmp_path / "content").rglob("*.md"))


def test_18_perfdoc_s_own_summary_is_not_a_form(run_cli, tmp_path: Path):
    out = tmp_path / "out"
    assert run_cli("build", INCUBATOR.parent, "--out", out).code == 0
    res = run_cli("import", out / "2020" / "summary.docx", "--out", tmp_path / "content")
    assert res.code == 1 and "PD113" in res.err and "不是自评表" in res.err
    assert not (tmp_path / "content").exists() or not list((tmp_path / "content").rglob("*.md"))


# -- 19, 21, 22, 24, 25, 26: smaller, still wrong --------------------------------------------------------------------


def test_19_formula_text_stays_text_in_the_workbook(run_cli, tmp_path: Path):
    from openpyxl import load_workbook

    evil = '=HYPERLINK("http://example.invalid/","点击查看")'
    f = seed(tmp_path, "项目名称: 创业孵化基地运行保障", f"项目名称: '{evil}'")
    f = edit(f, "实施单位: 上海市科技创业中心", "实施单位: '=1+1'")
    assert run_cli("build", f, "--out", tmp_path / "out").code == 0
    import zipfile

    sheet = zipfile.ZipFile(tmp_path / "out" / "2020" / "summary.xlsx").read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    ws = load_workbook(tmp_path / "out" / "2020" / "summary.xlsx").active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert evil in values and "=1+1" in values


def test_21_images_are_never_fetched(run_cli, tmp_path: Path):
    f = seed(tmp_path, "## 实际完成情况\n", "## 实际完成情况\n\n![现场照片](http://example.invalid/a.png)\n")
    found = [(c, m) for c, _, _, m in diagnostics(run_cli, f)]
    assert any(c == "PD210" and "现场照片" in m for c, m in found)
    assert run_cli("build", f, "--out", tmp_path / "out").code == 0
    page = (tmp_path / "out" / "2020" / "创业孵化基地运行保障.html").read_text(encoding="utf-8")
    assert "<img" not in page and "example.invalid" not in page and "[图片：现场照片]" in page


@pytest.mark.parametrize(
    "name",
    ["a: b", "#1 项目", "[x]", "'引号'", '"双引号"', "项目 # 注释", "yes", "2021", "- 列表", "{a: 1}", "&anchor"],
)
def test_22_new_quotes_the_name(run_cli, tmp_path: Path, name: str):
    root = project(tmp_path)
    res = in_project(run_cli, root, "new", "--year", "2025", "--", name)
    assert res.code == 0, res.err
    [made] = list((root / "content" / "2025").glob("*.md"))
    from perfdoc.load import read_file

    raw = read_file(made)
    assert raw.data["项目名称"] == name  # read back exactly, with no key injected
    assert set(raw.data) == {"年度", "项目名称", "主管部门", "实施单位", "项目资金", "绩效指标"}


def test_22_new_refuses_control_characters(run_cli, tmp_path: Path):
    root = project(tmp_path)
    res = in_project(run_cli, root, "new", "a\nb: c", "--year", "2025")
    assert res.code == 1 and "控制字符" in res.err


def test_24_four_thousand_indicators_merge_correctly(tmp_path: Path):
    """The vertical-merge pass is one forward pass: 4,000 indicators in 26 groups render with their merges."""
    from docx import Document

    from perfdoc.check import check_file
    from perfdoc.config import Config
    from perfdoc.render.templates import PACKAGED_TEMPLATES
    from perfdoc.render.wordtemplate import DocxRenderer

    items = "\n".join(
        f"      - {{三级指标: 指标{i}, 年度指标值: 安全, 实际完成值: 安全, 分值: 0.02}}" for i in range(4000)
    )
    text = INCUBATOR.read_text(encoding="utf-8")
    head, rest = text.split("绩效指标:\n", 1)
    tail = rest[rest.index("\n---\n") :]
    f = tmp_path / "many.md"
    f.write_text(
        head + "绩效指标:\n  产出指标:\n    数量指标:\n" + items + tail.replace("总分: 95.99\n", ""), encoding="utf-8"
    )
    rep = check_file(f, Config())
    assert rep.result is not None and len(rep.result.indicators) == 4000
    data = DocxRenderer(PACKAGED_TEMPLATES / "form.docx").render_form(rep.result, Config())
    (tmp_path / "many.docx").write_bytes(data)
    xml = data.decode("latin-1")
    import zipfile

    body = zipfile.ZipFile(tmp_path / "many.docx").read("word/document.xml").decode()
    assert body.count('<w:vMerge w:val="restart"/>') >= 2 and body.count("<w:vMerge/>") >= 2 * 3999
    assert "\ufdd0" not in body and "\ufdd1" not in body and xml
    assert len(Document(str(tmp_path / "many.docx")).tables[-1].rows) > 4000


def test_25_rollover_needs_a_year(run_cli, tmp_path: Path):
    f = tmp_path / "no-year.md"
    f.write_text(INCUBATOR.read_text(encoding="utf-8").replace("年度: 2020\n", ""), encoding="utf-8")
    res = run_cli("rollover", f)
    assert res.code == 1 and "年度" in res.err
    assert not list(tmp_path.glob("no-year-*.md"))
    res = run_cli("rollover", seed(tmp_path), "--year", "99999")
    assert res.code == 2


def test_26_a_rule_line_in_the_body_is_not_a_heading(run_cli, tmp_path: Path):
    f = seed(tmp_path, "## 实际完成情况\n", "## 实际完成情况\n\n第一段\n---\n第二段\n")
    assert run_cli("build", f, "--out", tmp_path / "out").code == 0
    page = (tmp_path / "out" / "2020" / "创业孵化基地运行保障.html").read_text(encoding="utf-8")
    assert "<h2>第一段</h2>" not in page and "第一段" in page


def test_28_index_says_each_form_s_unit(run_cli, tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    seed(src, "年度: 2020", "年度: 2020\n金额单位: 万元", "wan.md")
    (src / "yuan.md").write_text(SEED_FILES["开展科技金融工作及服务"].read_text(encoding="utf-8"), encoding="utf-8")
    assert run_cli("build", src, "--out", tmp_path / "out", "--format", "html").code in (0, 1)
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "金额单位：元" not in index and "金额单位：见各行" in index and " 万元</td>" in index


def test_3_forms_built_from_elsewhere_stay_and_deleted_sources_go(run_cli, tmp_path: Path):
    root = project(tmp_path)
    outside = seed(tmp_path, "项目名称: 创业孵化基地运行保障", "项目名称: 外部项目", "outside.md")
    assert in_project(run_cli, root, "build").code == 0
    assert in_project(run_cli, root, "build", outside).code == 0
    assert (root / "build" / "2020" / "外部项目.docx").is_file()
    (root / "content" / "2020" / "incubator.md").unlink()
    res = in_project(run_cli, root, "build")
    assert res.code == 0, res.err
    assert not (root / "build" / "2020" / "创业孵化基地运行保障.docx").exists()  # its source is gone
    assert (root / "build" / "2020" / "外部项目.docx").is_file()  # built before from elsewhere: kept
    assert "外部项目" in (root / "build" / "index.html").read_text(encoding="utf-8")
