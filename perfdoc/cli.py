"""The command line: thin commands over the pipeline; every user mistake becomes a message and an exit code.

Built on the standard library's argparse: click's import alone took ~35 ms of a `perfdoc check` that should start
in about 0.1 s (issue 16), and every command here is a flat list of options that argparse states as plainly.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import __version__
from .config import Config, load_config
from .diagnostics import PerfdocError, Severity
from .numbers import fmt_decimal, fmt_rate
from .replay import tolerate_unencodable_output

if TYPE_CHECKING:  # the check machinery is imported by the commands that use it, not at start-up
    from .build import BuildResult
    from .check import FileReport
    from .scoring import IndicatorResult

# What build and serve make unless told otherwise: every document a source's stage has, and its page.
DEFAULT_FORMATS = "docx,html,report,plan,monitor"


def say(text: str = "", *, err: bool = False, end: str = "\n") -> None:
    print(text, end=end, file=sys.stderr if err else sys.stdout)


def _config(args: argparse.Namespace) -> Config:
    return load_config(explicit=args.config_path)


def _default_paths(cfg: Config, paths: Sequence[Path]) -> list[Path]:
    return list(paths) if paths else [cfg.root / cfg.content_dir]


def check(args: argparse.Namespace) -> int:
    """校验源文件（默认 content/）：数字、合计、执行率、得分与等级。"""
    from .check import check_paths, skipped_docx

    cfg = _config(args)
    reports = check_paths(_default_paths(cfg, args.paths), cfg)
    left_out = skipped_docx(_default_paths(cfg, args.paths))
    if left_out:
        say(
            f"提示：目录中的 {len(left_out)} 个 .docx 未检查；要审核它们，请直接列出文件，"
            f"如 perfdoc check {left_out[0].parent}/*.docx",
            err=True,
        )
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    infos = sum(r.count(Severity.INFO) for r in reports)
    if args.fmt == "json":
        doc = {"files": [_report_json(r) for r in reports], "errors": errors, "warnings": warnings}
        say(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for rep in reports:
            for d in rep.diagnostics:
                say(d.format())
        for rep in reports:
            say(_summary_line(rep))
        say(f"共检查 {len(reports)} 个文件：{errors} 个错误，{warnings} 个警告，{infos} 条提示")
    if not reports:
        say("没有找到源文件（*.md）", err=True)
        return 1
    return 1 if errors or (args.strict and warnings) else 0


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


def build(args: argparse.Namespace) -> int:
    """校验并生成自评表 build/<年度>/<项目名称>.docx 等；只重新生成有改动的表，有错误的表不生成。

    只列出部分源文件时，只生成这些文件，其余的表与文件保持不变；索引与汇总表始终包含项目中的全部表。"""
    import time

    from . import replay
    from .build import build as run_build
    from .record import replace

    started = time.time_ns()  # before any input is read: an input changed after this is not recorded as read
    cfg = _config(args)
    formats: tuple[str, ...] = args.formats
    result = run_build(
        _default_paths(cfg, args.paths), cfg, formats, args.out_dir, args.jobs, _progress(),
        draft=args.draft, force=args.force,
    )  # fmt: skip
    target = args.out_dir or (cfg.root / cfg.build_dir)
    lines, code = _build_report(result, formats, target)
    for err, text in lines:
        say(text, err=err)
    # What the same command will print while nothing changes, answered without running the build (replay.py).
    recorded = False
    if result.settled and not args.force:
        nothing_to_do = _build_report(replace(result, rebuilt=0, written=0), formats, target)
        try:
            inputs, outputs = _build_inputs(args, cfg, result), replay.tree(str(target))
        except OSError:  # the folder it was run from is gone, say: no record, and the next build runs in full
            pass
        else:
            recorded = replay.record(args.argv, *nothing_to_do, inputs, outputs, started)
    if not recorded:
        replay.forget(args.argv)
    return code


def _build_report(result: BuildResult, formats: tuple[str, ...], target: Path) -> tuple[list[tuple[bool, str]], int]:
    """What a build prints, each line with whether it goes to stderr, and its exit code."""
    lines: list[tuple[bool, str]] = []
    for digest in result.digests:
        for d in digest.diagnostics:
            if d.severity != Severity.INFO or d.code == "PD703":
                lines.append((d.severity == Severity.ERROR, d.format()))
    lines += [(True, note) for note in [*result.remarks, *result.notes]]
    built = sum(1 for d in result.digests if d.ok)
    drafts = sum(1 for d in result.digests if d.draft)
    summary_line = (
        f"生成 {built} 份自评表（{'、'.join(formats)}）到 {target}：本次处理 {result.rebuilt} 个有改动的源文件，"
        f"写入 {result.written} 个文件" + (f"；另有 {drafts} 份草稿（有错误）" if drafts else "")
    )
    lines.append((False, summary_line))
    if result.skipped:
        lines.append((True, f"{len(result.skipped)} 份因错误未生成：{'、'.join(result.skipped)}"))
    if not result.digests:
        lines.append((True, "没有找到源文件（*.md）"))
    return lines, 1 if result.errors or not result.digests or result.notes else 0


def _build_inputs(args: argparse.Namespace, cfg: Config, result: BuildResult) -> list[str]:
    """Every file and folder a build reads or lists, or looks for and may find: the configuration files it looks
    for, perfdoc's code and templates, the project's own templates and profiles, the sources and their folders."""
    from . import replay
    from .config import config_candidates
    from .render.templates import PACKAGE, PACKAGED_TEMPLATES

    config = [args.config_path] if args.config_path else list(config_candidates(Path.cwd()))
    folders = [PACKAGE, PACKAGED_TEMPLATES, cfg.root / cfg.templates_dir, cfg.root / "profiles"]
    # The project's content counts even when some files are named: a build into the project's own folder reads it
    folders += [cfg.root / cfg.content_dir, *args.paths]
    found = [str(p) for p in config] + result.sources
    for folder in folders:
        found += replay.tree(str(folder))
    return found


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


def summary(args: argparse.Namespace) -> int:
    """项目支出绩效自评汇总表：打印，并写出 build/<年度>/summary.xlsx 与 summary.docx。"""
    from .build import digests_of, write_collections
    from .check import collect_sources, display_path
    from .render.terminal import terminal_table
    from .summary import summarize, years_of

    cfg = _config(args)
    year: int | None = args.year
    given = _default_paths(cfg, args.paths)
    # A summary is of a whole year: naming one file of the project summarises every form of its year.
    content = cfg.root / cfg.content_dir
    extra = [content] if args.paths and content.is_dir() and args.out_dir is None else []
    digests = digests_of([*extra, *given], cfg)
    if extra:
        shown = {display_path(p) for p in collect_sources(given)}
        named = [d for d in digests if d.path.split("#")[0] in shown]
    else:
        named = digests
    years = [year] if year else years_of(named)
    if not years or (year and year not in years_of(digests)):
        say(f"没有{year or ''}{'年度的' if year else ''}自评表可汇总", err=True)
        return 1
    out = args.out_dir or (cfg.root / cfg.build_dir)
    chosen = [d for d in digests if d.year in years]
    for y in years:
        say(terminal_table(summarize(chosen, cfg, y), cfg))
        say()
    write_collections(chosen, cfg, out, ("docx",), only=("summary-xlsx", "summary-docx"))
    if (out / "index.html").is_file():
        write_collections(digests, cfg, out, ("html",), only=("index",))
    say("写出：" + "、".join(str(out / str(y) / f"summary.{ext}") for y in years for ext in ("xlsx", "docx")))
    return 1 if any(d.errors for d in chosen) else 0


def import_(args: argparse.Namespace) -> int:
    """把已填好的自评表 .docx 转为 perfdoc 源文件（保留每个数字与每句话，包括原表的错误）。"""
    from .check import check_raw, display_path
    from .diagnostics import SourceError
    from .importer import import_docx
    from .load import parse_text
    from .vocabulary import known_keys
    from .write import safe_filename, write_atomic

    cfg = _config(args)
    out = args.out_dir or (cfg.root / cfg.content_dir)
    failed = 0
    for file in args.files:
        shown = display_path(file)
        try:
            forms = import_docx(file, shown)
        except SourceError as exc:
            for d in exc.diagnostics:
                say(d.format(), err=True)
            failed += 1
            continue
        for form in forms:
            folder = out / str(form.year) if form.year else out
            target = folder / f"{safe_filename(form.project or file.stem)}.md"
            text = form.markdown()
            if target.exists() and not args.force and target.read_text(encoding="utf-8") != text:
                say(f"{form.name}: {target} 已存在，未覆盖（使用 --force 覆盖）", err=True)
                failed += 1
                continue
            write_atomic(target, text.encode("utf-8"))
            for d in form.notes:  # what reading assumed, skipped or found missing: never silent
                say(d.format(), err=True)
            typed = form.data.get("总分")
            report = check_raw(parse_text(display_path(target), text, known_keys()), cfg)
            computed = report.result.total_score if report.result else None
            line = f"{form.name}: {form.project or '（无项目名称）'} 总分 {typed if typed is not None else '—'}"
            if form.incomplete:
                line += "（表格在总分之前结束，未核对总分）"
            elif computed is not None and typed is not None and computed != typed:
                line += f"（按规则计算为 {computed:.2f}，请运行 perfdoc check 查看）"
            say(f"{line} → {display_path(target)}")
    return 1 if failed else 0


def new(args: argparse.Namespace) -> int:
    """新建一份自评表：content/<年度>/<项目名称>.md，每个字段都已列出并注明中文标签与示例。"""
    import datetime

    from .authoring import new_form
    from .check import display_path

    cfg = _config(args)
    path = new_form(cfg, args.name, args.year or datetime.date.today().year - 1, profile=args.profile)
    say(f"已新建 {display_path(path)}：填写后运行 perfdoc check {display_path(path)}")
    return 0


def init(args: argparse.Namespace) -> int:
    """新建 perfdoc 项目：perfdoc.toml（写明表式）、content/、.gitignore（以及 --templates 时的模板）。"""
    from .authoring import init_project

    for path in init_project(args.folder, args.templates, args.profile):
        say(f"已创建 {path}")
    return 0


def profiles(args: argparse.Namespace) -> int:
    """列出可用的表式（各地自评表的版式、标签与计分参数），* 为本项目所用。"""
    from .config import available_profiles

    cfg = _config(args)
    for name, (title, follows, _file) in available_profiles(cfg.root).items():
        mark = "*" if name == cfg.profile else " "
        say(f"{mark} {name:<14} {title}")
        say(f"  {'':<14} 依据：{follows}")
    return 0


def rollover(args: argparse.Namespace) -> int:
    """由本年度的自评表生成下一年度的绩效目标（新文件）：保留项目、单位、指标、指标值与分值，清空实际值、得分、原因与金额。"""
    from .authoring import rollover as make_rollover
    from .authoring import rollover_target, targets_to_review
    from .check import check_file, display_path

    cfg = _config(args)
    source: Path = args.source
    report = check_file(source, cfg)
    a = report.assessment
    if a is None or report.raw is None:
        for d in report.diagnostics:
            say(d.format(), err=True)
        return 1
    if args.year is None and a.year is None:
        raise PerfdocError(f"{display_path(source)} 没有可用的「年度」：请先填写年度，或用 --year 指定新年度")
    new_year = args.year if args.year is not None else (a.year or 0) + 1
    if not 1990 <= new_year <= 2100:
        raise PerfdocError(f"新年度 {new_year} 不在 1990 至 2100 之间")
    path = args.target or rollover_target(source, new_year, a.year)
    review = targets_to_review(report.result, report.config.exceed_ratio) if report.result and report.config else []
    make_rollover(a, new_year, path, review)
    say(f"已生成 {display_path(path)}（{new_year} 年度绩效目标）：请核对指标值与分值，填写预算数")
    for line in review:
        say(f"  {line}")
    return 0


def serve(args: argparse.Namespace) -> int:
    """生成并在 http://127.0.0.1 上预览；保存源文件、模板或配置后自动重新生成并刷新页面。

    预览中有错误的表也生成草稿（页眉标注“草稿”与错误数），以便边写边看。"""
    from .serve import serve as run_server

    cfg = _config(args)
    out = args.out_dir or (cfg.root / cfg.build_dir)

    def echo(line: str) -> None:
        say(line)
        sys.stdout.flush()

    try:
        run_server(cfg, _default_paths(cfg, args.paths), out, args.port, args.formats, echo, args.config_path)
    except OSError as exc:
        reason = exc.strerror or exc
        raise PerfdocError(f"无法在 127.0.0.1:{args.port} 上启动：{reason}（可用 --port 换一个端口）") from None
    return 0


def schema(args: argparse.Namespace) -> int:
    """输出前置数据的 JSON Schema（供编辑器实时校验）。"""
    from .vocabulary import json_schema

    say(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def vocabulary(args: argparse.Namespace) -> int:
    """列出表上的全部标签、指标分组、章节标题与可写的词（Markdown 表格，即 docs/format.md 中的词表）。"""
    from .vocabulary import markdown_tables

    say(markdown_tables(), end="")
    return 0


def rules(args: argparse.Namespace) -> int:
    """列出全部校验规则的代码、级别与说明（Markdown 表格，即 docs/rules.md）。"""
    say(rules_markdown(), end="")
    return 0


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


# -- the parser ------------------------------------------------------------------------------------------------------

HELP = "显示本帮助并退出"
PATHS_HELP = "源文件或目录（默认 content/）"

# argparse's own messages are English; a finance officer reads them in Chinese. Anything not listed stays as it was.
_MESSAGES = [
    (r"unrecognized arguments: (.*)", r"不认识的参数：\1"),
    (r"the following arguments are required: (.*)", r"缺少参数：\1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"参数 \1 不能取 \2（可取 \3）"),
    (r"argument (\S+): invalid \w+ value: (.*)", r"参数 \1 的值 \2 无效"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面缺少值"),
    (r"argument (\S+): (.*)", r"参数 \1：\2"),
    (r"ambiguous option: (.*) could match (.*)", r"选项 \1 不明确，可能是 \2"),
]


def _in_chinese(message: str) -> str:
    for pattern, replacement in _MESSAGES:  # compiled only when a message is shown, not at every start
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps a command's paragraphs as written and says 用法 for usage.

    argparse makes one for every option it adds, and by default each asks shutil for the terminal's width:
    importing shutil (with bz2 and lzma) was ~4 ms of every start. The width is read the way shutil reads it."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_width())

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


def _terminal_width() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (OSError, ValueError):
            columns = 0
    return (columns or 80) - 2  # as argparse: two columns short of the terminal


class _Parser(argparse.ArgumentParser):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._positionals.title, self._optionals.title = "参数", "选项"  # argparse's English section titles
        self.commands: dict[str, _Parser] = {}  # the top-level parser's commands, by name

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{_in_chinese(message)}（{self.prog} -h 查看用法）\n")


def _int_between(low: int, high: int | None = None) -> Callable[[str], int]:
    def value(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} 不是整数") from None
        if number < low or (high is not None and number > high):
            bound = f"不小于 {low}" if high is None else f"在 {low} 至 {high} 之间"
            raise argparse.ArgumentTypeError(f"{number} 不行：应{bound}")
        return number

    return value


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"文件 {text} 不存在")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} 是目录，不是文件")
    return path


def _format_list(text: str) -> tuple[str, ...]:
    """--format of build and serve: docx,html,pdf checked at once, for every command alike."""
    from .render.formats import parse_formats

    try:
        return parse_formats(text)
    except PerfdocError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _command(commands: argparse._SubParsersAction, name: str, run: Callable[[argparse.Namespace], int]) -> _Parser:
    doc = "\n".join(line.strip() for line in (run.__doc__ or "").splitlines())
    sub: _Parser = commands.add_parser(
        name, help=doc.split("\n")[0], description=doc, add_help=False, allow_abbrev=False,
        formatter_class=_HelpFormatter,
    )  # fmt: skip
    sub.add_argument("-h", "--help", action="help", help=HELP)
    sub.set_defaults(run=run)
    return sub


def _paths(sub: _Parser) -> None:
    sub.add_argument("paths", nargs="*", type=Path, metavar="路径", help=PATHS_HELP)


def _out(sub: _Parser, about: str = "输出目录（默认 build/）") -> None:
    sub.add_argument("--out", dest="out_dir", type=Path, metavar="目录", help=about)


def _format_option(sub: _Parser, about: str) -> None:
    sub.add_argument(
        "--format", dest="formats", type=_format_list, default=DEFAULT_FORMATS, metavar="格式",
        help=f"{about}（默认 {DEFAULT_FORMATS}）",
    )  # fmt: skip


def _build_options(sub: _Parser) -> None:
    _paths(sub)
    _format_option(
        sub,
        "输出格式，逗号分隔：docx（自评表）、html、pdf（需要 LibreOffice）、report（自评报告）、"
        "plan（绩效目标申报表）、monitor（绩效运行监控表）；每个源文件只生成其阶段有的文件",
    )
    _out(sub)
    sub.add_argument("-j", "--jobs", type=_int_between(1), metavar="N", help="并行进程数（默认为 CPU 核数）")
    sub.add_argument(
        "--draft", action="store_true", help="有错误的表也生成，标为“草稿”并注明错误数（不能作为正式表报送）"
    )
    sub.add_argument("--force", action="store_true", help="不使用构建缓存，全部重新生成")


def _check_options(sub: _Parser) -> None:
    _paths(sub)
    sub.add_argument("--format", dest="fmt", choices=["text", "json"], default="text", help="输出格式（默认 text）")
    sub.add_argument("--strict", action="store_true", help="有警告时也以退出码 1 结束")


def _import_options(sub: _Parser) -> None:
    sub.add_argument("files", nargs="+", type=Path, metavar="文件", help="已填好的自评表 .docx")
    sub.add_argument(
        "-o", "--out", dest="out_dir", type=Path, metavar="目录",
        help="写入的目录（默认 content/），按 <年度>/<项目名称>.md 存放",
    )  # fmt: skip
    sub.add_argument("--force", action="store_true", help="覆盖已存在的源文件")


def _init_options(sub: _Parser) -> None:
    sub.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="目录", help="项目目录（默认当前目录）")
    sub.add_argument("--templates", action="store_true", help="同时复制 Word 与 HTML 模板到 templates/，以便本单位修改")
    sub.add_argument(
        "--profile", default="shanghai", metavar="表式",
        help="本单位的表式（默认 shanghai；perfdoc profiles 列出可用的）",
    )  # fmt: skip


def _new_options(sub: _Parser) -> None:
    sub.add_argument("name", nargs="?", metavar="项目名称")
    sub.add_argument(
        "--year", type=_int_between(1990, 2100), metavar="年度", help="评价年度（默认今年的上一年，即正在自评的年度）"
    )
    sub.add_argument("--profile", metavar="表式", help="本表的表式（默认取项目配置；perfdoc profiles 列出可用的）")


def _rollover_options(sub: _Parser) -> None:
    sub.add_argument("source", type=_existing_file, metavar="源文件", help="本年度的自评表（.md）")
    sub.add_argument("--year", type=_int_between(1990, 2100), metavar="年度", help="新年度（默认源文件年度 + 1）")
    sub.add_argument("-o", "--out", dest="target", type=Path, metavar="文件", help="新文件路径")


def _serve_options(sub: _Parser) -> None:
    _paths(sub)
    sub.add_argument(
        "--port", type=_int_between(0, 65535), metavar="端口", default=8000, help="端口（默认 8000；0：任选空闲端口）"
    )
    _format_option(sub, "生成的格式")
    _out(sub)


def _summary_options(sub: _Parser) -> None:
    _paths(sub)
    sub.add_argument("--year", type=int, metavar="年度", help="只汇总这一年度（默认每个年度各一份）")
    _out(sub)


def _no_options(sub: _Parser) -> None:
    pass


# Every command, in the order the help lists them: what it runs, and the options it takes.
COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], Callable[[_Parser], None]]] = {
    "build": (build, _build_options),
    "check": (check, _check_options),
    "import": (import_, _import_options),
    "init": (init, _init_options),
    "new": (new, _new_options),
    "profiles": (profiles, _no_options),
    "rollover": (rollover, _rollover_options),
    "rules": (rules, _no_options),
    "schema": (schema, _no_options),
    "serve": (serve, _serve_options),
    "summary": (summary, _summary_options),
    "vocabulary": (vocabulary, _no_options),
}


def parser(only: str | None = None) -> _Parser:
    """perfdoc's command line, every command with its options and its Chinese help; with ``only``, that command
    alone: argparse takes ~1 ms per command to build (each reads the locale for its own messages), at every start."""
    top = _Parser(
        prog="perfdoc", description="perfdoc：财政项目支出绩效自评表的校验、计分与生成。", add_help=False,
        allow_abbrev=False, formatter_class=_HelpFormatter,
    )  # fmt: skip
    top.add_argument("-h", "--help", action="help", help=HELP)
    top.add_argument("--version", action="version", version=f"perfdoc {__version__}", help="显示版本并退出")
    top.add_argument(
        "--config", dest="config_path", type=_existing_file, metavar="文件",
        help="配置文件（默认向上查找 perfdoc.toml 或 pyproject.toml 的 [tool.perfdoc]）",
    )  # fmt: skip
    commands = top.add_subparsers(title="命令", metavar="命令", dest="command", help="以下之一", prog="perfdoc")
    for name, (run, add_options) in COMMANDS.items():
        if only is None or name == only:
            top.commands[name] = _command(commands, name, run)
            add_options(top.commands[name])
    return top


def _named_command(argv: Sequence[str]) -> str | None:
    """The command argv names, when it names a known one and asks for no top-level help."""
    at = _command_at(argv)
    if at is None or any(arg in ("-h", "--help") for arg in argv[:at]):
        return None
    return argv[at] if argv[at] in COMMANDS else None


def _command_at(argv: Sequence[str]) -> int | None:
    """Where the command stands in argv: the first word that is not an option or the value of --config."""
    after_config = False
    for i, arg in enumerate(argv):
        if after_config or arg.startswith("-"):
            after_config = arg == "--config"
            continue
        return i
    return None


def main(argv: list[str] | None = None) -> None:
    tolerate_unencodable_output()
    argv = sys.argv[1:] if argv is None else argv
    cli = parser(only=_named_command(argv))
    args, unknown = cli.parse_known_args(argv)  # a usage error exits with 2 here, --help and --version with 0
    if unknown:  # said by the command they were given to, with its usage, or by perfdoc before the command
        at = _command_at(argv)
        after_command = at is not None and unknown[0] in argv[at + 1 :]
        where = cli.commands.get(args.command, cli) if after_command else cli
        where.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command is None:
        cli.print_help(sys.stderr)
        sys.exit(2)
    args.argv = list(argv)  # the command line as given: a build's record is of it (replay.py)
    try:
        code = args.run(args)
    except PerfdocError as exc:
        say(f"perfdoc: {exc}", err=True)
        code = 1
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    sys.exit(code)
