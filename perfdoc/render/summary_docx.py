"""The year summary as a Word document through templates/summary.docx: build/<year>/summary.docx."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .formats import CollectionOutput, OutputFormat

if TYPE_CHECKING:
    from ..config import Config
    from .wordtemplate import CompiledDocxTemplate


def summary_template(config: Config) -> CompiledDocxTemplate:
    """templates/summary.docx, the project's or the packaged one, compiled once per process."""
    from .. import summary  # noqa: F401 - loaded with the template (prepare)
    from .docx import word_template
    from .wordtemplate import CompiledDocxTemplate

    return word_template(config, "summary.docx", CompiledDocxTemplate)


def write_summary_documents(job: CollectionOutput) -> list[Path]:
    from ..summary import summarize, view, years_of
    from ..write import write_atomic
    from .wordml import CoreProperties

    template = summary_template(job.config)
    written = []
    for year in years_of(job.digests):
        summary = summarize(job.digests, job.config, year)
        core = CoreProperties(
            title=f"{year} 年度项目支出绩效自评汇总表",
            subject="项目支出绩效自评汇总表",
            creator="perfdoc",
            keywords=f"绩效自评,{year},汇总",
            description="由 perfdoc 生成",
            timestamp=f"{year + 1:04d}-01-01T00:00:00Z",
        )
        target = job.out / str(year) / "summary.docx"
        if write_atomic(target, template.render(view(summary, job.config), core)):
            written.append(target)
    return written


FORMATS = [
    OutputFormat(
        "summary-docx",
        ".docx",
        "年度汇总表（Word）",
        order=50,
        collect=write_summary_documents,
        prepare=summary_template,
        follows="docx",
        year_file="summary.docx",
        label="Word",
    )
]
