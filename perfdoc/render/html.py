"""The form as a web page and an index of all assessments, through Jinja2 templates with autoescape on.

Templates are looked up in the project's templates/ first, then in the packaged ones, so a unit can
override one file. Pages are self-contained: the stylesheet and script are inlined, charts are inline SVG.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..check import FileReport
from ..config import Config
from ..diagnostics import PerfdocError
from ..numbers import ZERO, fmt_amount, fmt_rate, fmt_score
from .charts import Bar, bar_chart
from .context import form_context
from .markdown import render_html

FORM_TEMPLATE = "form.html.j2"
INDEX_TEMPLATE = "index.html.j2"
ASSETS = ("perfdoc.css", "perfdoc.js")


@dataclass
class IndexEntry:
    report: FileReport
    page: str | None = None  # href of the form page, relative to the index
    docx: str | None = None
    pdf: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


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

    def render_form(self, entry: IndexEntry, index_href: str) -> bytes:
        from markupsafe import Markup

        rep = entry.report
        assert rep.result is not None
        ctx = form_context(rep.result, self.config)
        ctx["goal_html"] = Markup(render_html(ctx["goal_markdown"]))
        ctx["outcome_html"] = Markup(render_html(ctx["outcome_markdown"]))
        ctx["diagnostics"] = rep.diagnostics
        ctx["source"] = rep.path
        ctx["links"] = {"index": index_href, "docx": entry.docx, "pdf": entry.pdf}
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
                "errors": sum(e.report.errors for e in entries),
                "warnings": sum(e.report.warnings for e in entries),
            },
            "money_unit": self.config.money_unit,
            "summaries": summaries or [],
        }
        return self._render(self.index_template, ctx)


def index_row(entry: IndexEntry, config: Config) -> dict[str, Any]:
    rep = entry.report
    a, res = rep.assessment, rep.result
    funds = a.funds.total if a else None
    return {
        "year": a.year if a else None,
        "project": (a.project if a else "") or Path(rep.path).name,
        "unit": a.unit if a else "",
        "budget": fmt_amount(funds.budget, config.places(a.money_unit if a else None)) if funds else "—",
        "budget_value": funds.budget if funds and funds.budget is not None else "",
        "executed": fmt_amount(funds.executed, config.places(a.money_unit if a else None)) if funds else "—",
        "executed_value": funds.executed if funds and funds.executed is not None else "",
        "rate": fmt_rate(res.execution_rate) if res else "—",
        "rate_value": res.execution_rate if res and res.execution_rate is not None else "",
        "total": fmt_score(res.total_score) if res and res.total_score is not None else "—",
        "total_value": res.total_score if res and res.total_score is not None else "",
        "grade": (res.grade if res else None) or "—",
        "stage": a.stage_label if a else "",
        "errors": rep.errors,
        "warnings": rep.warnings,
        "diagnostics": rep.diagnostics,
        "page": entry.page,
        "docx": entry.docx,
        "pdf": entry.pdf,
        "source": rep.path,
    }


def charts(entries: list[IndexEntry]) -> list[str]:
    from markupsafe import Markup

    built = [e for e in entries if e.report.result is not None and e.report.result.total_score is not None]
    totals, rates, deductions = [], [], []
    for e in built:
        res = e.report.result
        assert res is not None
        name = f"{res.assessment.year} {res.assessment.project}"
        tone = "ok" if res.total_score >= 90 else "warn" if res.total_score >= 60 else "bad"  # type: ignore[operator]
        totals.append(Bar(name, res.total_score, fmt_score(res.total_score), tone))  # type: ignore[arg-type]
        if res.execution_rate is not None:
            rtone = "ok" if res.execution_rate >= 90 else "warn"
            rates.append(Bar(name, res.execution_rate, fmt_rate(res.execution_rate), rtone))
        weight = res.assessment.funds.weight or ZERO
        if res.execution_score is not None and res.execution_score < weight:
            lost = weight - res.execution_score
            deductions.append(Bar(f"{res.assessment.project}：预算执行率", lost, f"−{fmt_score(lost)}", "warn"))
        for r in res.indicators:
            if r.deducted > 0:
                deductions.append(
                    Bar(f"{res.assessment.project}：{r.indicator.name}", r.deducted, f"−{fmt_score(r.deducted)}", "bad")
                )
    top_rate = max([Decimal(100), *(b.value for b in rates)])
    return [
        Markup(bar_chart("总分", totals, Decimal(100))),
        Markup(bar_chart("预算执行率", rates, top_rate)),
        Markup(bar_chart("扣分明细（分）", deductions, empty_text="各项目均未扣分")),
    ]
