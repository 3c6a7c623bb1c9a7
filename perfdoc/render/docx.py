"""The Word form as an output format: build/<year>/<项目名称>.docx, through templates/form.docx.

The template engine (``wordtemplate``) is imported when a form is rendered, not when the format registry is
read: a build with nothing to do never loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .formats import FormOutput, OutputFormat, compiled

if TYPE_CHECKING:
    from ..config import Config
    from .wordtemplate import CompiledDocxTemplate, DocxRenderer

W = TypeVar("W", bound="CompiledDocxTemplate")
CORE_PART = "docProps/core.xml"


def word_template(config: Config, name: str, kind: type[W]) -> W:
    """A Word template by name (the project's for its profile, or the packaged one), patched and compiled once
    per process."""
    from .templates import template_path

    path = template_path(config, name)
    return compiled(f"{kind.__name__}:{path}", lambda: kind(path))  # type: ignore[no-any-return]


def form_renderer(config: Config) -> DocxRenderer:
    """The profile's form.docx. Its two long texts need the Markdown parser only when they hold markup
    (``build.warm_markdown``)."""
    from .wordtemplate import DocxRenderer

    return word_template(config, "form.docx", DocxRenderer)


def render_form(job: FormOutput) -> bytes:
    """The form as a Word document, through the project's form.docx (or the packaged one)."""
    assert job.report.result is not None
    data: bytes = form_renderer(job.config).render_form(job.report.result, job.config, draft_errors=job.draft_errors)
    return data


def render_document(
    job: FormOutput,
    template_name: str,
    context: Callable[[dict[str, str]], dict[str, Any]],
    title: str,
    subject: str,
) -> bytes:
    """One of the year's other Word documents (申报表, 监控表, 自评报告) through its template, the project's
    or the packaged one, compiled once per process. ``context`` is given the template's style ids (for the
    paragraphs it writes); the document carries the form's properties under its own title, and the draft mark
    of a form with errors."""
    from .context import draft_banner
    from .wordtemplate import CompiledDocxTemplate, core_properties

    assert job.report.result is not None
    renderer = word_template(job.config, template_name, CompiledDocxTemplate)
    core = core_properties(job.report.result)._replace(title=title, subject=subject)
    banner = draft_banner(job.draft_errors) if job.draft_errors else ""
    data: bytes = renderer.render(context(renderer.style_ids_by_name), core, banner)
    return data


def written_by_perfdoc(path: Path) -> bool:
    """perfdoc marks the documents it writes in their properties (core.xml: 由 perfdoc 根据…)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            core = zf.read(CORE_PART) if CORE_PART in zf.namelist() else b""
        return "由 perfdoc 根据".encode() in core
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return False


FORMATS = [
    OutputFormat(
        "docx",
        ".docx",
        "Word 自评表（正式报送的文件）",
        order=10,
        render=render_form,
        written_by_perfdoc=written_by_perfdoc,
        aliases=("word",),
        prepare=form_renderer,
    )
]
