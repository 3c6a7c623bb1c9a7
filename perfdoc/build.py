"""`perfdoc build`: the whole pipeline, in the order the product works.

collect sources → load, validate and score each (``check``) → name the outputs → render each form that has
no errors → write atomically → convert to PDF when asked. A form with errors gets no output (and loses a
stale one from an earlier build); the others are still built.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .check import FileReport, check_paths
from .config import Config
from .diagnostics import PerfdocError
from .write import remove_stale, safe_filename, write_atomic

FORMATS = ("docx", "html", "pdf")
RESERVED_STEMS = {"summary", "index"}
# In a wheel the templates ship inside the package; in a checkout (and an editable install) they are the
# top-level templates/ folder beside perfdoc/.
_HERE = Path(__file__).resolve().parent
PACKAGED_TEMPLATES = next(
    (p for p in (_HERE / "templates", _HERE.parent / "templates") if p.is_dir()), _HERE / "templates"
)


@dataclass
class BuildResult:
    reports: list[FileReport]
    outputs: dict[str, dict[str, Path]] = field(default_factory=dict)  # source path → format → output
    written: int = 0
    skipped: list[str] = field(default_factory=list)  # sources not built because of errors
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.reports)


def template_path(config: Config, name: str) -> Path:
    """The project's own template when it has one (templates/ beside the config), else the packaged one."""
    own = config.root / config.templates_dir / name
    if own.is_file():
        return own
    packaged = PACKAGED_TEMPLATES / name
    if packaged.is_file():
        return packaged
    raise PerfdocError(f"找不到模板 {name}（已查找 {own} 与 {packaged}）")


def output_names(reports: list[FileReport]) -> dict[str, str]:
    """source path → "<year>/<项目名称>", unique within a year even if two names clean up alike."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for rep in reports:
        a = rep.assessment
        if a is None or a.year is None:
            continue
        stem = safe_filename(a.project or Path(rep.path).stem)
        if stem.casefold() in RESERVED_STEMS:
            stem += "-项目"  # summary.xlsx / summary.docx / index.html belong to perfdoc
        candidate = f"{a.year}/{stem}"
        if candidate.casefold() in taken:
            candidate = f"{a.year}/{stem}-{safe_filename(Path(rep.path).stem)}"
        taken.add(candidate.casefold())
        names[rep.path] = candidate
    return names


def template_dirs(config: Config) -> list[Path]:
    """Where HTML templates are looked up: the project's own folder first, file by file."""
    own = config.root / config.templates_dir
    return [d for d in (own, PACKAGED_TEMPLATES) if d.is_dir()]


def build(
    paths: Iterable[Path],
    config: Config,
    formats: tuple[str, ...] = ("docx", "html"),
    out_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    out = out_dir or (config.root / config.build_dir)
    result = BuildResult(reports=check_paths(paths, config))
    names = output_names(result.reports)
    wanted = [fmt for fmt in FORMATS if fmt in formats or (fmt == "docx" and "pdf" in formats)]
    good: list[FileReport] = []
    for rep in result.reports:
        name = names.get(rep.path)
        if name is None or not rep.ok:
            for fmt in FORMATS if name else ():
                remove_stale(out / f"{name}.{fmt}")
            result.skipped.append(rep.path)
        else:
            good.append(rep)
            result.outputs[rep.path] = {fmt: out / f"{name}.{fmt}" for fmt in wanted if fmt != "pdf"}
    if "docx" in wanted:
        _write_docx(good, config, result)
    if "pdf" in wanted:
        _write_pdf(good, result)
    result.written += len(write_summaries(result.reports, config, out, word="docx" in wanted))
    if "html" in wanted:
        _write_html(result, config, out)
    if progress:
        for rep in good:
            progress(rep.path)
    return result


def _write_docx(good: list[FileReport], config: Config, result: BuildResult) -> None:
    from .render.docx import DocxRenderer

    renderer = DocxRenderer(template_path(config, "form.docx"))
    for rep in good:
        assert rep.result is not None
        result.written += write_atomic(result.outputs[rep.path]["docx"], renderer.render_form(rep.result, config))


def _write_pdf(good: list[FileReport], result: BuildResult) -> None:
    from .pdf import PdfUnavailable, convert_to_pdf

    docx_files = [result.outputs[rep.path]["docx"] for rep in good]
    if not docx_files:
        return
    try:
        pdfs = convert_to_pdf(docx_files)
    except PdfUnavailable as exc:
        result.notes.append(str(exc))
        return
    for rep, pdf in zip(good, pdfs, strict=True):
        result.outputs[rep.path]["pdf"] = pdf
    result.written += len(pdfs)


def _href(target: Path, start: Path) -> str:
    """A relative link that survives zipping the build folder and mailing it."""
    return quote(os.path.relpath(target, start).replace(os.sep, "/"))


def _write_html(result: BuildResult, config: Config, out: Path) -> None:
    from .render.html import HtmlRenderer, IndexEntry

    renderer = HtmlRenderer(template_dirs(config), config)
    for rep in result.reports:
        page = result.outputs.get(rep.path, {}).get("html")
        if page is None:
            continue
        siblings = {fmt: page.with_suffix(f".{fmt}") for fmt in ("docx", "pdf")}
        links = {fmt: _href(p, page.parent) for fmt, p in siblings.items() if p.is_file()}
        entry = IndexEntry(rep, docx=links.get("docx"), pdf=links.get("pdf"))
        result.written += write_atomic(page, renderer.render_form(entry, _href(out / "index.html", page.parent)))
    result.written += write_index(result.reports, config, out, renderer)


def index_entries(reports: list[FileReport], out: Path) -> list[Any]:
    """What the index links to: the outputs that exist in out/ for each source."""
    from .render.html import IndexEntry

    names = output_names(reports)
    entries = []
    for rep in reports:
        entry = IndexEntry(rep)
        name = names.get(rep.path)
        if name is not None and rep.ok:
            for fmt, attr in (("html", "page"), ("docx", "docx"), ("pdf", "pdf")):
                target = out / f"{name}.{fmt}"
                if target.is_file():
                    setattr(entry, attr, _href(target, out))
        entries.append(entry)
    return entries


def write_index(reports: list[FileReport], config: Config, out: Path, renderer: Any = None) -> int:
    """build/index.html with the summary of every year; returns 1 when it wrote."""
    from .render.html import HtmlRenderer
    from .summary import summarize, view, years_of

    renderer = renderer or HtmlRenderer(template_dirs(config), config)
    summaries = []
    for year in years_of(reports):
        v = view(summarize(reports, config, year), config)
        files = [(label, out / str(year) / f"summary.{ext}") for label, ext in (("Excel", "xlsx"), ("Word", "docx"))]
        v["files"] = [(label, _href(p, out)) for label, p in files if p.is_file()]
        summaries.append(v)
    data = renderer.render_index(index_entries(reports, out), summaries)
    return int(write_atomic(out / "index.html", data))


def write_summaries(reports: list[FileReport], config: Config, out: Path, word: bool) -> list[Path]:
    """build/<year>/summary.xlsx (and summary.docx) for every year with assessments."""
    from .render.docx import CompiledDocxTemplate
    from .render.wordml import CoreProperties
    from .summary import summarize, view, xlsx_bytes, years_of

    template = CompiledDocxTemplate(template_path(config, "summary.docx")) if word else None
    written = []
    for year in years_of(reports):
        summary = summarize(reports, config, year)
        target = out / str(year) / "summary.xlsx"
        write_atomic(target, xlsx_bytes(summary, config))
        written.append(target)
        if template is not None:
            core = CoreProperties(
                title=f"{year} 年度项目支出绩效自评汇总表",
                subject="项目支出绩效自评汇总表",
                creator="perfdoc",
                keywords=f"绩效自评,{year},汇总",
                description="由 perfdoc 生成",
                timestamp=f"{year + 1:04d}-01-01T00:00:00Z",
            )
            target = out / str(year) / "summary.docx"
            write_atomic(target, template.render(view(summary, config), core))
            written.append(target)
    return written
