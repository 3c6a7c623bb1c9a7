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
from urllib.parse import quote

from .check import FileReport, check_paths
from .config import Config
from .diagnostics import PerfdocError
from .write import remove_stale, safe_filename, write_atomic

FORMATS = ("docx", "html", "pdf")
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
        result.written += write_atomic(result.outputs[rep.path]["docx"], renderer.render(rep.result, config))


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
    entries = []
    for rep in result.reports:
        outputs = result.outputs.get(rep.path, {})
        entry = IndexEntry(rep)
        if "html" in outputs:
            entry.page = _href(outputs["html"], out)
            for fmt in ("docx", "pdf"):
                if fmt in outputs or (outputs["html"].with_suffix(f".{fmt}")).is_file():
                    setattr(entry, fmt, _href(outputs["html"].with_suffix(f".{fmt}"), out))
        entries.append(entry)
    for entry in entries:
        if entry.page is None:
            continue
        page = result.outputs[entry.report.path]["html"]
        local = IndexEntry(
            entry.report,
            page=None,
            docx=_href(page.with_suffix(".docx"), page.parent) if entry.docx else None,
            pdf=_href(page.with_suffix(".pdf"), page.parent) if entry.pdf else None,
        )
        result.written += write_atomic(page, renderer.render_form(local, _href(out / "index.html", page.parent)))
    result.written += write_atomic(out / "index.html", renderer.render_index(entries))
