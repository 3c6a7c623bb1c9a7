"""The seams between the stages (docs/architecture.md): no import cycle, positions placed late, one vocabulary,
rules declared once and configurable, the model holding only what the author wrote."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from perfdoc.config import load_config
from perfdoc.diagnostics import ConfigError
from perfdoc.rules import catalogue, rule_codes

from .conftest import ROOT, edit

PACKAGE = ROOT / "perfdoc"


def _runtime_imports(tree: ast.AST) -> list[ast.ImportFrom]:
    """Every relative import that runs, inside functions too; those under ``if TYPE_CHECKING:`` never run."""
    found: list[ast.ImportFrom] = []

    def walk(node: ast.AST) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.orelse:
                walk(child)
            return
        if isinstance(node, ast.ImportFrom) and node.level:
            found.append(node)
        for child in ast.iter_child_nodes(node):
            walk(child)

    walk(tree)
    return found


def module_imports() -> dict[str, set[str]]:
    """perfdoc module → the perfdoc modules it imports when it runs, lazy imports inside functions included."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            base = package.split(".")
            base = base[: len(base) - node.level + 1]
            target = ".".join([*base, node.module] if node.module else base)
            found.add(target)
            if node.module is None:
                found |= {f"{target}.{a.name}" for a in node.names}
        graph[name] = {m for m in found if m != name}
    known = set(graph)
    return {m: {t for t in deps if t in known} for m, deps in graph.items()}


def test_the_import_graph_has_no_cycle():
    graph = module_imports()
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for t in sorted(graph[m]):
            if state.get(t) == 1 and not cycle:
                cycle.extend([*stack[stack.index(t) :], t] if t in stack else [m, t])
            elif t not in state:
                visit(t, [*stack, t])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycle == []


def test_source_is_the_bottom_and_the_loader_knows_nothing_of_the_form():
    graph = module_imports()
    assert graph["perfdoc.record"] == set()  # a language utility (the data-class decorator) below everything
    assert graph["perfdoc.source"] <= {"perfdoc.record"}
    assert graph["perfdoc.vocabulary"] == set()
    assert graph["perfdoc.load"] <= {"perfdoc.diagnostics", "perfdoc.source", "perfdoc.record"}


def test_check_of_a_docx_never_goes_through_markdown(run_cli, monkeypatch):
    import perfdoc.emit
    import perfdoc.load

    def refuse(*args, **kwargs):
        raise AssertionError("check of a .docx must not write or parse Markdown text")

    monkeypatch.setattr(perfdoc.emit, "source_text", refuse)
    monkeypatch.setattr(perfdoc.load, "parse_text", refuse)
    res = run_cli("check", ROOT / "tests" / "corpus" / "docx" / "two-forms.docx", "--format", "json")
    files = res.json()["files"]
    assert [f["total_score"] for f in files] == ["91.50", "92.50"]


def test_rules_are_declared_once_and_the_catalogue_is_derived():
    from perfdoc.diagnostics import Code, register
    from perfdoc.rules import RULES

    codes = catalogue()
    for r in RULES:
        assert codes[r.code] == r.info
        assert r.info.rule and r.info.rule == " ".join(r.doc.split("\n\n")[0].split()).rstrip("。")
    with pytest.raises(ValueError, match="declared twice"):
        register(Code("PD301", RULES[0].info.severity, "again"))


def test_the_model_holds_what_was_written_and_scoring_the_defaults(seed_copy):
    from perfdoc.check import check_file

    f = edit(seed_copy / "2020/incubator.md", "  分值: 10\n", "")
    config = load_config(seed_copy)
    config.execution_weight = Decimal(20)
    rep = check_file(f, config)
    assert rep.assessment is not None and rep.result is not None
    assert rep.assessment.funds.weight is None  # not typed: the model does not invent it
    assert rep.result.execution_weight == Decimal(20)
    assert rep.assessment.funds.total.budget == Decimal("7300000.00")


def _project(tmp_path: Path, rules: str) -> Path:
    (tmp_path / "perfdoc.toml").write_text(rules, encoding="utf-8")
    return tmp_path


def test_rules_can_be_switched_off_and_regraded(run_cli, seed_copy):
    incubator = seed_copy / "2020/incubator.md"
    contest = seed_copy / "2020/innovation-contest.md"
    assert run_cli("check", incubator).code == 0  # PD301 is a warning by default
    (seed_copy / "perfdoc.toml").write_text('[rules]\nseverity = { PD301 = "error" }\n', encoding="utf-8")
    res = run_cli("--config", seed_copy / "perfdoc.toml", "check", incubator, "--format", "json")
    assert res.code == 1 and [d["severity"] for d in res.json()["files"][0]["diagnostics"]] == ["error"]
    (seed_copy / "perfdoc.toml").write_text('[rules]\nignore = ["pd408"]\n', encoding="utf-8")
    res = run_cli("--config", seed_copy / "perfdoc.toml", "check", contest, "--format", "json")
    assert res.json()["files"][0]["diagnostics"] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[rules]\nignore = ["PD101"]\n', "PD101' 不是可配置的校验规则"),
        ('[rules]\nignore = ["PD999"]\n', "PD999' 不是可配置的校验规则"),
        ('[rules]\nseverity = { PD301 = "fatal" }\n', "PD301 的级别应为 error、warning 或 info"),
        ('[rules]\nignore = "PD408"\n', "ignore 应为规则代码的列表"),
        ('[rules]\nselect = ["PD408"]\n', "只能有 ignore"),
    ],
)
def test_rule_settings_are_checked(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_config(_project(tmp_path, text))


def test_only_rule_codes_are_configurable():
    codes = rule_codes()
    assert "PD301" in codes and "PD209" in codes
    assert not any(c.startswith(("PD1", "PD5", "PD7", "PD9")) for c in codes)
    assert {"PD201", "PD202", "PD203"}.isdisjoint(codes)


def test_image_is_reported_at_its_own_line_after_blank_lines(run_cli, seed_copy):
    f = seed_copy / "2020/incubator.md"
    text = f.read_text(encoding="utf-8")
    heading = "## 实际完成情况\n"
    f.write_text(text.replace(heading, heading + "\n\n![照片](http://example.invalid/a.png)\n"), encoding="utf-8")
    line = f.read_text(encoding="utf-8").split("\n").index("![照片](http://example.invalid/a.png)") + 1
    [d] = [d for d in run_cli("check", f, "--format", "json").json()["files"][0]["diagnostics"] if d["code"] == "PD210"]
    assert (d["line"], d["column"]) == (line, 1)


PLAIN_TEXT_FORMAT = '''
"""A plain-text form: the whole of a new output format, in one module."""

from perfdoc.render.formats import OutputFormat


def render(job):
    r = job.report.result
    return f"{r.assessment.project}\\t{r.total_score}\\n".encode("utf-8")


FORMATS = [OutputFormat("txt", ".txt", "纯文本", order=25, render=render)]
'''


def test_a_new_format_is_one_module(tmp_path, monkeypatch, run_cli):
    """Drop one module declaring FORMATS beside the others: --format, the build, the cache and the clean-up follow."""
    import perfdoc.render
    from perfdoc.render import formats

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "plain_text.py").write_text(PLAIN_TEXT_FORMAT, encoding="utf-8")
    monkeypatch.setattr(perfdoc.render, "__path__", [*perfdoc.render.__path__, str(extra)])
    formats.reset()
    try:
        out = tmp_path / "build"
        res = run_cli("build", "--format", "txt,docx", "--out", out, ROOT / "content")
        assert res.code == 0, res.err
        text = (out / "2020" / "创业孵化基地运行保障.txt").read_text(encoding="utf-8")
        assert text == "创业孵化基地运行保障\t95.99\n"
        cache = (out / ".perfdoc-cache.json").read_text(encoding="utf-8")
        assert "创业孵化基地运行保障.txt" in cache
        res = run_cli("build", "--format", "html", "--out", out, ROOT / "content")  # txt not chosen: kept
        assert res.code == 0 and (out / "2020" / "创业孵化基地运行保障.txt").is_file()
    finally:
        formats.reset()
