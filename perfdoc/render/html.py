"""The form as a web page and an index of all assessments, through Jinja2 templates with autoescape on.

Templates are looked up in the project's templates/ first, then in the packaged ones, so a unit can
override one file. Pages are self-contained: the stylesheet and script are inlined, charts are inline SVG.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..check import FileReport
from ..config import Config
from ..diagnostics import PerfdocError
from ..digest import EXECUTION, Digest
from ..numbers import fmt_amount, fmt_rate, fmt_score
from .charts import Bar, bar_chart
from .context import form_context
from .markdown import render_html

FORM_TEMPLATE = "form.html.j2"
INDEX_TEMPLATE = "index.html.j2"
ASSETS = ("perfdoc.css", "perfdoc.js")


@dataclass
class IndexEntry:
    digest: Digest
    page: str | None = None  # href of the form page, relative to the index
    docx: str | None = None
    pdf: str | None = None


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
        try:
            self.form_template = self.env.get_template(FORM_TEMPLATE)
            self.index_template = self.env.get_template(INDEX_TEMPLATE)
            self.assets = {name: self.env.loader.get_source(self.env, name)[0] for name in ASSETS}  # type: ignore[union-attr]
        except jinja2.TemplateError as exc:
            raise PerfdocError(f"HTML 模板有误：{exc}") from None

    def _render(self, template: Any, ctx: dict[str, Any]) -> bytes:
        import jinja2
        from markupsafe import Markup

        ctx = {**ctx, "css": Markup(self.assets["perfdoc.css"]), "js": Markup(self.assets["perfdoc.js"])}
        try:
            return template.render(ctx).encode("utf-8")
        except jinja2.TemplateError as exc:
            raise PerfdocError(f"HTML 模板 {template.name} 渲染失败：{exc}") from None

    def render_form(self, report: FileReport, links: dict[str, str | None]) -> bytes:
        """links: hrefs relative to the page for "index", "docx" and "pdf" (None: not built)."""
        from markupsafe import Markup

        assert report.result is not None
        ctx = form_context(report.result, self.config)
        ctx["goal_html"] = Markup(render_html(ctx["goal_markdown"]))
        ctx["outcome_html"] = Markup(render_html(ctx["outcome_markdown"]))
        ctx["diagnostics"] = report.diagnostics
        ctx["source"] = report.path
        ctx["links"] = links
        return self._render(self.form_template, ctx)

    def render_index(self, entries: list[IndexEntry], summaries: list[dict[str, Any]] | None = None) -> bytes:
        """summaries: the views of perfdoc.summary.view, each with "files" (label, href) to link."""
        rows = [index_row(e, self.config) for e in entries]
        ctx = {
            "rows": rows,
            "years": sorted({r["year"] for r in rows if r["year"]}),
            "charts": charts(entries),
            "counts": {
                "forms": len(rows),
                "errors": sum(e.digest.errors for e in entries),
                "warnings": sum(e.digest.warnings for e in entries),
            },
            "money_unit": self.config.money_unit,
            "summaries": summaries or [],
        }
        return self._render(self.index_template, ctx)


def index_row(entry: IndexEntry, config: Config) -> dict[str, Any]:
    d = entry.digest
    places = config.places(d.money_unit)
    return {
        "year": d.year,
        "project": d.project or Path(d.path).name,
        "unit": d.unit,
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
        "pdf": entry.pdf,
        "source": d.path,
    }


def charts(entries: list[IndexEntry]) -> list[str]:
    from markupsafe import Markup

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
    return [
        Markup(bar_chart("总分", totals, Decimal(100))),
        Markup(bar_chart("预算执行率", rates, top_rate)),
        Markup(bar_chart("扣分明细（分）", deductions, empty_text="各项目均未扣分")),
    ]
