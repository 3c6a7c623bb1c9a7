"""`perfdoc build`: the whole pipeline, in the order the product works.

collect sources → skip those whose inputs did not change (build cache) → in parallel, for each changed source:
load, validate and score it, render its .docx and HTML, write them atomically → settle names that clash →
convert to PDF → write the year summaries and the index from the digests of every form → save the cache.

A form with errors gets no output (and loses a stale one); the others are still built. Output and messages
come out in source order whatever the order in which the workers finish, so builds are deterministic.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import __version__
from .check import FileReport, check_docx, check_file, collect_sources, display_path, duplicate_project
from .config import Config
from .diagnostics import PerfdocError, Position
from .digest import Digest, digest_of
from .write import remove_stale, safe_filename, write_atomic

FORMATS = ("docx", "html", "pdf")
RESERVED_STEMS = {"summary", "index"}
CACHE_FILE = ".perfdoc-cache.json"

# In a wheel the templates ship inside the package; in a checkout (and an editable install) they are the
# top-level templates/ folder beside perfdoc/.
_HERE = Path(__file__).resolve().parent
PACKAGED_TEMPLATES = next(
    (p for p in (_HERE / "templates", _HERE.parent / "templates") if p.is_dir()), _HERE / "templates"
)


@dataclass
class BuildResult:
    digests: list[Digest] = field(default_factory=list)  # one per form, in source order
    outputs: dict[str, dict[str, Path]] = field(default_factory=dict)  # source → format → file
    written: int = 0
    rebuilt: int = 0  # forms rendered in this run (the others came from the cache)
    skipped: list[str] = field(default_factory=list)  # sources not built because of errors
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(d.errors for d in self.digests)


def template_path(config: Config, name: str) -> Path:
    """The project's own template when it has one (templates/ beside the config), else the packaged one."""
    own = config.root / config.templates_dir / name
    if own.is_file():
        return own
    packaged = PACKAGED_TEMPLATES / name
    if packaged.is_file():
        return packaged
    raise PerfdocError(f"找不到模板 {name}（已查找 {own} 与 {packaged}）")


def template_dirs(config: Config) -> list[Path]:
    """Where HTML templates are looked up: the project's own folder first, file by file."""
    own = config.root / config.templates_dir
    return [d for d in (own, PACKAGED_TEMPLATES) if d.is_dir()]


def output_name(year: int | None, project: str, source: str) -> str | None:
    """ "<year>/<项目名称>" as a file name valid on Windows too; None when the form has no year."""
    if year is None:
        return None
    stem = safe_filename(project or Path(source.split("#")[0]).stem)
    if stem.casefold() in RESERVED_STEMS:
        stem += "-项目"  # summary.xlsx / summary.docx / index.html belong to perfdoc
    return f"{year}/{stem}"


def _href(target: Path, start: Path) -> str:
    """A relative link that survives zipping the build folder and mailing it."""
    return quote(os.path.relpath(target, start).replace(os.sep, "/"))


# -- the inputs every output depends on -----------------------------------------------------------------------


def inputs_salt(config: Config, formats: tuple[str, ...]) -> str:
    """A hash of everything besides the source that shapes the outputs: perfdoc, config, templates, formats."""
    h = hashlib.sha256(f"perfdoc {__version__}\n{sorted(formats)}\n".encode())
    for f in fields(Config):
        if f.name != "root":
            h.update(f"{f.name}={getattr(config, f.name)!r}\n".encode())
    for folder in template_dirs(config):
        for p in sorted(folder.iterdir()):
            if p.is_file() and p.suffix in (".docx", ".j2", ".css", ".js", ".html"):
                h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def source_key(salt: str, path: Path) -> str:
    return hashlib.sha256(salt.encode() + b"\0" + str(path).encode() + b"\0" + path.read_bytes()).hexdigest()


@dataclass
class Cache:
    """build/.perfdoc-cache.json: for each source its input key, its digests and the files it produced."""

    path: Path
    salt: str = ""
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Cache:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, data["salt"], data["entries"])
        except (OSError, ValueError, KeyError, TypeError):
            return cls(path)  # no cache, or a damaged one: rebuild everything

    def save(self) -> None:
        text = json.dumps({"salt": self.salt, "entries": self.entries}, ensure_ascii=False, sort_keys=True)
        write_atomic(self.path, text.encode("utf-8"))


# -- one source, in a worker ----------------------------------------------------------------------------------


@dataclass
class Job:
    config: Config
    formats: tuple[str, ...]
    out: Path


_renderers: dict[str, Any] = {}


def _renderer(kind: str, config: Config) -> Any:
    """One compiled template per worker process, not one per form."""
    if kind not in _renderers:
        if kind == "docx":
            from .render.docx import DocxRenderer

            _renderers[kind] = DocxRenderer(template_path(config, "form.docx"))
        else:
            from .render.html import HtmlRenderer

            _renderers[kind] = HtmlRenderer(template_dirs(config), config)
    return _renderers[kind]


@dataclass
class Built:
    source: str  # the source file as given
    digests: list[Digest]
    outputs: dict[str, dict[str, str]]  # digest path → format → file
    written: int = 0


def build_source(job: Job, source: Path) -> Built:
    """Check one source file (a .docx may hold several forms) and render every form that has no errors."""
    reports = check_docx(source, job.config) if source.suffix.lower() == ".docx" else [check_file(source, job.config)]
    built = Built(str(source), [], {})
    for rep in reports:
        a = rep.assessment
        name = output_name(a.year, a.project, rep.path) if a else None
        built.digests.append(digest_of(rep, job.config, name))
        if name is None:
            continue
        targets = {fmt: job.out / f"{name}.{fmt}" for fmt in ("docx", "html") if _wants(job.formats, fmt)}
        if not rep.ok:
            for fmt in FORMATS:
                remove_stale(job.out / f"{name}.{fmt}")
            continue
        built.outputs[rep.path] = {fmt: str(p) for fmt, p in targets.items()}
        built.written += render_outputs(job, rep, targets)
    return built


def _wants(formats: tuple[str, ...], fmt: str) -> bool:
    return fmt in formats or (fmt == "docx" and "pdf" in formats)


def render_outputs(job: Job, rep: FileReport, targets: dict[str, Path]) -> int:
    assert rep.result is not None
    written = 0
    if "docx" in targets:
        written += write_atomic(targets["docx"], _renderer("docx", job.config).render_form(rep.result, job.config))
    if "html" in targets:
        page = targets["html"]
        links: dict[str, str | None] = {"index": _href(job.out / "index.html", page.parent)}
        for fmt in ("docx", "pdf"):
            sibling = page.with_suffix(f".{fmt}")
            links[fmt] = _href(sibling, page.parent) if _wants(job.formats, fmt) or sibling.is_file() else None
        written += write_atomic(page, _renderer("html", job.config).render_form(rep, links))
    return written


_job: Job | None = None


def _init_worker(job: Job) -> None:
    global _job
    _job = job


def _work(source: str) -> Built:
    assert _job is not None
    return build_source(_job, Path(source))


def run_jobs(job: Job, sources: list[Path], jobs: int, progress: Callable[[int, int, str], None] | None) -> list[Built]:
    """Build the sources, in parallel when jobs > 1; results come back in source order."""
    results: list[Built] = []
    total = len(sources)
    if jobs <= 1 or total < 4:
        for i, s in enumerate(sources, start=1):
            results.append(build_source(job, s))
            if progress:
                progress(i, total, display_path(s))
        return results
    import concurrent.futures as cf
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin" else "spawn"
    ctx = multiprocessing.get_context(method)
    chunk = max(1, min(32, total // (jobs * 8)))
    with cf.ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=(job,)) as pool:
        for i, built in enumerate(pool.map(_work, [str(s) for s in sources], chunksize=chunk), start=1):
            results.append(built)
            if progress:
                progress(i, total, display_path(Path(built.source)))
    return results


# -- the build -------------------------------------------------------------------------------------------------


def build(
    paths: Iterable[Path],
    config: Config,
    formats: tuple[str, ...] = ("docx", "html"),
    out_dir: Path | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> BuildResult:
    out = out_dir or (config.root / config.build_dir)
    _renderers.clear()  # templates may have changed since an earlier build in this process
    job = Job(config, tuple(formats), out)
    sources = collect_sources(paths)
    cache = Cache.load(out / CACHE_FILE)
    salt = inputs_salt(config, job.formats)
    fresh: dict[str, dict[str, Any]] = {}
    stale: list[Path] = []
    keys: dict[str, str] = {}
    stats: dict[str, list[int]] = {}
    for source in sources:
        entry = cache.entries.get(str(source)) if cache.salt == salt else None
        try:
            st = source.stat()
            stats[str(source)] = [st.st_size, st.st_mtime_ns]
        except OSError:
            stats[str(source)] = []
        if entry and entry.get("stat") == stats[str(source)]:
            key = entry["key"]  # unchanged size and mtime: trust the hash taken when it was built, as make does
        else:
            key = source_key(salt, source) if source.is_file() else ""
        keys[str(source)] = key
        if key and entry and entry["key"] == key and _outputs_exist(entry):
            fresh[str(source)] = entry
        else:
            stale.append(source)
    built = {b.source: b for b in run_jobs(job, stale, jobs or os.cpu_count() or 1, progress)}
    result = BuildResult(rebuilt=len(stale))
    new_entries: dict[str, dict[str, Any]] = {}
    restat = False
    for source in sources:
        s = str(source)
        if s in built:
            b = built[s]
            entry = {
                "key": keys[s],
                "stat": stats[s],
                "digests": [d.to_json() for d in b.digests],
                "outputs": b.outputs,
            }
            result.written += b.written
            result.digests.extend(b.digests)
        else:
            entry = fresh[s]
            if entry.get("stat") != stats[s]:
                entry["stat"] = stats[s]  # touched, not changed: remember the new mtime
                restat = True
            result.digests.extend(Digest.from_json(d) for d in entry["digests"])  # only the cached come from JSON
        new_entries[s] = entry
        for path, outputs in entry["outputs"].items():
            result.outputs[path] = {fmt: Path(p) for fmt, p in outputs.items()}
    _remove_orphans(cache, new_entries, job.formats)
    changed = bool(stale) or cache.salt != salt or set(cache.entries) != set(new_entries)
    if _settle_clashes(result, job, new_entries):
        changed = True
    result.skipped = [d.path for d in result.digests if not d.ok]
    if "pdf" in job.formats:
        _write_pdf(result, stale, new_entries)
    if changed or ("html" in job.formats and not (out / "index.html").is_file()):
        result.written += len(write_summaries(result.digests, config, out, word=_wants(job.formats, "docx")))
        if "html" in job.formats:
            result.written += write_index(result.digests, config, out)
    if changed or restat:
        cache.salt, cache.entries = salt, {s: e for s, e in new_entries.items() if e["key"]}
        cache.save()
    return result


def _outputs_exist(entry: dict[str, Any]) -> bool:
    return all(os.path.isfile(p) for outputs in entry["outputs"].values() for p in outputs.values())


def _remove_orphans(cache: Cache, current: dict[str, dict[str, Any]], formats: tuple[str, ...]) -> None:
    """Outputs the last build made that this one does not: of deleted sources, renamed projects, new errors.

    A format this build was not asked for is left alone where its source still exists: `build --format html`
    after a Word build keeps the .docx files.
    """
    keep = {p for e in current.values() for outputs in e["outputs"].values() for p in outputs.values()}
    for source, entry in cache.entries.items():
        for outputs in entry["outputs"].values():
            for fmt, p in outputs.items():
                if p not in keep and (source not in current or _wants(formats, fmt)):
                    remove_stale(Path(p))
                    remove_stale(Path(p).with_suffix(".pdf"))


def _settle_clashes(result: BuildResult, job: Job, entries: dict[str, dict[str, Any]]) -> bool:
    """Two forms of one year with the same 项目名称 (PD501), or names that clean up alike: the first in source
    order keeps the file, which is rendered again so that no worker's race decides its content."""
    by_name: dict[str, list[Digest]] = {}
    for d in result.digests:
        if d.ok and d.name:
            by_name.setdefault(d.name.casefold(), []).append(d)
    clashes = [ds for ds in by_name.values() if len(ds) > 1]
    if not clashes:
        return False
    for group in clashes:
        winner, *losers = group
        for d in losers:
            if d.project == winner.project and d.year is not None:
                at = Position(*d.project_at) if d.project_at else None
                d.diagnostics.append(duplicate_project(d.path, d.year, d.project, winner.path, at))
                d.ok = False
                result.outputs.pop(d.path, None)
            else:
                d.name = f"{d.name}-{safe_filename(Path(d.path.split('#')[0]).stem)}"
                _rerender(job, d, result)
        _rerender(job, winner, result)
    involved = {d.path.split("#")[0] for group in clashes for d in group}
    for source, entry in entries.items():
        if display_path(Path(source)) in involved:
            entry["key"] = ""  # checked again next time rather than trusted from the cache
    return True


def _rerender(job: Job, digest: Digest, result: BuildResult) -> None:
    source = Path(digest.path.split("#")[0])
    reports = check_docx(source, job.config) if source.suffix.lower() == ".docx" else [check_file(source, job.config)]
    rep = next(r for r in reports if r.path == digest.path)
    assert digest.name is not None
    targets = {fmt: job.out / f"{digest.name}.{fmt}" for fmt in ("docx", "html") if _wants(job.formats, fmt)}
    result.written += render_outputs(job, rep, targets)
    result.outputs[digest.path] = targets


def _write_pdf(result: BuildResult, stale: list[Path], entries: dict[str, dict[str, Any]]) -> None:
    """PDFs for the .docx files written in this run, and for any whose PDF is missing."""
    from .pdf import PdfUnavailable, convert_to_pdf

    rebuilt = {
        Path(p)
        for s in stale
        for outs in entries[str(s)]["outputs"].values()
        for fmt, p in outs.items()
        if fmt == "docx"
    }
    todo = [
        outs["docx"]
        for outs in result.outputs.values()
        if "docx" in outs and (outs["docx"] in rebuilt or not outs["docx"].with_suffix(".pdf").is_file())
    ]
    if todo:
        try:
            result.written += len(convert_to_pdf(todo))
        except PdfUnavailable as exc:
            result.notes.append(str(exc))
            return
    for outs in result.outputs.values():
        if "docx" in outs and outs["docx"].with_suffix(".pdf").is_file():
            outs["pdf"] = outs["docx"].with_suffix(".pdf")


# -- what stands over all the forms ---------------------------------------------------------------------------


def index_entries(digests: list[Digest], out: Path) -> list[Any]:
    """What the index links to: the outputs that exist in out/ for each form."""
    from .render.html import IndexEntry

    entries = []
    for d in digests:
        entry = IndexEntry(d)
        if d.name is not None and d.ok:
            for fmt, attr in (("html", "page"), ("docx", "docx"), ("pdf", "pdf")):
                target = out / f"{d.name}.{fmt}"
                if target.is_file():
                    setattr(entry, attr, _href(target, out))
        entries.append(entry)
    return entries


def write_index(digests: list[Digest], config: Config, out: Path) -> int:
    """build/index.html with the summary of every year; returns 1 when it wrote."""
    from .summary import summarize, view, years_of

    renderer = _renderer("html", config)
    summaries = []
    for year in years_of(digests):
        v = view(summarize(digests, config, year), config)
        files = [(label, out / str(year) / f"summary.{ext}") for label, ext in (("Excel", "xlsx"), ("Word", "docx"))]
        v["files"] = [(label, _href(p, out)) for label, p in files if p.is_file()]
        summaries.append(v)
    return int(write_atomic(out / "index.html", renderer.render_index(index_entries(digests, out), summaries)))


def write_summaries(digests: list[Digest], config: Config, out: Path, word: bool) -> list[Path]:
    """build/<year>/summary.xlsx (and summary.docx) for every year with assessments."""
    from .render.docx import CompiledDocxTemplate
    from .render.wordml import CoreProperties
    from .summary import summarize, view, xlsx_bytes, years_of

    template = CompiledDocxTemplate(template_path(config, "summary.docx")) if word else None
    written = []
    for year in years_of(digests):
        summary = summarize(digests, config, year)
        target = out / str(year) / "summary.xlsx"
        if write_atomic(target, xlsx_bytes(summary, config)):
            written.append(target)
        if template is not None:
            core = CoreProperties(
                title=f"{year} 年度项目支出绩效自评汇总表",
                subject="项目支出绩效自评汇总表",
                creator="perfdoc",
                keywords=f"绩效自评,{year},汇总",
                description="由 perfdoc 生成",
                timestamp=f"{year + 1:04d}-01-01T00:00:00Z",
            )
            target = out / str(year) / "summary.docx"
            if write_atomic(target, template.render(view(summary, config), core)):
                written.append(target)
    return written


def digests_of(paths: Iterable[Path], config: Config) -> list[Digest]:
    """Check sources (no rendering) and digest them, with PD501 across files: for `summary` and `check`."""
    from .check import check_paths

    reports = check_paths(paths, config)
    return [
        digest_of(r, config, output_name(r.assessment.year, r.assessment.project, r.path) if r.assessment else None)
        for r in reports
    ]


__all__ = ["BuildResult", "build", "display_path", "template_path"]
