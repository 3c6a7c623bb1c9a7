"""`perfdoc check`: load → parse → score → validate, for every source file, without rendering anything."""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config
from .diagnostics import Diagnostic, Severity, SourceError
from .record import field, record, replace
from .source import Locus, Position, RawDocument
from .vocabulary import known_keys

if TYPE_CHECKING:  # the reading and scoring machinery loads when a form is checked: a no-op build never does
    from .model import Assessment
    from .scoring import Result

SOURCE_SUFFIXES = (".md", ".markdown")  # found in folders; a .docx is read when it is named (a glob names it)


@record
class FileReport:
    path: str
    assessment: Assessment | None = None
    result: Result | None = None
    raw: RawDocument | None = None
    config: Config | None = None  # what it was checked with: the project's, or the profile the form names
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.result is not None

    def sort(self) -> None:
        def order(d: Diagnostic) -> tuple[int, int, int, str]:
            at = d.position or Position(1, 1)
            return (at.table or 0, at.line, at.column, d.code)

        self.diagnostics.sort(key=order)


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def collect_sources(paths: Iterable[Path]) -> list[Path]:
    """Every source file named, or found under a named folder, in a stable order.

    Folders give their Markdown sources: the original .docx that units keep beside the sources they imported
    from it would otherwise count every project twice. A .docx is read when named (submitted/*.docx). Hidden
    folders and Word's lock files (~$name.docx) are skipped.
    """
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(Path(f) for f in _sources_under(str(p)))
        elif not p.name.startswith("~$"):
            found.append(p)
    unique: dict[Path, Path] = {}
    for f in found:  # content/x.md and /home/…/content/x.md are one source
        try:
            unique.setdefault(resolved(f), f)
        except (OSError, RuntimeError):
            unique.setdefault(f, f)
    return list(unique.values())


def _sources_under(folder: str) -> list[str]:
    """The Markdown sources below a folder, hidden folders and files and Word's lock files left out, symbolic
    links to folders not followed (as Path.rglob). Walked with os.scandir: for a thousand sources, building and
    sorting a Path for every entry was most of a no-op build's own work."""
    found: list[str] = []
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except (PermissionError, FileNotFoundError, NotADirectoryError):
        return found
    for entry in entries:
        if entry.name.startswith((".", "~$")):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                found += _sources_under(entry.path)
            elif os.path.splitext(entry.name)[1].lower() in SOURCE_SUFFIXES and entry.is_file():
                found.append(entry.path)
        except OSError:
            continue
    return found


def resolved(path: Path) -> Path:
    """path.resolve(), each folder resolved once (resolving checks every component of the path: for hundreds of
    sources in one folder, most of a no-op build's own work); each path once (a build names a source up to three
    times: in content/, in the cache, on the command line)."""
    return _resolved(str(path))


@lru_cache(maxsize=4096)
def _resolved(path: str) -> Path:
    p = Path(path)
    if p.is_symlink():
        return p.resolve()
    return resolved_folder(str(p.parent)) / p.name


@lru_cache(maxsize=256)
def resolved_folder(folder: str) -> Path:
    return Path(folder).resolve()


def forget_resolved() -> None:
    """Folders may have been moved or linked since (serve builds again and again in one process)."""
    _resolved.cache_clear()
    resolved_folder.cache_clear()


def skipped_docx(paths: Iterable[Path]) -> list[Path]:
    """The .docx files in named folders, which collect_sources leaves out: said, not silently dropped."""
    return [d for p in paths if p.is_dir() for d in sorted(p.rglob("*.docx")) if not d.name.startswith("~$")]


def check_raw(raw: RawDocument, config: Config, name: str | None = None) -> FileReport:
    """parse → score → validate one raw tree, whatever read it; positions are placed last, from its source map."""
    from .parse import parse_assessment
    from .rules import RuleContext, validate
    from .scoring import score

    report = FileReport(path=name or raw.path, raw=raw)
    config, found = form_config(raw, config)
    report.config = config
    assessment, shape = parse_assessment(
        raw, tuple(config.grade_bands), config.aliases, config.funding_rows, config.report_outline
    )
    found += shape
    report.assessment = assessment
    # Never give up: whatever part of the form could not be read, every figure that can still be computed is
    # computed and checked. A rule's finding on a part that could not be read (or on the whole it belongs to, a
    # 分值 sum with a 分值 missing) would only repeat the reading error, and is left out.
    if isinstance(raw.data, dict):
        report.result = score(assessment, config)
        unread = [d.field for d in found if d.severity == Severity.ERROR and d.field]
        found += [d for d in validate(RuleContext(assessment, report.result, config)) if not _touches(d.field, unread)]
    report.diagnostics = [d.resolve(raw.source_map) for d in config.rules.apply(found)]
    report.sort()
    return report


def _touches(field: str, unread: list[str]) -> bool:
    """Whether a finding on field depends on a part that could not be read: the part itself, inside it, or a
    whole that contains it (indicators, for indicators[2].weight)."""

    def within(inner: str, outer: str) -> bool:
        return inner == outer or inner.startswith((outer + ".", outer + "["))

    return any(within(field, u) or within(u, field) for u in unread if field)


def form_config(raw: RawDocument, config: Config) -> tuple[Config, list[Diagnostic]]:
    """The configuration a form is checked and rendered with: the project's, or the profile it names itself
    (表式: sichuan), a department may keep forms of two templates. An unknown name is PD207 at its key."""
    from .config import available_profiles, with_profile
    from .diagnostics import ConfigError
    from .vocabulary import TOP_FIELDS, field_spec

    if not isinstance(raw.data, dict):
        return config, []
    spec = field_spec(TOP_FIELDS, "profile")
    key = next((k for k in spec.keys if k in raw.data), None)
    name = raw.data.get(key) if key else None
    if key is None or not isinstance(name, str) or not name.strip() or name.strip() == config.profile:
        return config, []
    try:
        return with_profile(config, name.strip()), []
    except ConfigError:
        known = "、".join(available_profiles(config.root))
        message = f"「{spec.label}」只能是 {known}，而不是「{name.strip()}」（项目自己的表式放在 profiles/ 中）"
        return config, [Diagnostic.make("PD207", message, "profile", locus=Locus((key,))).with_path(raw.path)]


def check_file(path: Path, config: Config) -> FileReport:
    from .load import read_file

    shown = display_path(path)
    if not path.exists():
        return FileReport(path=shown, diagnostics=[Diagnostic.make("PD110", "文件不存在").with_path(shown)])
    try:
        raw = read_file(path, shown, known_keys())
    except SourceError as exc:
        report = FileReport(path=shown, diagnostics=exc.diagnostics)
        report.sort()
        return report
    return check_raw(raw, config)


def duplicate_project(path: str, year: int, project: str, first: str, position: Position | None) -> Diagnostic:
    """PD501: the same 项目名称 twice in one year; said on the file after the first (check and build alike)."""
    return Diagnostic.make(
        "PD501", f"{year} 年度已有项目「{project}」（{first}），同一年度项目名称不能重复", "project", position
    ).with_path(path)


def duplicate_projects(reports: list[FileReport]) -> None:
    seen: dict[tuple[int, str], FileReport] = {}
    for rep in reports:
        a = rep.assessment
        if a is None or a.year is None or not a.project:
            continue
        key = (a.year, a.project)
        if key in seen:
            rep.diagnostics.append(
                duplicate_project(rep.path, a.year, a.project, seen[key].path, field_position(rep, "project"))
            )
            rep.sort()
        else:
            seen[key] = rep


def field_position(rep: FileReport, name: str) -> Position | None:
    a, raw = rep.assessment, rep.raw
    if a is None or raw is None or name not in a.keys:
        return None
    return raw.source_map.locate(Locus((a.keys[name],)))


def check_docx(path: Path, config: Config) -> list[FileReport]:
    """Every form in a .docx, read straight into raw trees (nothing written) and checked; each diagnostic
    names its table, row and column in the document (报送.docx#表2:5:3)."""
    from .importer import import_docx

    shown = display_path(path)
    try:
        forms = import_docx(path, shown)
    except SourceError as exc:
        return [FileReport(path=shown, diagnostics=exc.diagnostics)]
    reports = []
    for form in forms:
        report = check_raw(form.raw_document(), config, name=form.name)
        report.diagnostics[:0] = [replace(w) for w in form.warnings]
        reports.append(report)
    return reports


def report_source(source: Path, config: Config) -> list[FileReport]:
    """Every form of one source, checked; any failure of perfdoc itself becomes PD901 on that file alone."""
    shown = display_path(source)
    try:
        if source.suffix.lower() == ".docx":
            return check_docx(source, config)
        return [check_file(source, config)]
    except Exception as exc:  # isolation: one file's surprise never takes the others down
        return [internal_error(shown, exc)]


def internal_error(shown: str, exc: BaseException) -> FileReport:
    message = (
        f"perfdoc 处理此文件时出错（{type(exc).__name__}: {str(exc)[:200]}）；其他文件照常处理。"
        "请将此文件与本条信息报告给 perfdoc 维护者"
    )
    return FileReport(path=shown, diagnostics=[Diagnostic.make("PD901", message).with_path(shown)])


def check_paths(paths: Iterable[Path], config: Config) -> list[FileReport]:
    reports: list[FileReport] = []
    for p in collect_sources(paths):
        reports.extend(report_source(p, config))
    duplicate_projects(reports)
    return reports
