"""A corpus of malformed sources: each gives its exact code at its exact line, exit 1, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .snapshots import diagnostics_text, matches_snapshot

BAD = Path(__file__).parent / "corpus" / "bad"
EXPECTED: dict[str, dict[str, object]] = tomllib.loads((BAD / "expected.toml").read_text(encoding="utf-8"))


def test_corpus_is_large_and_complete():
    files = {p.name for p in BAD.glob("*.md")}
    assert len(files) >= 40
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input(run_cli, name: str):
    want = EXPECTED[name]
    res = run_cli("check", BAD / name, "--format", "json")
    assert res.code == 1, res.out
    doc = res.json()
    assert doc["errors"] >= 1
    found = [(d["code"], d["line"]) for d in doc["files"][0]["diagnostics"]]
    assert (want["code"], want["line"]) in found, found


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_says_exactly_its_snapshot(name: str):
    """Everything said about the file, not only the code it is for: a new or lost finding shows as a diff."""
    actual = diagnostics_text(BAD / name)
    assert matches_snapshot(actual, BAD / "snapshots" / name.replace(".md", ".txt")), actual


def test_ten_megabyte_file(run_cli, tmp_path: Path):
    big = tmp_path / "big.md"
    big.write_bytes(b"---\n" + b"a: " + b"x" * (10 * 1024 * 1024) + b"\n---\n")
    doc = run_cli("check", big, "--format", "json")
    assert doc.code == 1
    [d] = doc.json()["files"][0]["diagnostics"]
    assert (d["code"], d["line"]) == ("PD105", 1)


def test_deep_nesting(run_cli, tmp_path: Path):
    deep = tmp_path / "deep.md"
    deep.write_text("---\n年度: 2021\n项目名称: " + "[" * 5000 + "]" * 5000 + "\n---\n", encoding="utf-8")
    res = run_cli("check", deep, "--format", "json")
    assert res.code == 1
    codes = {(d["code"], d["line"]) for d in res.json()["files"][0]["diagnostics"]}
    assert ("PD106", 3) in codes


def test_missing_file(run_cli, tmp_path: Path):
    res = run_cli("check", tmp_path / "nope.md", "--format", "json")
    assert res.code == 1
    assert res.json()["files"][0]["diagnostics"][0]["code"] == "PD110"


def test_text_format_is_file_line_col(run_cli):
    res = run_cli("check", BAD / "unknown-category.md")
    assert res.code == 1
    line = res.out.splitlines()[0].replace("\\", "/")
    assert line.endswith(
        "未知的一级指标「产出指表」，是否应为「产出指标」？（可用：产出指标、效益指标、满意度指标、成本指标）"
    )
    assert "unknown-category.md:10:3: error PD204 indicators.产出指表:" in line


def test_subprocess_has_no_traceback(tmp_path: Path):
    import subprocess

    res = subprocess.run(
        [sys.executable, "-m", "perfdoc", "check", str(BAD / "not-utf8-gbk.md")],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert "PD104" in res.stdout and "GBK" in res.stdout
