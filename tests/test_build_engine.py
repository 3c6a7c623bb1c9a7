"""The build engine: parallel and serial builds agree to the byte; only what changed is rebuilt."""

from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.generate import generate
from perfdoc.build import build
from perfdoc.config import Config

from .conftest import CONTENT, edit


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def mtimes(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.fixture
def forms(tmp_path) -> Path:
    generate(12, tmp_path / "src")
    return tmp_path / "src"


def test_parallel_equals_serial(forms, tmp_path):
    serial = build([forms], Config(), ("docx", "html"), tmp_path / "serial", jobs=1)
    parallel = build([forms], Config(), ("docx", "html"), tmp_path / "parallel", jobs=2)
    assert tree(tmp_path / "serial") == tree(tmp_path / "parallel")
    assert [d.path for d in serial.digests] == [d.path for d in parallel.digests]  # source order, not finish order
    assert serial.errors == parallel.errors == 0 and len(serial.digests) == 12


def test_noop_rebuild_touches_nothing(forms, tmp_path):
    out = tmp_path / "out"
    first = build([forms], Config(), ("docx", "html"), out, jobs=2)
    assert first.rebuilt == 12
    before = mtimes(out)
    again = build([forms], Config(), ("docx", "html"), out, jobs=2)
    assert (again.rebuilt, again.written) == (0, 0)
    assert mtimes(out) == before
    assert [d.total_score for d in again.digests] == [d.total_score for d in first.digests]


def test_one_changed_source_rebuilds_one_form_and_the_index(forms, tmp_path):
    out = tmp_path / "out"
    build([forms], Config(), ("docx", "html"), out, jobs=1)
    before = tree(out)
    edit(forms / "form-00003.md", "项目名称: 合成项目00003", "项目名称: 改名的项目")
    result = build([forms], Config(), ("docx", "html"), out, jobs=1)
    assert result.rebuilt == 1
    after = tree(out)
    assert "2024/改名的项目.docx" in after and "2024/合成项目00003.docx" not in after  # the old name is gone
    assert after["index.html"] != before["index.html"] and "改名的项目" in (out / "index.html").read_text("utf-8")
    assert after["2024/合成项目00004.docx"] == before["2024/合成项目00004.docx"]


def test_template_config_and_deleted_outputs_trigger_rebuilds(forms, tmp_path):
    out = tmp_path / "out"
    cfg = Config(root=tmp_path)
    build([forms], cfg, ("docx",), out, jobs=1)
    (out / "2024" / "合成项目00005.docx").unlink()
    assert build([forms], cfg, ("docx",), out, jobs=1).rebuilt == 1
    assert build([forms], Config(root=tmp_path, exceed_ratio=Decimal(2)), ("docx",), out, jobs=1).rebuilt == 12
    (tmp_path / "templates").mkdir()
    from docx import Document

    from perfdoc.render.templates import PACKAGED_TEMPLATES

    doc = Document(str(PACKAGED_TEMPLATES / "form.docx"))
    doc.paragraphs[0].runs[0].text = "财政项目支出绩效自评表（定稿）"
    doc.save(str(tmp_path / "templates" / "form.docx"))
    assert build([forms], cfg, ("docx",), out, jobs=1).rebuilt == 12
    assert Document(str(out / "2024" / "合成项目00005.docx")).paragraphs[0].text == "财政项目支出绩效自评表（定稿）"
    assert build([forms], cfg, ("docx",), out, jobs=1).rebuilt == 0


def test_deleted_source_loses_its_outputs(forms, tmp_path):
    out = tmp_path / "out"
    build([forms], Config(), ("docx", "html"), out, jobs=1)
    (forms / "form-00007.md").unlink()
    result = build([forms], Config(), ("docx", "html"), out, jobs=1)
    assert result.rebuilt == 0 and len(result.digests) == 11
    assert not (out / "2024" / "合成项目00007.docx").exists() and not (out / "2024" / "合成项目00007.html").exists()
    assert "合成项目00007" not in (out / "index.html").read_text("utf-8")


def test_damaged_cache_means_a_full_build(forms, tmp_path):
    out = tmp_path / "out"
    build([forms], Config(), ("docx",), out, jobs=1)
    (out / ".perfdoc-cache.json").write_text("{not json", encoding="utf-8")
    assert build([forms], Config(), ("docx",), out, jobs=1).rebuilt == 12


def test_same_project_twice_keeps_the_first_and_reports_the_second(run_cli, seed_copy, tmp_path):
    shutil.copy(seed_copy / "2020" / "sci-tech-finance.md", seed_copy / "2020" / "zz-copy.md")
    edit(seed_copy / "2020" / "zz-copy.md", "得分: 5}", "得分: 5, 偏差原因: 副本}", count=1)
    out = tmp_path / "out"
    res = run_cli("build", seed_copy, "--out", out, "--format", "docx", "-j", "2")
    assert res.code == 1 and "zz-copy.md:4:" in res.err.replace("\\", "/") and "PD501 project:" in res.err
    from docx import Document

    cells = [
        c.text for r in Document(str(out / "2020" / "开展科技金融工作及服务.docx")).tables[1].rows for c in r.cells
    ]
    assert "副本" not in cells  # the first file in source order wins, whichever worker finished last


def test_names_that_clean_up_alike_get_their_own_files(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    base = (CONTENT / "2020" / "sci-tech-finance.md").read_text(encoding="utf-8")
    (src / "a.md").write_text(base.replace("项目名称: 开展科技金融工作及服务", "项目名称: 科技/金融"), encoding="utf-8")
    (src / "b.md").write_text(base.replace("项目名称: 开展科技金融工作及服务", "项目名称: 科技_金融"), encoding="utf-8")
    result = build([src], Config(), ("docx",), tmp_path / "out", jobs=1)
    assert result.errors == 0
    assert sorted(p.name for p in (tmp_path / "out" / "2020").glob("科技*.docx")) == [
        "科技_金融-b.docx",
        "科技_金融.docx",
    ]


def test_progress_lines_when_not_a_terminal(run_cli, tmp_path):
    res = run_cli("build", CONTENT, "--out", tmp_path, "--format", "docx", "-j", "1")
    assert res.code == 0
    lines = [line.replace("\\", "/") for line in res.err.splitlines() if line.startswith("[")]
    assert [line.split(" ", 1)[0] for line in lines] == ["[1/3]", "[2/3]", "[3/3]"]
    assert lines[0].endswith("content/2020/incubator.md")


def test_a_build_of_other_formats_keeps_the_files_it_was_not_asked_for(forms, tmp_path):
    out = tmp_path / "out"
    build([forms], Config(), ("docx", "html"), out, jobs=1)
    build([forms], Config(), ("html",), out, jobs=1)
    assert (out / "2024" / "合成项目00001.docx").is_file() and (out / "2024" / "合成项目00001.html").is_file()
    (forms / "form-00001.md").unlink()
    build([forms], Config(), ("html",), out, jobs=1)
    assert not (out / "2024" / "合成项目00001.html").exists()


@pytest.mark.parametrize("count", [3, 40])
def test_parallel_equals_serial_whichever_way_the_work_is_shared(count, tmp_path):
    """3 forms: a forked process reads and checks them while the main one loads the renderers; 40: the workers,
    then the summaries, the index and the cache written beside the main process. The same files either way,
    cache included."""
    src = tmp_path / "src"
    generate(count, src)
    serial = build([src], Config(), ("docx", "html"), tmp_path / "serial", jobs=1)
    parallel = build([src], Config(), ("docx", "html"), tmp_path / "parallel", jobs=2)
    assert tree(tmp_path / "serial") == tree(tmp_path / "parallel")
    cache = ".perfdoc-cache.json"
    assert (tmp_path / "serial" / cache).read_bytes() == (tmp_path / "parallel" / cache).read_bytes()
    assert serial.written == parallel.written == 2 * count + 3  # + summary.xlsx, summary.docx, index.html
    assert [d.path for d in serial.digests] == [d.path for d in parallel.digests]


@pytest.mark.parametrize("count", [3, 40])
def test_a_template_error_in_the_index_is_the_build_s_error_and_keeps_the_cache_out(count, tmp_path):
    """40 forms: the index is written by a process beside the main one, 3: by the main one; either way its
    template's error stops the build, and the cache is not saved."""
    from perfdoc.diagnostics import TemplateError
    from perfdoc.render.templates import PACKAGED_TEMPLATES

    src = tmp_path / "src"
    generate(count, src)
    (tmp_path / "templates").mkdir()
    page = (PACKAGED_TEMPLATES / "index.html.j2").read_text(encoding="utf-8")
    (tmp_path / "templates" / "index.html.j2").write_text(
        page.replace("{% block body %}", "{% block body %}{{ 1 / 0 }}")
    )
    with pytest.raises(TemplateError, match=r"index\.html\.j2.*ZeroDivisionError"):
        build([src], Config(root=tmp_path), ("docx", "html"), tmp_path / "out", jobs=2)
    # The cache written beside it is not put in place: the next build tries the index again and says so again.
    assert not (tmp_path / "out" / ".perfdoc-cache.json").exists()
    assert not list((tmp_path / "out").rglob("*.tmp"))
    with pytest.raises(TemplateError, match=r"index\.html\.j2"):
        build([src], Config(root=tmp_path), ("docx", "html"), tmp_path / "out", jobs=2)


def test_the_index_links_the_year_summaries_written_now_or_before(tmp_path):
    """Written at the same time as the summaries, the index links those this build writes (summary.xlsx always,
    summary.docx with the Word forms) and those an earlier build left, and no other."""
    src = tmp_path / "src"
    generate(40, src)
    out = tmp_path / "out"
    build([src], Config(), ("html",), out, jobs=2)
    (year,) = {p.parent.name for p in out.rglob("summary.xlsx")}
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{year}/summary.xlsx"' in page and "summary.docx" not in page
    assert not (out / year / "summary.docx").exists()
    build([src], Config(), ("docx", "html"), out, jobs=2, force=True)
    assert f'href="{year}/summary.docx"' in (out / "index.html").read_text(encoding="utf-8")
    build([src], Config(), ("html",), out, jobs=2, force=True)  # the Word summary stays, and stays linked
    assert f'href="{year}/summary.docx"' in (out / "index.html").read_text(encoding="utf-8")


def _sources_as_rglob_found_them(folder: Path) -> list[Path]:
    """The former way of listing a folder's sources (Path.rglob, then filtered), kept as the reference."""
    found = []
    for sub in sorted(folder.rglob("*")):
        hidden = any(x.startswith((".", "~$")) for x in sub.relative_to(folder).parts)
        if sub.suffix.lower() in (".md", ".markdown") and sub.is_file() and not hidden:
            found.append(sub)
    return found


def test_sources_of_a_folder_are_found_as_before(tmp_path):
    """Walked with os.scandir now: the same files in the same order, hidden folders, lock files, other suffixes
    and links to folders left out, links to files kept."""
    import os

    from perfdoc.check import _sources_under, collect_sources

    root = tmp_path / "content"
    for rel in ["a.md", "B.MD", "c.markdown", "2020/x.md", "2020/y.txt", "2020/deep/z.md", "2020-b/w.md",
                ".hidden/h.md", "2021/.h.md", "2021/~$lock.md", "2021/ok.md", "2021/sub.md/inner.md", "a-b/q.md"]:  # fmt: skip
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    (root / "dir.md").mkdir()
    if hasattr(os, "symlink"):
        os.symlink(root / "2020", root / "linked-folder")
        os.symlink(root / "a.md", root / "2021" / "linked.md")
        os.symlink(root / "missing.md", root / "2021" / "broken.md")
    listed = sorted(Path(f) for f in _sources_under(str(root)))
    assert listed == _sources_as_rglob_found_them(root)
    names = [p.relative_to(root).as_posix() for p in listed]
    assert "2021/linked.md" in names and not any(n.startswith(("linked-folder", ".hidden")) for n in names)
    assert "a.md" not in [p.name for p in collect_sources([root])]  # the link came first: one source, once
    assert collect_sources([root / "2020" / "x.md", root / "2021" / "~$lock.md"]) == [root / "2020" / "x.md"]
