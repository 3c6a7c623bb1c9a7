"""The Word form, rendered through a docxtpl template parsed and compiled once per process.

docxtpl's own ``render()`` re-reads, re-patches and recompiles the template for every document; a build of
many forms instead patches each templated part once (docxtpl's ``patch_xml``, so every docxtpl tag works; for the
packaged templates this was done when they were generated: ``patched_parts``),
compiles it once with autoescape on, and per form only renders strings and writes a zip whose unchanged
members were compressed once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..config import Config
from ..diagnostics import TemplateError
from ..scoring import Result
from .codecache import from_source, render_in_batches
from .context import draft_banner, form_context
from .markdown import blocks
from .wordml import (
    VM_CONTINUE,
    VM_RESTART,
    CoreProperties,
    ZipEntry,
    apply_vertical_merges,
    core_properties_xml,
    insert_banner,
    paragraphs_xml,
    style_ids,
    zip_bytes,
)

_LISTING_CHARS = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\n\x07\x0c]")


def _has_listing(xml: str) -> bool:
    """Whether a text of the document holds a tab, a line break, a bell or a form feed (docxtpl's listing). The
    regex runs only when one of those characters is there at all: in most documents only the declaration's
    line break is, and the regex would scan the whole Chinese document for nothing."""
    body = xml[xml.find("<", xml.find("?>")) :] if xml.startswith("<?xml") else xml
    if not any(ch in body for ch in "\t\n\x07\x0c"):
        return False
    return _LISTING_CHARS.search(xml) is not None


TEMPLATED_PARTS = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml")
CORE_PART = "docProps/core.xml"
COMPILED_FOLDER = "compiled"  # in the packaged templates: their patched parts, by the .docx's sha256


class CompiledDocxTemplate:
    """Any docxtpl template, patched and compiled once; ``render`` fills it from a context dict."""

    def __init__(self, template: Path):
        import io
        import zipfile

        import jinja2

        self.template = template
        try:
            raw = template.read_bytes()
            with zipfile.ZipFile(io.BytesIO(raw)) as zf:
                infos = zf.infolist()
                members = [(info.filename, zf.read(info.filename)) for info in infos]
            patched = patched_parts(raw, members)
        except Exception as exc:  # a template is a user's file: a broken zip or XML is a message, not a traceback
            raise TemplateError(f"Word 模板 {template} 无法读取：{_xml_problem(exc)}") from None
        env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        self._order = [name for name, _ in members]
        self._static: dict[str, ZipEntry] = {}
        self._compiled: dict[str, jinja2.Template] = {}
        for info, (name, data) in zip(infos, members, strict=True):
            if name in patched:
                try:
                    self._compiled[name] = from_source(env, _label_text(_literal_braces(patched[name])))
                except jinja2.TemplateSyntaxError as exc:
                    raise TemplateError(f"Word 模板 {template} 的 {name} 有语法错误：{exc.message}") from None
                except Exception as exc:
                    raise TemplateError(f"Word 模板 {template} 的 {name} 无法读取：{_xml_problem(exc)}") from None
            elif name != CORE_PART:
                self._static[name] = ZipEntry.copied(raw, info) or ZipEntry.of(name, data)
        if CORE_PART not in self._order:
            self._order.append(CORE_PART)
        styles = dict(members).get("word/styles.xml", b"")
        self.style_ids_by_name = style_ids(styles)

    def render(self, ctx: dict[str, Any], core: CoreProperties, banner: str = "") -> bytes:
        """banner: a line set in red above everything else of the document (the draft mark)."""
        import jinja2

        entries: list[ZipEntry] = []
        for name in self._order:
            if name in self._static:
                entries.append(self._static[name])
            elif name == CORE_PART:
                entries.append(ZipEntry.of(name, core_properties_xml(core)))
            else:
                try:
                    xml = render_in_batches(self._compiled[name], ctx)
                except jinja2.UndefinedError as exc:
                    raise TemplateError(f"Word 模板 {self.template} 引用了不存在的变量：{exc.message}") from None
                except Exception as exc:  # a filter or an expression of the user's template failed
                    raise TemplateError(
                        f"Word 模板 {self.template} 的 {name} 渲染失败：{type(exc).__name__}: {exc}"
                    ) from None
                if banner and name == "word/document.xml":
                    xml = insert_banner(xml, banner)
                if _has_listing(xml):  # tabs and line breaks in content become w:tab and w:br
                    from docxtpl import DocxTemplate

                    xml = DocxTemplate.resolve_listing(None, xml)  # a function of the XML alone
                if name == "word/document.xml":
                    xml = apply_vertical_merges(xml)
                entries.append(ZipEntry.of(name, xml.encode("utf-8")))
        return zip_bytes(entries)


class DocxRenderer(CompiledDocxTemplate):
    """The 财政项目支出绩效自评表 itself."""

    def context(self, result: Result, config: Config) -> dict[str, Any]:
        from markupsafe import Markup

        ctx = form_context(result, config)
        ctx["goal"] = Markup(paragraphs_xml(blocks(ctx["goal_markdown"]), self.style_ids_by_name))
        ctx["outcome"] = Markup(paragraphs_xml(blocks(ctx["outcome_markdown"]), self.style_ids_by_name))
        ctx["indicators"] = [
            row.with_groups(
                merge_marker(row.category, row.category_span), merge_marker(row.subcategory, row.subcategory_span)
            )
            for row in ctx["indicators"]
        ]
        return ctx

    def render_form(self, result: Result, config: Config, draft_errors: int = 0) -> bytes:
        """draft_errors > 0: the form still has errors and is marked 草稿 above the title and in its
        properties, whatever the template says (a unit's own template may lack the {{ draft }} mark)."""
        ctx = self.context(result, config)
        ctx["draft"] = draft_errors > 0
        ctx["draft_errors"] = draft_errors
        core = core_properties(result)
        banner = ""
        if draft_errors:
            banner = draft_banner(draft_errors)
            core = core._replace(title=f"【草稿】{core.title}", subject=f"草稿：{core.subject}（有错误）")
        return self.render(ctx, core, banner)


def patched_parts(raw: bytes, members: list[tuple[str, bytes]]) -> dict[str, str]:
    """The templated parts of a Word template (those holding a tag), after docxtpl's ``patch_xml``.

    The packaged templates are patched when they are generated (scripts/make_docx_template.py), into
    templates/compiled/<sha256 of the .docx>.json: a build that renders them does not import docxtpl and
    python-docx (~75 ms) nor parse the template with them. Any other template, or a packaged one edited, is
    patched here, once per process. ``tests/test_wordtemplate.py`` keeps the precompiled parts equal to what
    docxtpl makes of the templates now.
    """
    import hashlib
    import json

    from .templates import PACKAGED_TEMPLATES

    precompiled = PACKAGED_TEMPLATES / COMPILED_FOLDER / f"{hashlib.sha256(raw).hexdigest()}.json"
    if precompiled.is_file():
        parts: dict[str, str] = json.loads(precompiled.read_text(encoding="utf-8"))
        return parts
    return patch_parts(raw, members)


def patch_parts(raw: bytes, members: list[tuple[str, bytes]]) -> dict[str, str]:
    """docxtpl's patch_xml of every templated part: tags split across runs joined, {%tr %} rows and the like.
    The document is opened with docxtpl first, so that a template Word cannot open is said to be one."""
    import io

    from docxtpl import DocxTemplate

    DocxTemplate(io.BytesIO(raw)).init_docx()
    return {
        name: DocxTemplate.patch_xml(None, data.decode("utf-8"))  # a function of the XML alone
        for name, data in members
        if name.startswith(TEMPLATED_PARTS) and b"{" in data
    }


_LABEL_RUN = re.compile(r'<w:t xml:space="preserve">(\{\{ labels\.[a-z_]+ \}\})</w:t>')


def _label_text(source: str) -> str:
    """A cell that is only a profile label is plain text, as the literal label was: docxtpl marks every text
    holding a tag xml:space="preserve", which a label (never with outer spaces) does not need."""
    return _LABEL_RUN.sub(r"<w:t>\1</w:t>", source)


def _xml_problem(exc: Exception) -> str:
    line = getattr(exc, "lineno", None)  # lxml's XMLSyntaxError and Jinja's errors carry one
    where = f"第 {line} 行：" if line else ""
    return f"{where}{type(exc).__name__}: {exc}"


def merge_marker(text: str, span: int) -> str:
    """A 一级 / 二级 cell's text with the mark apply_vertical_merges turns into a vertical merge: the first
    row of a span restarts it, the rows it covers continue it."""
    if span == 0:
        return VM_CONTINUE
    return (VM_RESTART + text) if span > 1 else text


def _literal_braces(source: str) -> str:
    """docxtpl's escapes for literal braces in a template ({_{ prints {{). docxtpl replaces them in the
    rendered output, where content containing "{_{" would be changed too; here they become Jinja literals."""
    for escaped, literal in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
        source = source.replace(escaped, "{{ '" + literal + "' }}")
    return source


def core_properties(result: Result) -> CoreProperties:
    a = result.assessment
    year = a.year or 2000
    return CoreProperties(
        title=f"{a.project} 财政项目支出绩效自评表（{a.year} 年度）",
        subject="财政项目支出绩效自评表",
        creator=a.unit or a.department or "perfdoc",
        keywords=f"绩效自评,{a.year},{a.department}",
        description=f"由 perfdoc 根据 {Path(a.path).as_posix()} 生成",
        timestamp=f"{year + 1:04d}-01-01T00:00:00Z",
    )
