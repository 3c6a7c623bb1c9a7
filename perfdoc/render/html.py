"""The form as a web page and an index of all assessments, through Jinja2 templates with autoescape on.

Templates are looked up in the project's templates/ first, then in the packaged ones, so a unit can
override one file. Pages are self-contained: the stylesheet and script are inlined, charts are inline SVG.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..diagnostics import TemplateError
from ..digest import EXECUTION, Digest
from ..numbers import fmt_amount, fmt_rate, fmt_score
from ..record import record
from .codecache import bytecode_cache, environment_options, render_in_batches
from .formats import CollectionOutput, FormOutput, OutputFormat, compiled, href, per_form, registry, wants

if TYPE_CHECKING:  # the format registry imports this module in every build, a no-op one too
    from ..check import FileReport
    from .charts import Bar

FORM_TEMPLATE = "form.html.j2"
INDEX_TEMPLATE = "index.html.j2"
ASSETS = ("perfdoc.css", "perfdoc.js")
# The outputs of a form the index links to: format → IndexEntry attribute.
INDEX_LINKS = (
    ("html", "page"),
    ("docx", "docx"),
    ("pdf", "pdf"),
    ("report", "report"),
    ("plan", "plan"),
    ("monitor", "monitor"),
)


@record
class IndexEntry:
    digest: Digest
    page: str | None = None  # href of the form page, relative to the index
    docx: str | None = None
    pdf: str | None = None
    report: str | None = None  # the 绩效自评报告, when the source has one
    plan: str | None = None  # the 绩效目标申报表 of a plan
    monitor: str | None = None  # the 绩效运行监控表 of a file with a 监控 block


class HtmlRenderer:
    def __init__(self, template_dirs: list[Path], config: Config):
        import jinja2

        self.config = config
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.bytecode_cache = bytecode_cache(environment_options(self.env))
        try:
            self.form_template = self.env.get_template(FORM_TEMPLATE)
            self.index_template = self.env.get_template(INDEX_TEMPLATE)
            self.assets = {name: self.env.loader.get_source(self.env, name)[0] for name in ASSETS}  # type: ignore[union-attr]
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"HTML 模板 {exc.filename or exc.name} 第 {exc.lineno} 行有语法错误：{exc.message}"
            ) from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"HTML 模板有误：{exc}") from None

    def _render(self, template: Any, ctx: dict[str, Any]) -> bytes:
        from markupsafe import Markup

        ctx = {**ctx, "css": Markup(self.assets["perfdoc.css"]), "js": Markup(self.assets["perfdoc.js"])}
        try:
            return render_in_batches(template, ctx).encode("utf-8")
        except Exception as exc:  # any error of a user's template: say which file and which line
            where = _template_frame(exc) or (template.filename or template.name, None)
            line = f" 第 {where[1]} 行" if where[1] else ""
            message = getattr(exc, "message", None) or str(exc)
            raise TemplateError(f"HTML 模板 {where[0]}{line} 渲染失败：{type(exc).__name__}: {message}") from None

    def render_form(self, report: FileReport, links: dict[str, str | None], draft_errors: int = 0) -> bytes:
        """links: hrefs relative to the page for "index", "docx" and "pdf" (None: not built).

        draft_errors > 0 marks the page as a draft in its title and in a banner at the top of the body, put in
        here rather than left to the template, so that no template can leave it out."""
        from markupsafe import Markup

        assert report.result is not None
        from .context import form_context
        from .markdown import render_html

        ctx = form_context(report.result, self.config)
        ctx["draft"] = draft_errors > 0
        ctx["draft_errors"] = draft_errors
        ctx["goal_html"] = Markup(render_html(ctx["goal_markdown"]))
        ctx["outcome_html"] = Markup(render_html(ctx["outcome_markdown"]))
        ctx["diagnostics"] = report.diagnostics
        ctx["source"] = report.path
        ctx["links"] = links
        page = self._render(self.form_template, ctx)
        return mark_draft(page, draft_errors) if draft_errors else page

    def render_index(self, entries: list[IndexEntry], summaries: list[dict[str, Any]] | None = None) -> bytes:
        """summaries: the views of perfdoc.summary.view, each with "files" (label, href) to link."""
        rows = [index_row(e, self.config) for e in entries]
        units = {r["money_unit"] for r in rows} or {self.config.money_unit}
        ctx = {
            "rows": rows,
            "years": sorted({r["year"] for r in rows if r["year"]}),
            "charts": charts(entries),
            "counts": {
                "forms": len(rows),
                "errors": sum(e.digest.errors for e in entries),
                "warnings": sum(e.digest.warnings for e in entries),
            },
            # One unit above the table only when every form is in it; otherwise each amount carries its own.
            "money_unit": units.pop() if len(units) == 1 else "见各行",
            "summaries": summaries or [],
        }
        return self._render(self.index_template, ctx)


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The innermost frame of a template in the traceback: Jinja compiles templates to code with their name."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".j2", ".html", ".htm"))]
    return (frames[-1].filename, frames[-1].lineno or 0) if frames else None


def mark_draft(page: bytes, errors: int) -> bytes:
    from markupsafe import escape

    from .context import draft_banner

    style = "background:#c00000;color:#fff;font-weight:bold;padding:8px 16px;text-align:center"
    banner = f'<div class="draft-banner" role="alert" style="{style}">{escape(draft_banner(errors))}</div>'.encode()
    page = page.replace(b"<title>", "<title>【草稿】".encode(), 1)
    at = page.find(b"<body")
    if at >= 0:
        at = page.find(b">", at) + 1
        return page[:at] + banner + page[at:]
    return banner + page


def index_row(entry: IndexEntry, config: Config) -> dict[str, Any]:
    d = entry.digest
    places = config.places(d.money_unit)
    return {
        "year": d.year,
        "project": d.project or Path(d.path).name,
        "unit": d.unit,
        "money_unit": d.money_unit or config.money_unit,
        "draft": d.draft,
        "kept": d.kept,
        "budget": fmt_amount(d.budget, places),
        "budget_value": d.budget if d.budget is not None else "",
        "executed": fmt_amount(d.executed, places),
        "executed_value": d.executed if d.executed is not None else "",
        "rate": fmt_rate(d.execution_rate),
        "rate_value": d.execution_rate if d.execution_rate is not None else "",
        "total": fmt_score(d.total_score) if d.total_score is not None else "—",
        "total_value": d.total_score if d.total_score is not None else "",
        "grade": d.grade or "—",
        "stage": d.stage,
        "errors": d.errors,
        "warnings": d.warnings,
        "diagnostics": d.diagnostics,
        "page": entry.page,
        "docx": entry.docx,
        "report": entry.report,
        "plan": entry.plan,
        "monitor": entry.monitor,
        "pdf": entry.pdf,
        "source": d.path,
    }


def charts(entries: list[IndexEntry]) -> list[str]:
    from markupsafe import Markup

    from .charts import Bar, bar_chart

    totals, rates, deductions = [], [], []
    for e in entries:
        d = e.digest
        if not d.ok or d.total_score is None:
            continue
        name = f"{d.year} {d.project}"
        tone = "ok" if d.total_score >= 90 else "warn" if d.total_score >= 60 else "bad"
        totals.append(Bar(name, d.total_score, fmt_score(d.total_score), tone))
        if d.execution_rate is not None:
            rates.append(
                Bar(name, d.execution_rate, fmt_rate(d.execution_rate), "ok" if d.execution_rate >= 90 else "warn")
            )
        for x in d.deductions:
            deductions.append(
                Bar(
                    f"{d.project}：{x.indicator}",
                    x.points,
                    f"−{fmt_score(x.points)}",
                    "warn" if x.indicator == EXECUTION else "bad",
                )
            )
    top_rate = max([Decimal(100), *(b.value for b in rates)])
    totals, totals_title = _most(totals, "总分", "最低", "份", reverse=False)
    rates, rates_title = _most(rates, "预算执行率", "最低", "份", reverse=False)
    deductions, deductions_title = _most(deductions, "扣分明细（分）", "最多", "项", reverse=True)
    return [
        Markup(bar_chart(totals_title, totals, Decimal(100))),
        Markup(bar_chart(rates_title, rates, top_rate)),
        Markup(bar_chart(deductions_title, deductions, empty_text="各项目均未扣分")),
    ]


# A chart of a department's thousand forms would be 26,000 px tall (and most of a 5 MB page): past this many bars
# a chart shows the ones to look at first, and says so; the table below lists every form.
CHART_BARS = 40


def _most(bars: list[Bar], title: str, which: str, unit: str, reverse: bool) -> tuple[list[Bar], str]:
    """The bars as they are when they fit; else the CHART_BARS lowest (or highest) values, in that order."""
    if len(bars) <= CHART_BARS:
        return bars, title
    chosen = sorted(bars, key=lambda bar: bar.value, reverse=reverse)[:CHART_BARS]  # stable: ties keep their order
    return chosen, f"{title}：{which}的 {CHART_BARS} {unit}（共 {len(bars)} {unit}，全部见下方表格）"


def _renderer(config: Config) -> HtmlRenderer:
    key = f"html:{config.profile}"  # one environment per profile: each may have its own templates and labels
    return compiled(key, lambda: _new_renderer(config))  # type: ignore[no-any-return]


def _new_renderer(config: Config) -> HtmlRenderer:
    from .. import summary  # noqa: F401 - the index summarises each year: loaded with the renderer (prepare)
    from .templates import template_dirs

    return HtmlRenderer(template_dirs(config), config)


def render_form_page(job: FormOutput) -> bytes:
    """The form's page, linking the index and the form's other outputs (those built now or already there)."""
    links: dict[str, str | None] = {"index": job.href(job.out / "index.html")}
    for name, fmt in per_form().items():
        if name != "html":
            sibling = job.target.with_suffix(fmt.suffix)
            links[name] = job.href(sibling) if wants(job.formats, name) or sibling.is_file() else None
    return _renderer(job.config).render_form(job.report, links, draft_errors=job.draft_errors)


def index_entries(digests: list[Digest], out: Path) -> list[IndexEntry]:
    """What the index links to: the outputs that exist in out/ for each form (each year's folder is listed
    once, not probed file by file)."""
    import os
    from urllib.parse import quote

    listed: dict[str, set[str]] = {}

    def present(rel: str) -> bool:
        folder, _, name = rel.rpartition("/")
        if folder not in listed:
            try:
                listed[folder] = {e.name for e in os.scandir(out / folder) if e.is_file()}
            except OSError:
                listed[folder] = set()
        return name in listed[folder]

    suffixes = [(per_form()[name].suffix, attr) for name, attr in INDEX_LINKS]
    entries = []
    for d in digests:
        entry = IndexEntry(d)
        if d.name is not None and (d.ok or d.kept or d.draft):
            for suffix, attr in suffixes:
                rel = f"{d.name}{suffix}"  # the output name is a safe relative path: <year>/<name>
                if present(rel):
                    setattr(entry, attr, quote(rel))
        entries.append(entry)
    return entries


def write_index(job: CollectionOutput) -> list[Path]:
    """build/index.html: every form, and the summary of every year with links to its files."""
    from ..summary import summarize, view, years_of
    from ..write import write_atomic

    digests, config, out = job.digests, job.config, job.out
    year_files = [f for f in registry().values() if f.year_file]
    # The year files another process is writing at this moment are linked whether or not they are there yet
    # (build.py); the others when they are there.
    summaries = []
    for year in years_of(digests):
        v = view(summarize(digests, config, year), config)
        files = [(f.label, f.name, out / str(year) / f.year_file) for f in year_files if f.year_file]
        v["files"] = [(label, href(p, out)) for label, name, p in files if name in job.pending or p.is_file()]
        summaries.append(v)
    target = out / "index.html"
    page = _renderer(config).render_index(index_entries(digests, out), summaries)
    return [target] if write_atomic(target, page) else []


def written_by_perfdoc(path: Path) -> bool:
    with path.open("rb") as fh:
        return b'<meta name="generator" content="perfdoc">' in fh.read(4096)


FORMATS = [
    OutputFormat(
        "html",
        ".html",
        "网页（每张表一页）",
        order=20,
        render=render_form_page,
        written_by_perfdoc=written_by_perfdoc,
        prepare=_renderer,
    ),
    OutputFormat(
        "index",
        ".html",
        "索引页 index.html（全部表与年度汇总）",
        order=90,
        collect=write_index,
        follows="html",
        prepare=_renderer,
    ),
]
