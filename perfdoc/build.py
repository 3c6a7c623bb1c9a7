"""`perfdoc build`: the whole pipeline, in the order the product works.

collect sources → load, validate and score each (``check``) → name the outputs → render each form that has
no errors → write atomically → convert to PDF when asked. A form with errors gets no output (and loses a
stale one from an earlier build); the others are still built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

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
    word_formats = {"docx", "pdf"} & set(formats)
    docx_renderer = None
    if word_formats:
        from .render.docx import DocxRenderer

        docx_renderer = DocxRenderer(template_path(config, "form.docx"))
    docx_files: list[Path] = []
    for rep in result.reports:
        name = names.get(rep.path)
        if name is None:
            result.skipped.append(rep.path)
            continue
        targets = {fmt: out / f"{name}.{fmt}" for fmt in FORMATS if fmt in formats or (fmt == "docx" and word_formats)}
        if not rep.ok:
            for target in targets.values():
                remove_stale(target)
            result.skipped.append(rep.path)
            continue
        assert rep.result is not None
        if docx_renderer is not None:
            data = docx_renderer.render(rep.result, config)
            result.written += write_atomic(targets["docx"], data)
            docx_files.append(targets["docx"])
        result.outputs[rep.path] = {fmt: p for fmt, p in targets.items() if fmt != "pdf"}
        if progress:
            progress(rep.path)
    if "pdf" in formats and docx_files:
        from .pdf import PdfUnavailable, convert_to_pdf

        try:
            pdfs = convert_to_pdf(docx_files)
        except PdfUnavailable as exc:
            result.notes.append(str(exc))
        else:
            by_docx = dict(zip(docx_files, pdfs, strict=True))
            for outputs in result.outputs.values():
                if outputs.get("docx") in by_docx:
                    outputs["pdf"] = by_docx[outputs["docx"]]
            result.written += len(pdfs)
    return result
