"""README.md's two set-up commands stay true: .ci/run runs the test one, and the examples it shows are valid."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def bash_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, re.S)]


def test_readme_has_exactly_the_two_setup_commands():
    blocks = bash_blocks(README)
    assert blocks[0] == "pip install . && perfdoc build"
    assert blocks[1] == "pip install -e '.[test]' && python -m pytest"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert bash_blocks(README)[1] in ci.splitlines()


def markdown_example(text: str) -> str:
    return re.search(r"```markdown\n(.*?)```", text, re.S).group(1)


def test_readme_example_is_a_valid_assessment(run_cli, tmp_path: Path):
    src = tmp_path / "example.md"
    src.write_text(markdown_example(README), encoding="utf-8")
    res = run_cli("check", src, "--format", "json")
    assert res.code == 0, res.out
    f = res.json()["files"][0]
    assert res.json()["errors"] == 0
    assert f["total_score"] == "97.99"  # 9.99 + 40 + 30 + 18


def test_format_doc_example_parses(run_cli, tmp_path: Path):
    src = tmp_path / "example.md"
    src.write_text(markdown_example((ROOT / "docs" / "format.md").read_text(encoding="utf-8")), encoding="utf-8")
    doc = run_cli("check", src, "--format", "json").json()
    codes = {d["code"] for d in doc["files"][0]["diagnostics"]}
    # An excerpt: its weights cannot add to 100, but every field must read without a shape error.
    assert not {c for c in codes if c.startswith(("PD1", "PD2"))}, codes
    assert doc["files"][0]["stage"] == "assessment"


def test_rules_doc_is_current(run_cli):
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == run_cli("rules").out


def test_format_doc_config_example_loads(tmp_path: Path):
    from perfdoc.config import load_config

    block = re.search(r"```toml\n(.*?)```", (ROOT / "docs" / "format.md").read_text(encoding="utf-8"), re.S)
    cfg_file = tmp_path / "perfdoc.toml"
    cfg_file.write_text(block.group(1), encoding="utf-8")
    cfg = load_config(explicit=cfg_file)
    assert cfg.money_unit == "元" and list(cfg.grade_bands) == ["优", "良", "中", "差"]


def test_format_doc_vocabulary_is_generated_from_the_vocabulary(run_cli):
    """docs/format.md lists exactly the vocabulary the parser and the importer use (no second-level name omitted)."""
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    block = text.split("<!-- vocabulary:start -->\n", 1)[1].split("<!-- vocabulary:end -->", 1)[0]
    assert block == run_cli("vocabulary").out
    assert "环境效益指标" in block and "年度总体目标完成情况" in block


def test_architecture_doc_names_every_module():
    """docs/architecture.md is the map of the package: a module it does not name is a module nobody can find."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "perfdoc").rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        rel = path.relative_to(ROOT / "perfdoc").as_posix()
        assert rel in text or f"perfdoc/{rel}" in text or path.stem in text, rel
