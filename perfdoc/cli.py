"""The command line: thin commands over the pipeline; every user mistake becomes a message and an exit code."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .config import Config, load_config
from .diagnostics import PerfdocError, Severity
from .numbers import fmt_decimal, fmt_rate

if TYPE_CHECKING:  # the check machinery is imported by the commands that use it, not at start-up
    from .check import FileReport
    from .scoring import IndicatorResult


def _config(ctx: click.Context) -> Config:
    return ctx.obj["config"]  # type: ignore[no-any-return]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perfdoc")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="配置文件（默认向上查找 perfdoc.toml 或 pyproject.toml 的 [tool.perfdoc]）",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """perfdoc：财政项目支出绩效自评表的校验、计分与生成。"""
    ctx.ensure_object(dict)
    ctx.obj["config"] = load_config(explicit=config_path)
    ctx.obj["config_path"] = config_path


def _default_paths(cfg: Config, paths: tuple[Path, ...]) -> list[Path]:
    return list(paths) if paths else [cfg.root / cfg.content_dir]


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式")
@click.option("--strict", is_flag=True, help="有警告时也以退出码 1 结束")
@click.pass_context
def check(ctx: click.Context, paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """校验源文件（默认 content/）：数字、合计、执行率、得分与等级。"""
    from .check import check_paths, skipped_docx

    cfg = _config(ctx)
    reports = check_paths(_default_paths(cfg, paths), cfg)
    left_out = skipped_docx(_default_paths(cfg, paths))
    if left_out:
        click.echo(
            f"提示：目录中的 {len(left_out)} 个 .docx 未检查；要审核它们，请直接列出文件，"
            f"如 perfdoc check {left_out[0].parent}/*.docx",
            err=True,
        )
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    infos = sum(r.count(Severity.INFO) for r in reports)
    if fmt == "json":
        doc = {"files": [_report_json(r) for r in reports], "errors": errors, "warnings": warnings}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for rep in reports:
            for d in rep.diagnostics:
                click.echo(d.format())
        for rep in reports:
            click.echo(_summary_line(rep), err=False)
        click.echo(f"共检查 {len(reports)} 个文件：{errors} 个错误，{warnings} 个警告，{infos} 条提示")
    if not reports:
        click.echo("没有找到源文件（*.md）", err=True)
        ctx.exit(1)
    ctx.exit(1 if errors or (strict and warnings) else 0)


def _summary_line(rep: FileReport) -> str:
    a, res = rep.assessment, rep.result
    if a is None:  # not even the data could be read: YAML, encoding, size
        return f"{rep.path}: 未能读取（{rep.errors} 个错误）"
    parts = [f"{rep.path}:", a.stage_label, f"{a.year or '（无年度）'}", a.project or "（无项目名称）"]
    if res is not None and res.execution_rate is not None:
        parts.append(f"执行率 {fmt_rate(res.execution_rate)}")
    if res is not None and res.total_score is not None:
        parts.append(f"总分 {fmt_decimal(res.total_score)} {res.grade}")
    line = " ".join(parts)
    return f"{line}：有 {rep.errors} 个错误，未生成" if rep.errors else line


def _report_json(rep: FileReport) -> dict[str, object]:
    a, res = rep.assessment, rep.result
    return {
        "path": rep.path,
        "project": a.project if a else None,
        "year": a.year if a else None,
        "stage": a.stage if a else None,
        "execution_rate": fmt_decimal(res.execution_rate) if res else None,
        "execution_score": fmt_decimal(res.execution_score) if res else None,
        "total_score": fmt_decimal(res.total_score) if res else None,
        "grade": res.grade if res else None,
        # Every figure that could be computed, whatever else is wrong with the form: a reviewer's one pass.
        "execution_weight": fmt_decimal(res.execution_weight) if res else None,
        "weight_sum": fmt_decimal(res.weight_sum) if res else None,
        "partial": a.partial if a else None,
        "errors": rep.errors,
        "indicators": [_indicator_json(r) for r in res.indicators] if res else [],
        "diagnostics": [d.as_json() for d in rep.diagnostics],
    }


def _indicator_json(r: IndicatorResult) -> dict[str, object]:
    ind = r.indicator
    return {
        "category": ind.category,
        "subcategory": ind.subcategory,
        "indicator": ind.name,
        "weight": fmt_decimal(ind.weight),
        "score": fmt_decimal(r.score),  # as typed, or computed by the rules when not typed
        "rule_score": fmt_decimal(r.rule_score),  # the most the scoring rules allow
    }


# What build and serve make unless told otherwise: every document a source's stage has, and its page.
DEFAULT_FORMATS = "docx,html,report,plan,monitor"


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    """--format of build and serve: docx,html,pdf checked at once, for every command alike."""
    from .render.formats import parse_formats

    try:
        return parse_formats(value)
    except PerfdocError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "formats",
    default=DEFAULT_FORMATS,
    show_default=True,
    callback=_formats,
    help="输出格式，逗号分隔：docx（自评表）、html、pdf（需要 LibreOffice）、report（自评报告）、"
    "plan（绩效目标申报表）、monitor（绩效运行监控表）；每个源文件只生成其阶段有的文件",
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="输出目录（默认 build/）")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="并行进程数（默认为 CPU 核数）")
@click.option("--draft", is_flag=True, help="有错误的表也生成，标为“草稿”并注明错误数（不能作为正式表报送）")
@click.option("--force", is_flag=True, help="不使用构建缓存，全部重新生成")
@click.pass_context
def build(
    ctx: click.Context,
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    out_dir: Path | None,
    jobs: int | None,
    draft: bool,
    force: bool,
) -> None:
    """校验并生成自评表 build/<年度>/<项目名称>.docx 等；只重新生成有改动的表，有错误的表不生成。

    只列出部分源文件时，只生成这些文件，其余的表与文件保持不变；索引与汇总表始终包含项目中的全部表。"""
    from .build import build as run_build

    cfg = _config(ctx)
    result = run_build(_default_paths(cfg, paths), cfg, formats, out_dir, jobs, _progress(), draft=draft, force=force)
    for digest in result.digests:
        for d in digest.diagnostics:
            if d.severity != Severity.INFO or d.code == "PD703":
                click.echo(d.format(), err=d.severity == Severity.ERROR)
    for note in [*result.remarks, *result.notes]:
        click.echo(note, err=True)
    target = out_dir or (cfg.root / cfg.build_dir)
    built = sum(1 for d in result.digests if d.ok)
    drafts = sum(1 for d in result.digests if d.draft)
    click.echo(
        f"生成 {built} 份自评表（{'、'.join(formats)}）到 {target}：本次处理 {result.rebuilt} 个有改动的源文件，"
        f"写入 {result.written} 个文件" + (f"；另有 {drafts} 份草稿（有错误）" if drafts else "")
    )
    if result.skipped:
        click.echo(f"{len(result.skipped)} 份因错误未生成：{'、'.join(result.skipped)}", err=True)
    if not result.digests:
        click.echo("没有找到源文件（*.md）", err=True)
    ctx.exit(1 if result.errors or not result.digests or result.notes else 0)


def _progress():  # type: ignore[no-untyped-def]
    """A progress bar on a terminal; one plain line per source otherwise (logs, CI)."""
    stream = sys.stderr
    tty = stream.isatty()

    def report(done: int, total: int, source: str) -> None:
        if tty:
            width = 30
            filled = width * done // total
            stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done == total:
                stream.write("\n")
            stream.flush()
        else:
            stream.write(f"[{done}/{total}] {source}\n")

    return report


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--year", type=int, help="只汇总这一年度（默认每个年度各一份）")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="输出目录（默认 build/）")
@click.pass_context
def summary(ctx: click.Context, paths: tuple[Path, ...], year: int | None, out_dir: Path | None) -> None:
    """项目支出绩效自评汇总表：打印，并写出 build/<年度>/summary.xlsx 与 summary.docx。"""
    from .build import digests_of, write_collections
    from .check import collect_sources, display_path
    from .render.terminal import terminal_table
    from .summary import summarize, years_of

    cfg = _config(ctx)
    given = _default_paths(cfg, paths)
    # A summary is of a whole year: naming one file of the project summarises every form of its year.
    content = cfg.root / cfg.content_dir
    extra = [content] if paths and content.is_dir() and out_dir is None else []
    digests = digests_of([*extra, *given], cfg)
    if extra:
        shown = {display_path(p) for p in collect_sources(given)}
        named = [d for d in digests if d.path.split("#")[0] in shown]
    else:
        named = digests
    years = [year] if year else years_of(named)
    if not years or (year and year not in years_of(digests)):
        click.echo(f"没有{year or ''}{'年度的' if year else ''}自评表可汇总", err=True)
        ctx.exit(1)
    out = out_dir or (cfg.root / cfg.build_dir)
    chosen = [d for d in digests if d.year in years]
    for y in years:
        click.echo(terminal_table(summarize(chosen, cfg, y), cfg))
        click.echo("")
    write_collections(chosen, cfg, out, ("docx",), only=("summary-xlsx", "summary-docx"))
    if (out / "index.html").is_file():
        write_collections(digests, cfg, out, ("html",), only=("index",))
    click.echo("写出：" + "、".join(str(out / str(y) / f"summary.{ext}") for y in years for ext in ("xlsx", "docx")))
    ctx.exit(1 if any(d.errors for d in chosen) else 0)


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="写入的目录（默认 content/），按 <年度>/<项目名称>.md 存放",
)
@click.option("--force", is_flag=True, help="覆盖已存在的源文件")
@click.pass_context
def import_(ctx: click.Context, files: tuple[Path, ...], out_dir: Path | None, force: bool) -> None:
    """把已填好的自评表 .docx 转为 perfdoc 源文件（保留每个数字与每句话，包括原表的错误）。"""
    from .check import check_raw, display_path
    from .diagnostics import SourceError
    from .importer import import_docx
    from .load import parse_text
    from .vocabulary import known_keys
    from .write import safe_filename, write_atomic

    cfg = _config(ctx)
    out = out_dir or (cfg.root / cfg.content_dir)
    failed = 0
    for file in files:
        shown = display_path(file)
        try:
            forms = import_docx(file, shown)
        except SourceError as exc:
            for d in exc.diagnostics:
                click.echo(d.format(), err=True)
            failed += 1
            continue
        for form in forms:
            folder = out / str(form.year) if form.year else out
            target = folder / f"{safe_filename(form.project or file.stem)}.md"
            text = form.markdown()
            if target.exists() and not force and target.read_text(encoding="utf-8") != text:
                click.echo(f"{form.name}: {target} 已存在，未覆盖（使用 --force 覆盖）", err=True)
                failed += 1
                continue
            write_atomic(target, text.encode("utf-8"))
            for d in form.notes:  # what reading assumed, skipped or found missing: never silent
                click.echo(d.format(), err=True)
            typed = form.data.get("总分")
            report = check_raw(parse_text(display_path(target), text, known_keys()), cfg)
            computed = report.result.total_score if report.result else None
            line = f"{form.name}: {form.project or '（无项目名称）'} 总分 {typed if typed is not None else '—'}"
            if form.incomplete:
                line += "（表格在总分之前结束，未核对总分）"
            elif computed is not None and typed is not None and computed != typed:
                line += f"（按规则计算为 {computed:.2f}，请运行 perfdoc check 查看）"
            click.echo(f"{line} → {display_path(target)}")
    ctx.exit(1 if failed else 0)


@cli.command()
@click.argument("name", required=False)
@click.option("--year", type=click.IntRange(1990, 2100), help="评价年度（默认今年的上一年，即正在自评的年度）")
@click.option("--profile", help="本表的表式（默认取项目配置；perfdoc profiles 列出可用的）")
@click.pass_context
def new(ctx: click.Context, name: str | None, year: int | None, profile: str | None) -> None:
    """新建一份自评表：content/<年度>/<项目名称>.md，每个字段都已列出并注明中文标签与示例。"""
    import datetime

    from .authoring import new_form
    from .check import display_path

    cfg = _config(ctx)
    path = new_form(cfg, name, year or datetime.date.today().year - 1, profile=profile)
    click.echo(f"已新建 {display_path(path)}：填写后运行 perfdoc check {display_path(path)}")


@cli.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--templates", is_flag=True, help="同时复制 Word 与 HTML 模板到 templates/，以便本单位修改")
@click.option("--profile", default="shanghai", show_default=True, help="本单位的表式（perfdoc profiles 列出可用的）")
def init(folder: Path, templates: bool, profile: str) -> None:
    """新建 perfdoc 项目：perfdoc.toml（写明表式）、content/、.gitignore（以及 --templates 时的模板）。"""
    from .authoring import init_project

    for path in init_project(folder, templates, profile):
        click.echo(f"已创建 {path}")


@cli.command()
@click.pass_context
def profiles(ctx: click.Context) -> None:
    """列出可用的表式（各地自评表的版式、标签与计分参数），* 为本项目所用。"""
    from .config import available_profiles

    cfg = _config(ctx)
    for name, (title, follows, _file) in available_profiles(cfg.root).items():
        mark = "*" if name == cfg.profile else " "
        click.echo(f"{mark} {name:<14} {title}")
        click.echo(f"  {'':<14} 依据：{follows}")


@cli.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=click.IntRange(1990, 2100), help="新年度（默认源文件年度 + 1）")
@click.option("-o", "--out", "target", type=click.Path(dir_okay=False, path_type=Path), help="新文件路径")
@click.pass_context
def rollover(ctx: click.Context, source: Path, year: int | None, target: Path | None) -> None:
    """由本年度的自评表生成下一年度的绩效目标（新文件）：保留项目、单位、指标、指标值与分值，清空实际值、得分、原因与金额。"""
    from .authoring import rollover as make_rollover
    from .authoring import rollover_target, targets_to_review
    from .check import check_file, display_path

    cfg = _config(ctx)
    report = check_file(source, cfg)
    a = report.assessment
    if a is None or report.raw is None:
        for d in report.diagnostics:
            click.echo(d.format(), err=True)
        ctx.exit(1)
    assert a is not None
    if year is None and a.year is None:
        raise PerfdocError(f"{display_path(source)} 没有可用的「年度」：请先填写年度，或用 --year 指定新年度")
    new_year = year if year is not None else (a.year or 0) + 1
    if not 1990 <= new_year <= 2100:
        raise PerfdocError(f"新年度 {new_year} 不在 1990 至 2100 之间")
    path = target or rollover_target(source, new_year, a.year)
    review = targets_to_review(report.result, report.config.exceed_ratio) if report.result and report.config else []
    make_rollover(a, new_year, path, review)
    click.echo(f"已生成 {display_path(path)}（{new_year} 年度绩效目标）：请核对指标值与分值，填写预算数")
    for line in review:
        click.echo(f"  {line}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="端口（0：任选空闲端口）")
@click.option("--format", "formats", default=DEFAULT_FORMATS, show_default=True, callback=_formats, help="生成的格式")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="输出目录（默认 build/）")
@click.pass_context
def serve(
    ctx: click.Context, paths: tuple[Path, ...], port: int, formats: tuple[str, ...], out_dir: Path | None
) -> None:
    """生成并在 http://127.0.0.1 上预览；保存源文件、模板或配置后自动重新生成并刷新页面。

    预览中有错误的表也生成草稿（页眉标注“草稿”与错误数），以便边写边看。"""
    from .serve import serve as run_server

    cfg = _config(ctx)
    chosen = formats
    out = out_dir or (cfg.root / cfg.build_dir)

    def echo(line: str) -> None:
        click.echo(line)
        sys.stdout.flush()

    try:
        run_server(cfg, _default_paths(cfg, paths), out, port, chosen, echo, ctx.obj.get("config_path"))
    except OSError as exc:
        raise PerfdocError(f"无法在 127.0.0.1:{port} 上启动：{exc.strerror or exc}（可用 --port 换一个端口）") from None


@cli.command()
def schema() -> None:
    """输出前置数据的 JSON Schema（供编辑器实时校验）。"""
    from .vocabulary import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


@cli.command()
def vocabulary() -> None:
    """列出表上的全部标签、指标分组、章节标题与可写的词（Markdown 表格，即 docs/format.md 中的词表）。"""
    from .vocabulary import markdown_tables

    click.echo(markdown_tables(), nl=False)


@cli.command()
def rules() -> None:
    """列出全部校验规则的代码、级别与说明（Markdown 表格，即 docs/rules.md）。"""
    click.echo(rules_markdown(), nl=False)


def rules_markdown() -> str:
    from .rules import RULES, catalogue, rule_codes

    implemented = {r.code: r.name for r in RULES}
    configurable = rule_codes()
    lines = [
        "# 校验规则一览",
        "",
        "由 `perfdoc rules` 生成。级别：错误（error）使 `perfdoc check` 以退出码 1 结束；警告（warning）"
        "在 `--strict` 时也如此；提示（info）仅供参考。",
        "",
        "标为“可配置”的规则可在 perfdoc.toml 中关闭或改变级别：",
        "",
        "```toml",
        "[rules]",
        'ignore = ["PD408"]                 # 不再提示',
        'severity = { PD301 = "error" }     # 其中各项之和不符即为错误',
        "```",
        "",
        "| 代码 | 级别 | 说明 | 规则 | 实现 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for code, entry in catalogue().items():
        impl = f"`{implemented[code]}`" if code in implemented else "读取与结构检查"
        if code in configurable:
            impl += "（可配置）"
        lines.append(f"| {code} | {entry.severity.label} | {entry.title} | {entry.rule} | {impl} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    try:
        # Without standalone mode click returns ctx.exit()'s code instead of raising it.
        code = cli.main(args=argv, prog_name="perfdoc", standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code if exc.exit_code != 2 else 2)
    except click.Abort:
        click.echo("已中止", err=True)
        sys.exit(1)
    except PerfdocError as exc:
        click.echo(f"perfdoc: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
