"""Authoring: `new`, `init`, `rollover`, `serve` and the pre-commit hook."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
import yaml

from .conftest import CONTENT, ROOT, SEED_FILES


def test_new_then_check_lists_exactly_the_fields_to_fill(run_cli, tmp_path):
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    res = run_cli("--config", tmp_path / "perfdoc.toml", "new", "社区养老服务", "--year", "2025")
    assert res.code == 0
    path = tmp_path / "content" / "2025" / "社区养老服务.md"
    assert path.is_file()
    text = path.read_text(encoding="utf-8")
    for label in (
        "年度",
        "项目名称",
        "主管部门",
        "实施单位",
        "项目资金",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "绩效指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
        "达成情况",
        "## 预算目标",
        "## 实际完成情况",
    ):
        assert label in text
    doc = run_cli("check", path, "--format", "json").json()
    fields = sorted(d["field"] for d in doc["files"][0]["diagnostics"])
    assert fields == sorted(
        ["body", "department", "unit"]
        + [f"indicators[{i}].{f}" for i in range(1, 4) for f in ("indicator", "target", "weight")]
    )
    assert {d["code"] for d in doc["files"][0]["diagnostics"]} == {"PD201", "PD208"}  # and the goal to write
    lines = text.splitlines()
    for d in doc["files"][0]["diagnostics"]:  # each points at the line to fill in
        if d["field"] == "body":
            assert lines[d["line"] - 1] == "## 预算目标"  # the empty section, at its heading
            continue
        label = {
            "department": "主管部门",
            "unit": "实施单位",
            "indicator": "三级指标",
            "target": "年度指标值",
            "weight": "分值",
        }[d["field"].rsplit(".", 1)[-1]]
        assert lines[d["line"] - 1].strip().lstrip("- ").startswith(label + ":")
    again = run_cli("--config", tmp_path / "perfdoc.toml", "new", "社区养老服务", "--year", "2025")
    assert again.code == 1 and "已存在" in again.err


def test_filled_new_form_checks_clean(run_cli, tmp_path):
    (tmp_path / "perfdoc.toml").write_text("", encoding="utf-8")
    run_cli("--config", tmp_path / "perfdoc.toml", "new", "学生资助", "--year", "2025")
    path = tmp_path / "content" / "2025" / "学生资助.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("主管部门:   ", "主管部门: 某区教育局").replace("实施单位:   ", "实施单位: 某区学生资助中心")
    values = iter(["资助人数", "≥1000人", "40", "资助政策知晓率", "≥95%", "30", "学生满意度", "≥90%", "20"])
    text = re.sub(
        r"^(\s+(?:- )?(?:三级指标|年度指标值|分值):)\s*(#.*)?$",
        lambda m: f"{m.group(1)} {next(values)}",
        text,
        flags=re.M,
    )
    text = text.replace("## 预算目标\n", "## 预算目标\n\n资助家庭经济困难学生。\n")
    path.write_text(text, encoding="utf-8")
    doc = run_cli("check", path, "--format", "json").json()
    assert doc["errors"] == 0, doc
    assert doc["files"][0]["stage"] == "plan"


def test_init_creates_a_project_and_copies_templates(run_cli, tmp_path):
    res = run_cli("init", tmp_path / "unit", "--templates")
    assert res.code == 0
    root = tmp_path / "unit"
    assert (root / "perfdoc.toml").is_file() and (root / "content").is_dir()
    assert "build/" in (root / ".gitignore").read_text(encoding="utf-8")
    assert sorted(p.name for p in (root / "templates").iterdir()) == [
        "_base.html.j2",
        "form.docx",
        "form.html.j2",
        "index.html.j2",
        "monitor.docx",
        "perfdoc.css",
        "perfdoc.js",
        "plan.docx",
        "report.docx",
        "summary.docx",
    ]
    shutil.copytree(CONTENT / "2020", root / "content" / "2020")
    built = run_cli("--config", root / "perfdoc.toml", "build", root / "content", "--out", root / "build")
    assert built.code == 0 and (root / "build" / "index.html").is_file()
    assert run_cli("init", root).code == 1  # never overwrites a configuration


@pytest.mark.parametrize("project", list(SEED_FILES))
def test_rollover_of_each_seed_is_a_valid_plan(run_cli, tmp_path, project):
    src = tmp_path / "content" / "2020" / SEED_FILES[project].name
    src.parent.mkdir(parents=True)
    shutil.copy(SEED_FILES[project], src)
    before = src.read_bytes()
    res = run_cli("rollover", src, "--year", "2021")
    assert res.code == 0, res.err
    new = tmp_path / "content" / "2021" / src.name
    assert src.read_bytes() == before  # a new file; this year's stays as it was
    doc = run_cli("check", new, "--format", "json").json()
    f = doc["files"][0]
    assert (f["year"], f["stage"], f["project"]) == (2021, "plan", project)
    assert doc["errors"] == 0 and doc["warnings"] == 0, f["diagnostics"]
    data = yaml.safe_load(new.read_text(encoding="utf-8").split("---\n")[1])
    indicators = [i for subs in data["绩效指标"].values() for items in subs.values() for i in items]
    assert all(set(i) <= {"三级指标", "年度指标值", "分值", "指标方向"} for i in indicators)
    assert "总分" not in data and all(not row for k, row in data["项目资金"].items() if k != "分值")
    assert "## 实际完成情况\n" in new.read_text(encoding="utf-8")
    assert run_cli("rollover", src, "--year", "2021").code == 1  # never overwrites


def test_pre_commit_hook_definition(tmp_path):
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = hooks
    assert hook["id"] == "perfdoc-check" and hook["language"] == "python" and hook["pass_filenames"] is True
    assert re.search(hook["files"], "content/2020/incubator.md") and not re.search(hook["files"], "README.md")
    # what pre-commit runs: the entry with the changed files appended
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "perfdoc",
            *hook["entry"].split()[1:],
            str(ROOT / "tests" / "corpus" / "bad" / "weights-not-100.md"),
        ],
        capture_output=True,
    )
    assert res.returncode == 1


# -- serve ------------------------------------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(CONTENT, project / "content")
    (project / "perfdoc.toml").write_text("", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "perfdoc", "serve", "--port", "0"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    url = None
    deadline = time.monotonic() + 60
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        m = re.search(r"http://(127\.0\.0\.1):(\d+)/", line)
        if m:
            url = (m.group(1), int(m.group(2)))
            break
        if not line and proc.poll() is not None:
            break
    assert url, "".join(lines)
    yield project, url, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def get(url: tuple[str, int], path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection(*url, timeout=10)
    conn.request("GET", path)  # sent as is: no client-side normalisation of ../
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", errors="replace")
    conn.close()
    return resp.status, body


def wait_for(predicate, timeout: float = 20.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_serve_end_to_end(server):
    project, url, proc = server
    assert url[0] == "127.0.0.1"
    status, body = get(url, "/")
    assert status == 200 and "创业孵化基地运行保障" in body and "EventSource" in body
    status, page = get(
        url,
        "/2020/" + "%E5%88%9B%E4%B8%9A%E5%AD%B5%E5%8C%96%E5%9F%BA%E5%9C%B0%E8%BF%90%E8%A1%8C%E4%BF%9D%E9%9A%9C.html",
    )
    assert status == 200 and "95.99" in page
    assert json.loads(get(url, "/__perfdoc/status")[1])["version"] == 1
    # the files on disk carry no live-reload script
    assert "EventSource" not in (project / "build" / "index.html").read_text(encoding="utf-8")
    # refuses anything outside build/
    for path in (
        "/../perfdoc.toml",
        "/%2e%2e/perfdoc.toml",
        "/..%2fperfdoc.toml",
        "/2020/../../content/2020/incubator.md",
    ):
        assert get(url, path)[0] == 404, path
    # a save is rebuilt and shows
    src = project / "content" / "2020" / "incubator.md"
    src.write_text(
        src.read_text(encoding="utf-8").replace("项目名称: 创业孵化基地运行保障", "项目名称: 孵化基地运行保障（改）"),
        encoding="utf-8",
    )
    took = wait_for(lambda: "孵化基地运行保障（改）" in get(url, "/")[1])
    assert took < 10
    assert json.loads(get(url, "/__perfdoc/status")[1])["version"] >= 2
    # an error shows in the page, not only in the terminal
    src.write_text(src.read_text(encoding="utf-8").replace("总分: 95.99", "总分: 99"), encoding="utf-8")
    wait_for(lambda: json.loads(get(url, "/__perfdoc/status")[1])["problems"])
    problems = json.loads(get(url, "/__perfdoc/status")[1])["problems"]
    assert any("PD306" in p for p in problems)
    assert "PD306" in get(url, "/")[1]
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0 and "已停止" in out and "Traceback" not in out


def test_serve_page_reloads_in_the_browser(server, browser):
    project, url, proc = server
    page = browser.new_page()
    page.goto(f"http://{url[0]}:{url[1]}/")
    page.wait_for_function("document.title.length > 0")
    src = project / "content" / "2020" / "sci-tech-finance.md"
    src.write_text(
        src.read_text(encoding="utf-8").replace("项目名称: 开展科技金融工作及服务", "项目名称: 科技金融（新）"),
        encoding="utf-8",
    )
    page.wait_for_function("document.body.innerText.includes('科技金融（新）')", timeout=20000)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=15)
    assert proc.returncode == 0
