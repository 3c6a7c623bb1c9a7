"""`perfdoc build`: the whole pipeline, as Sphinx and mkdocs build.

1. collect the project's sources (content/) and the ones named; skip those whose inputs did not change;
2. read (in parallel): read, check and score every changed source, and render each of its forms into
   temporary files under the name it asks for (``<year>/<项目名称>``), in the same worker, so that a form never
   crosses a pipe: only its small digest and the names of its temporary files come back;
3. settle what spans files: output names (the previous owner of a name keeps it; same project twice is PD501;
   names that clean up alike get a suffix no other form uses), the forms that keep their last good files.
   A form whose settled name is not the one it was rendered under (a rare collision) loses its temporary files
   and is rendered again under its settled name; nothing else is rendered twice;
4. rename every temporary file into place at once and remove the outputs no form produces any more;
5. converted formats (PDF), then the year summaries and the index from the digests of every form; the cache.

Nothing is renamed into place before every form has rendered: a template error, a full disk or a crash leaves
build/ as it was. A form with errors keeps the outputs of its last good build (PD703), or gets a draft with
``--draft``. Output and messages come out in source order whatever order the workers finish in. The formats
come from the registry (``perfdoc.render.formats``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from . import __version__
from .check import (
    FileReport,
    collect_sources,
    display_path,
    duplicate_project,
    forget_resolved,
    internal_error,
    report_source,
    resolved,
    resolved_folder,
)
from .config import Config
from .diagnostics import Diagnostic, PerfdocError, Position, TemplateError
from .digest import Digest, digest_of
from .record import field, record, record_fields
from .render.formats import (
    CollectionOutput,
    FormOutput,
    closure,
    collections,
    forget_compiled,
    parse_formats,
    per_form,
    registry,
    suffixes,
    wants,
)
from .render.templates import PACKAGE, PACKAGED_TEMPLATES
from .write import WriteError, commit, discard, remove_stale, safe_filename, stage

RESERVED_STEMS = {"summary", "index"}
ASIDE_FROM = 32  # forms from which the summaries, index and cache are written beside the main process (Aside)
CACHE_FILE = ".perfdoc-cache.json"
CACHE_VERSION = 3  # 3: diagnostics keep their configured severity


@record
class BuildResult:
    digests: list[Digest] = field(default_factory=list)  # one per form, in source order
    outputs: dict[str, dict[str, Path]] = field(default_factory=dict)  # form → format → file
    written: int = 0
    rebuilt: int = 0  # sources read and rendered in this run (the others came from the cache)
    skipped: list[str] = field(default_factory=list)  # forms not written because of errors (no draft either)
    notes: list[str] = field(default_factory=list)  # problems besides the forms' own (PDF, summaries): exit 1
    remarks: list[str] = field(default_factory=list)  # said, but nothing is wrong with the build (a stale cache)
    sources: list[str] = field(default_factory=list)  # every source of the output folder, as read or carried
    # The same build run again with nothing changed would read, render and write nothing (perfdoc.replay)
    settled: bool = False

    @property
    def errors(self) -> int:
        return sum(d.errors for d in self.digests)


def output_name(year: int | None, project: str, source: str) -> str | None:
    """ "<year>/<项目名称>" as a file name valid on Windows too; None when the form has no year."""
    if year is None:
        return None
    stem = safe_filename(project or Path(source.split("#")[0]).stem)
    if stem.casefold() in RESERVED_STEMS:
        stem += "-项目"  # summary.xlsx / summary.docx / index.html belong to perfdoc
    return f"{year}/{stem}"


# -- the inputs every output depends on -----------------------------------------------------------------------

_code_digest: str | None = None


def code_digest() -> str:
    """perfdoc's own code and packaged templates: an edited rule, message or template invalidates the cache.

    Each file counts by its name, size and modification time, as make and the cache's own sources do: reading
    and hashing all 2 MB of them took ~10 ms of every build, a no-op's included. Installing or editing perfdoc
    writes the files anew."""
    global _code_digest
    if _code_digest is None:
        h = hashlib.sha256(__version__.encode())
        for folder in (PACKAGE, PACKAGED_TEMPLATES):
            found: list[tuple[str, int, int]] = []
            for top, dirs, files in os.walk(folder):
                dirs[:] = [d for d in dirs if d != "__pycache__"]
                for name in files:
                    if name.endswith((".py", ".toml", ".docx", ".j2", ".css", ".js")):
                        st = os.stat(os.path.join(top, name))
                        rel = os.path.relpath(os.path.join(top, name), folder).replace(os.sep, "/")
                        found.append((rel, st.st_size, st.st_mtime_ns))
            for rel, size, mtime in sorted(found):
                h.update(f"{rel}\0{size}\0{mtime}\n".encode())
        _code_digest = h.hexdigest()
    return _code_digest


def inputs_salt(config: Config, formats: tuple[str, ...], draft: bool = False) -> str:
    """A hash of everything besides the source that shapes the outputs: perfdoc, config, templates, formats."""
    h = hashlib.sha256(f"perfdoc {code_digest()}\n{sorted(formats)}\ndraft={draft}\n".encode())
    for name in record_fields(Config):
        if name != "root":
            h.update(f"{name}={getattr(config, name)!r}\n".encode())
    # The project's own templates and profiles, those of every profile a form may name included.
    for folder in (config.root / config.templates_dir, config.root / "profiles"):
        if folder.is_dir():
            for p in sorted(folder.rglob("*")):
                if p.is_file() and p.suffix in (".docx", ".j2", ".css", ".js", ".html", ".toml"):
                    h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def source_id(config: Config, path: Path) -> str:
    """How the cache names a source: relative to the project root, so that a copied project is its own."""
    real = resolved(path)
    try:
        return real.relative_to(resolved_folder(str(config.root))).as_posix()
    except ValueError:
        return real.as_posix()


def _source_path(config: Config, sid: str) -> Path:
    path = Path(sid)
    return path if path.is_absolute() else config.root / path


def source_key(salt: str, sid: str, path: Path) -> str:
    from .load import MAX_FILE_BYTES, read_bounded

    try:
        data = read_bounded(path, MAX_FILE_BYTES * 64)  # bounded: /dev/zero named by mistake is not hashed forever
    except OSError:
        return ""
    return hashlib.sha256(salt.encode() + b"\0" + sid.encode() + b"\0" + data).hexdigest()


def source_stat(path: Path) -> list[int]:
    """Size, mtime, ctime and inode: an edit that restores size and mtime still changes ctime, as git knows."""
    try:
        st = path.stat()
    except OSError:
        return []
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


# -- the cache --------------------------------------------------------------------------------------------------


@record
class Entry:
    """What the last build knew of one source: its input key, its forms' digests and their output files."""

    key: str
    stat: list[int]
    digests: list[Digest]
    outputs: list[dict[str, str]]  # per digest: format → file, relative to the output folder (posix)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "stat": self.stat,
            "digests": [d.to_json() for d in self.digests],
            "outputs": self.outputs,
        }


class CacheError(ValueError):
    pass


def safe_output(out: Path, rel: object) -> Path:
    """A path the cache names as an output: relative, inside the output folder, with an output's suffix."""
    _check_output(rel)
    assert isinstance(rel, str)
    return out.joinpath(*PurePosixPath(rel).parts)


def _check_output(rel: object) -> None:
    """<year>/<name><suffix> and nothing else (string tests: a cache names hundreds of outputs)."""
    if not isinstance(rel, str) or not rel or "\0" in rel or "\\" in rel:
        raise CacheError(f"输出路径无效：{rel!r}")
    parts = rel.split("/")
    if len(parts) != 2 or any(x in ("", ".", "..") for x in parts) or os.path.splitext(parts[1])[1] not in suffixes():
        raise CacheError(f"输出路径不在输出目录的年度文件夹中：{rel!r}")


@record
class Cache:
    """build/.perfdoc-cache.json: for each source its input key, its digests and the files it produced.

    Every path in it is relative (sources to the project root, outputs to the output folder) and is checked
    when read: a cache copied from elsewhere or edited by hand can never make a build delete a file outside
    the output folder. A cache of the wrong shape is discarded with a note.
    """

    path: Path
    salt: str = ""
    entries: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, notes: list[str]) -> Cache:
        if not path.is_file():
            return cls(path)
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
            if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
                raise CacheError("版本不符")
            salt, raw = data["salt"], data["entries"]
            if not isinstance(salt, str) or not isinstance(raw, dict):
                raise CacheError("结构不符")
            entries = {}
            for sid, e in raw.items():
                if not isinstance(e, dict) or not isinstance(e.get("key"), str) or not isinstance(e.get("stat"), list):
                    raise CacheError(f"条目 {sid!r} 结构不符")
                digests = [Digest.from_json(d) for d in e["digests"]]
                outputs = e["outputs"]
                if not isinstance(outputs, list) or len(outputs) != len(digests):
                    raise CacheError(f"条目 {sid!r} 的输出与表数不符")
                for files in outputs:
                    if not isinstance(files, dict) or not all(fmt in per_form() for fmt in files):
                        raise CacheError(f"条目 {sid!r} 的输出格式不符")
                    for rel in files.values():
                        _check_output(rel)
                entries[sid] = Entry(e["key"], [int(x) for x in e["stat"]], digests, outputs)
            return cls(path, salt, entries)
        except Exception as exc:  # any shape at all may be found here: none may stop a build
            reason = exc if isinstance(exc, CacheError) else f"{type(exc).__name__}"
            notes.append(f"提示：构建缓存 {path} 无法使用（{reason}），已忽略并全部重新生成")
            return cls(path)

    def to_bytes(self) -> bytes:
        """The same text as json.dumps of the whole cache with sorted keys, made entry by entry: the whole tree
        of a thousand forms' digests at once took 15 MB."""
        chunks = [b'{"entries": {']
        for i, (sid, entry) in enumerate(sorted(self.entries.items())):
            text = (
                json.dumps(sid, ensure_ascii=False)
                + ": "
                + json.dumps(entry.to_json(), ensure_ascii=False, sort_keys=True)
            )
            chunks.append(((", " if i else "") + text).encode("utf-8"))
        chunks.append(f'}}, "salt": {json.dumps(self.salt)}, "version": {CACHE_VERSION}}}'.encode())
        return b"".join(chunks)

    def stage(self) -> Path | None:
        """Written to a temporary file beside its place (None: the file already holds exactly this)."""
        return stage(self.path, self.to_bytes())


# -- one source, in a worker ----------------------------------------------------------------------------------


@record
class Job:
    config: Config
    formats: tuple[str, ...]
    out: Path
    draft: bool = False


@record
class Staged:
    """One form's outputs, rendered into temporary files beside their targets, not yet renamed into place."""

    name: str  # the output stem they were rendered for: "2020/创业孵化基地运行保障"
    files: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # format → (temp file or None, target)


@record
class Checked:
    """One source read, checked and scored, with a digest per form; and, when the source was named, each
    renderable form rendered under the name it asks for (settled later: ``Form.provisional``)."""

    source: str  # the source file as given
    digests: list[Digest]
    renderable: list[bool]  # per digest: read and scored well enough to be written (or drafted)
    rendered: list[Rendered | None]  # per digest: its files, rendered under digest.name before settling


@record
class RenderItem:
    """One form to render again from its source, under the name the build settled (its name moved)."""

    source: str
    index: int  # the form's place in its source (a .docx may hold several)
    name: str
    draft_errors: int = 0


@record
class Rendered:
    staged: Staged | None = None
    problems: list[Diagnostic] = field(default_factory=list)  # PD701 / PD901 of this form
    template_error: str | None = None  # everyone's problem: the build stops, nothing is written
    draft_errors: int = 0  # the error count its draft mark shows


def drafted(rep: FileReport, config: Config) -> FileReport:
    """A form with errors, scored as far as it can be, for a draft: computed figures where they can be
    computed, typed ones where they cannot."""
    if rep.result is not None or rep.assessment is None:
        return rep
    from .scoring import score

    try:
        rep.result = score(rep.assessment, config)
    except Exception:  # a half-read form may not score at all: then there is no draft to show
        rep.result = None
    return rep


def check_source(job: Job, source: Path, render: bool = False) -> Checked:
    """Read, check and score one source; with ``render``, render each of its renderable forms into temporary
    files under the name it asks for. Nothing is renamed into place here."""
    checked, reports = read_source(job, source)
    return render_checked(job, checked, reports, render)


def read_source(job: Job, source: Path) -> tuple[Checked, list[FileReport | None]]:
    """One source read, checked and scored; with it, the reports of the forms that can be rendered."""
    checked = Checked(str(source), [], [], [])
    reports: list[FileReport | None] = []
    for rep in report_source(source, job.config):
        a = rep.assessment
        name = output_name(a.year, a.project, rep.path) if a and a.project else None
        config = rep.config or job.config  # the profile the form names, if it names one
        if job.draft and not rep.ok:
            drafted(rep, config)
        digest = digest_of(rep, config, name)
        renderable = name is not None and rep.result is not None and (rep.ok or job.draft)
        digest.draft = renderable and not rep.ok
        checked.digests.append(digest)
        checked.renderable.append(renderable)
        rep.raw = None  # positions are placed: the raw tree is not needed to render
        reports.append(rep if renderable else None)
    return checked, reports


def render_checked(job: Job, checked: Checked, reports: list[FileReport | None], render: bool = True) -> Checked:
    """With ``render``, each renderable report rendered under the name its digest asks for."""
    for digest, rep in zip(checked.digests, reports, strict=True):
        if render and rep is not None and digest.name is not None:
            checked.rendered.append(render_report(job, rep, digest.name, digest.draft_errors))
        else:
            checked.rendered.append(None)
    return checked


def _read_sources(job: Job, items: list[tuple[str, bool]]) -> list[tuple[Checked, list[FileReport | None]]]:
    return [read_source(job, Path(source)) for source, _ in items]


def render_item(job: Job, item: RenderItem) -> Rendered:
    """Render one form again, from its source, under its settled name (its name moved since it was read)."""
    try:
        _, reports = read_source(job, Path(item.source))
        rep = reports[item.index] if item.index < len(reports) else None
    except Exception as exc:
        return Rendered(problems=[internal_error(item.source, exc).diagnostics[0]])
    if rep is None:
        return Rendered()
    return render_report(job, rep, item.name, item.draft_errors)


def render_report(job: Job, rep: FileReport, name: str, draft_errors: int) -> Rendered:
    """Render one checked form under a name; a write failure or a failure of perfdoc itself becomes a
    diagnostic of the form (PD701, PD901). A template error is everyone's: it stops the build."""
    try:
        return Rendered(render_staged(job, rep, name, draft_errors), draft_errors=draft_errors)
    except TemplateError as exc:
        return Rendered(template_error=str(exc))
    except WriteError as exc:
        return Rendered(problems=[Diagnostic.make("PD701", str(exc)).with_path(rep.path)])
    except Exception as exc:
        return Rendered(problems=[internal_error(rep.path, exc).diagnostics[0]])


def render_staged(job: Job, rep: FileReport, name: str, draft_errors: int) -> Staged:
    """Every rendered format of the build, for one form, into temporary files beside their targets."""
    assert rep.result is not None
    staged = Staged(name)
    chosen = closure(job.formats)
    config = rep.config or job.config  # a form that names its own 表式 is rendered in it
    try:
        for fmt in per_form().values():
            if fmt.render is None or fmt.name not in chosen:
                continue
            target = job.out / f"{name}{fmt.suffix}"
            data = fmt.render(FormOutput(rep, config, target, job.out, chosen, draft_errors))
            if data is None:  # a document this form's stage or body does not have (a report without sections)
                continue
            staged.files[fmt.name] = (_str(stage(target, data)), str(target))
    except BaseException:
        discard_all([staged])
        raise
    return staged


def _str(p: Path | None) -> str | None:
    return None if p is None else str(p)


def discard_all(staged: Iterable[Staged | None]) -> None:
    for s in staged:
        if s is not None:
            for tmp, _ in s.files.values():
                discard(Path(tmp) if tmp else None)


_job: Job | None = None


def _init_worker(job: Job) -> None:
    global _job
    _job = job


def _work_check(item: tuple[str, bool]) -> Checked:
    assert _job is not None
    return check_source(_job, Path(item[0]), item[1])


def _work_render(item: RenderItem) -> Rendered:
    assert _job is not None
    return render_item(_job, item)


def _fork_context() -> Any:
    """multiprocessing's fork context where forking is safe (not macOS, where system libraries may not survive
    a fork), else None. Imported here: a build with nothing to do starts no process and imports none of it."""
    import multiprocessing

    if sys.platform == "darwin" or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


class Workers:
    """The build's processes, started only when the work is worth it; results come back in the order given,
    whatever order the workers finish in. Each source is read, checked and rendered by one worker, so that
    only digests and file names cross the pipe."""

    def __init__(self, job: Job, jobs: int):
        self.job, self.jobs = job, jobs
        self.pool: Any = None

    def _pool(self, total: int) -> Any:
        if self.jobs <= 1 or total < 4:
            return None
        if self.pool is None:
            import concurrent.futures as cf
            import multiprocessing

            ctx = _fork_context() or multiprocessing.get_context("spawn")
            workers = min(self.jobs, total)
            self.pool = cf.ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(self.job,))
        return self.pool

    def _chunk(self, total: int) -> int:
        # Small chunks: a form takes milliseconds and a pipe round trip far less, and the last chunks must not
        # leave one worker busy while the other waits.
        return max(1, min(4, total // (self.jobs * 32)))

    def map(self, local: Callable[[Job, Any], Any], remote: Callable[[Any], Any], items: list[Any]) -> Iterable[Any]:
        pool = self._pool(len(items))
        if pool is None:
            return (local(self.job, item) for item in items)
        results: Iterable[Any] = pool.map(remote, items, chunksize=self._chunk(len(items)))
        return results

    def check_and_render(self, items: list[tuple[str, bool]], warm: Callable[[bool], None]) -> Iterable[Checked]:
        """Every source read, checked and (when named) rendered. Many sources: by the workers, each source by one.
        Few (a new project, an edited form): a forked process reads and checks them while this one loads what
        rendering needs (``warm``: engines and templates, which take longer to load than a form to check; its
        argument: those of the forms too), and this one renders them; with one process allowed, all in this one."""
        pool = self._pool(len(items))
        if pool is not None:
            results: Iterable[Checked] = pool.map(_work_check, items, chunksize=self._chunk(len(items)))
            # Meanwhile this process loads what the summaries and the index need (their processes fork from it),
            # and not what only the workers need: on two cores, that took CPU from the workers as they started.
            warm(False)
            return results
        if self.jobs <= 1 or not any(render for _, render in items):
            return (check_source(self.job, Path(source), render) for source, render in items)
        reading = Aside(_read_sources, (self.job, items), parallel=True)
        warm(True)
        if not reading.ready():  # time to spare: load what only texts with markup need, before it is needed
            warm_markdown()
        try:
            read = reading.result()
        except Exception:  # the reading process died, or its result could not travel: read here instead
            return (check_source(self.job, Path(source), render) for source, render in items)
        return (
            render_checked(self.job, checked, reports, render)
            for (checked, reports), (_, render) in zip(read, items, strict=True)
        )

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None


# -- the build -------------------------------------------------------------------------------------------------


@record
class Form:
    """One form of the build, whatever its origin: checked in this run, or taken from the cache."""

    sid: str  # its source, as the cache names it
    source: str  # the source path as given
    index: int  # its place in the source
    order: int  # source order
    digest: Digest
    renderable: bool = False  # checked in this run, named, and can be written (or drafted)
    provisional: Rendered | None = None  # rendered while it was read, under the name it asked for
    staged: Staged | None = None  # rendered in this run, under its settled name
    cached: dict[str, str] | None = None  # its outputs of the last build (relative paths)
    rebuilt: bool = False
    cached_draft: bool = False  # those outputs are drafts: never kept as a form's "last good" files


def project_sources(config: Config) -> list[Path]:
    content = config.root / config.content_dir
    return collect_sources([content]) if content.is_dir() else []


def build(
    paths: Iterable[Path],
    config: Config,
    formats: tuple[str, ...] = ("docx", "html"),
    out_dir: Path | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    *,
    draft: bool = False,
    force: bool = False,
) -> BuildResult:
    out = out_dir or (config.root / config.build_dir)
    forget_compiled()  # templates may have changed since an earlier build in this process
    forget_resolved()
    job = Job(config, tuple(formats), out, draft)
    result = BuildResult()

    # 1. What the project holds, what was named, and what changed.
    # The forms this output folder holds: the project's (in its own build/), those it built before, and the
    # ones named. A build of some of them renders only those; the index and summaries still cover all.
    named = collect_sources(paths)
    cache = Cache.load(out / CACHE_FILE, result.remarks)
    own_out = out.resolve() == (config.root / config.build_dir).resolve()
    project = project_sources(config) if own_out else []
    tracked = [p for p in (_source_path(config, sid) for sid in cache.entries) if p.is_file()]
    ids = {s: source_id(config, s) for s in [*project, *tracked, *named]}
    sources = list({sid: s for s, sid in ids.items()}.values())  # one per source, whatever path named it
    named_ids = {ids[s] for s in named}
    # Partial: some of the project's own sources were left out. Sources it built before from elsewhere are
    # carried along untouched either way.
    partial = not {ids[s] for s in project} <= named_ids
    salt = inputs_salt(config, job.formats, draft)
    usable = cache.salt == salt and not force
    keys: dict[str, str] = {}
    stats: dict[str, list[int]] = {}
    stale: list[Path] = []
    for s in sources:
        sid = ids[s]
        entry = cache.entries.get(sid) if usable else None
        stats[sid] = source_stat(s)
        if entry and stats[sid] and entry.stat == stats[sid]:
            keys[sid] = entry.key  # unchanged size, times and inode: trust the hash taken when it was built
        else:
            keys[sid] = source_key(salt, sid, s) if s.is_file() else ""
        fresh = entry is not None and keys[sid] and entry.key == keys[sid] and _outputs_exist(out, entry)
        if not fresh:
            stale.append(s)

    # 2. Read, check and render every source that changed, each in one worker; only the named ones render.
    workers = Workers(job, jobs or os.cpu_count() or 1)
    try:
        to_check = [(str(s), ids[s] in named_ids) for s in stale]
        checked: dict[str, Checked] = {}
        shown = [s for s in stale if ids[s] in named_ids]  # progress for the sources this build was given
        done = 0
        for c in workers.check_and_render(to_check, lambda forms: prepare(config, job.formats, forms)):
            checked[c.source] = c
            if progress and ids[Path(c.source)] in named_ids:
                done += 1
                progress(done, len(shown), display_path(Path(c.source)))
        forms = _forms(sources, ids, named_ids, checked, cache)
        del checked  # each form holds what it needs: a thousand forms' worth is not kept twice
        result.rebuilt = sum(1 for s in stale if ids[s] in named_ids)
        provisional = [f.provisional for f in forms if f.provisional is not None]
        failed = [r.template_error for r in provisional if r.template_error]
        if failed:
            discard_all(r.staged for r in provisional)
            raise TemplateError(failed[0])

        # 3. Settle what spans files: PD501, output names, the forms that keep their last good files. A form
        # rendered under another name than the one settled (a collision) is rendered again; so is one from the
        # cache whose name moved.
        settle_names(forms)
        todo: list[Form] = []
        for f in forms:
            r, f.provisional = f.provisional, None
            wanted = _to_render(f, named_ids)
            name = f.digest.name
            if (
                r is not None
                and wanted
                and r.draft_errors == f.digest.draft_errors
                and (r.staged is None or r.staged.name == name)
            ):
                _rendered(f, r)
                continue
            if r is not None:
                discard_all([r.staged])
            if wanted:
                todo.append(f)
        items = [RenderItem(f.source, f.index, f.digest.name or "", f.digest.draft_errors) for f in todo]
        rendered = list(workers.map(render_item, _work_render, items))
    finally:
        workers.close()
    failed = [r.template_error for r in rendered if r.template_error]
    if failed:
        discard_all(f.staged for f in forms)
        discard_all(r.staged for r in rendered)
        raise TemplateError(failed[0])
    for form, r in zip(todo, rendered, strict=True):
        _rendered(form, r)

    # 5. Commit: every staged file into place, then remove what no form produces any more.
    live = set(ids.values())
    new_entries = {sid: e for sid, e in cache.entries.items() if sid not in named_ids and sid in live}
    for form in forms:
        files = commit_form(form, out, job.formats, result)
        form.staged = None  # renamed into place: the temporary names are not needed any more
        result.digests.append(form.digest)
        if files:
            result.outputs[form.digest.path] = {fmt: out / rel for fmt, rel in files.items()}
        if form.sid not in named_ids:
            continue  # not named: its entry (if any) is carried over as it was
        entry = new_entries.setdefault(form.sid, Entry(keys[form.sid], stats[form.sid], [], []))
        entry.digests.append(form.digest)
        entry.outputs.append(files)
    gone = set() if partial else set(cache.entries) - live  # deleted sources, in a build of the whole project
    keep = {rel for e in new_entries.values() for files in e.outputs for rel in files.values()}
    remove_orphans(cache, new_entries, keep, out, job.formats, named_ids | gone)
    if not partial:
        sweep_untracked(out, keep)
    result.skipped = [d.path for d in result.digests if not d.ok and not d.draft]

    # 6. What stands over all the forms: conversions (PDF from the Word files), then summaries and the index.
    convert_outputs(result, forms, out, job.formats)
    changed = bool(stale) or not usable or set(cache.entries) != set(new_entries) or bool(todo)
    # Beside the main process only where it pays: forking costs more than writing the summaries of a few forms.
    parallel = (jobs or os.cpu_count() or 1) > 1 and len(result.digests) >= ASIDE_FROM
    collecting: list[Aside] = []
    if changed or (not (out / "index.html").is_file() and "html" in job.formats):
        # The year summaries and the index are written at the same time, each by its own process (at 1,000
        # forms, 0.2 and 0.3 s), and the cache by a third: the index links the year files this build writes.
        groups = collection_groups(job.formats)
        for i, group in enumerate(groups):
            others = tuple(name for g in groups[:i] for name in g)  # written first, or at the same time
            work = (result.digests, config, out, job.formats, group, others)
            collecting.append(Aside(write_collections, work, parallel))
    saving = None
    restat = any(sid in cache.entries and cache.entries[sid].stat != e.stat for sid, e in new_entries.items())
    if changed or restat:
        cache.salt, cache.entries = salt, {sid: e for sid, e in new_entries.items() if e.key}
        saving = Aside(cache.stage, (), parallel)  # renamed into place once the summaries and index are written
    failure: BaseException | None = None
    try:
        for aside in collecting:  # every one waited for, whatever an earlier one raised: no process left behind
            try:
                result.written += len(aside.result())
            except WriteError as exc:
                result.notes.append(f"汇总表与索引未更新：{exc}")
            except BaseException as exc:
                failure = failure or exc
        if failure is not None:
            raise failure
    except BaseException:
        # A template error in the summaries or the index: the cache is not renamed into place, so that the next
        # build tries them again (and says so again) instead of finding nothing to do.
        if saving is not None:
            with contextlib.suppress(Exception):
                discard(saving.result())
        raise
    if saving is not None:
        try:
            staged = saving.result()
            if staged is not None:
                commit(staged, cache.path)
        except WriteError as exc:
            result.notes.append(f"构建缓存未保存（下次将全部重新生成）：{exc}")
    result.sources = [str(s) for s in sources]
    result.settled = (
        not result.notes
        and not result.remarks
        and set(cache.entries) == live  # every source has its key and outputs in the cache as now saved
        and all(_outputs_exist(out, e) for e in cache.entries.values())
        and ("html" not in job.formats or (out / "index.html").is_file())
    )
    return result


class Aside:
    """Work over all the forms done beside the main process, in a forked one, when the build may use more than
    one process: the summaries and index and the cache are written at the same time, and the main process
    never holds what they take (rendering the index of 1,000 forms briefly needed 23 MB, saving their cache
    15 MB). Done in the main process otherwise. ``result()`` returns the work's result or raises its error."""

    def __init__(self, work: Callable[..., Any], args: tuple[Any, ...], parallel: bool):
        self.outcome: Any = None
        self.process: Any = None
        ctx = _fork_context() if parallel else None
        if ctx is not None:
            self.conn, child = ctx.Pipe(duplex=False)
            self.process = ctx.Process(target=_aside, args=(child, work, args), daemon=True)
            self.process.start()
            child.close()
            return
        self.outcome = _outcome(work, args)

    def ready(self) -> bool:
        """Whether the result is there to take (always, when the work was done in this process)."""
        return self.process is None or bool(self.conn.poll())

    def result(self) -> Any:
        if self.process is not None:
            try:
                self.outcome = self.conn.recv()
            except EOFError:
                self.outcome = _Failed(RuntimeError("生成汇总表、索引或缓存的进程意外退出"))
            self.process.join()
        if isinstance(self.outcome, _Failed):
            raise self.outcome.error
        return self.outcome


class _Failed(NamedTuple):
    error: BaseException


def _outcome(work: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    try:
        return work(*args)
    except Exception as exc:  # a template error, or perfdoc's own: raised in the main process
        return _Failed(exc)


def _aside(conn: Any, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
    outcome = _outcome(work, args)
    try:
        conn.send(outcome)
    except Exception as exc:  # an error that cannot be pickled: its message travels instead
        conn.send(_Failed(RuntimeError(f"{outcome}; {exc}")))
    conn.close()


def _rendered(form: Form, r: Rendered) -> None:
    form.staged, form.rebuilt = r.staged, form.rebuilt or r.staged is not None
    if r.problems:
        form.digest.diagnostics += r.problems
        form.digest.recheck()
        form.digest.draft = False
        _keep_last_good(form)


def _outputs_exist(out: Path, entry: Entry) -> bool:
    folder = os.fspath(out)  # joined as strings: a no-op build asks this of every output of every form
    return all(os.path.isfile(os.path.join(folder, rel)) for files in entry.outputs for rel in files.values())


def _forms(
    sources: list[Path], ids: dict[Path, str], named_ids: set[str], checked: dict[str, Checked], cache: Cache
) -> list[Form]:
    """Every form of the output folder, in source order: checked now, or carried from the cache."""
    forms: list[Form] = []
    for order, s in enumerate(sources):
        sid = ids[s]
        entry = cache.entries.get(sid)
        previous = entry.outputs if entry else []
        c = checked.get(str(s))
        if c is not None:
            for i, (d, renderable, r) in enumerate(zip(c.digests, c.renderable, c.rendered, strict=True)):
                cached = previous[i] if i < len(previous) else None
                was_draft = bool(entry and i < len(entry.digests) and entry.digests[i].draft)
                named = sid in named_ids  # changed but not named (a partial build): its figures, not its files
                form = Form(
                    sid,
                    str(s),
                    i,
                    order,
                    d,
                    renderable and named,
                    r,
                    cached=cached,
                    rebuilt=named,
                    cached_draft=was_draft,
                )
                forms.append(form)
        elif entry is not None:
            for i, (d, files) in enumerate(zip(entry.digests, entry.outputs, strict=True)):
                forms.append(Form(sid, str(s), i, order, d, cached=files))
    return forms


def _to_render(form: Form, named_ids: set[str]) -> bool:
    """Named, with a settled name and nothing against writing it: checked now, or from the cache but moved."""
    d = form.digest
    if form.sid not in named_ids or d.name is None or not (d.ok or d.draft) or d.kept:
        return False
    if form.rebuilt:
        return form.renderable
    return bool(form.cached) and not _held(form, d.name.casefold())


def settle_names(forms: list[Form]) -> None:
    """Give every form that has outputs a name no other form has, deterministically and without stealing.

    A name is compared case-folded (Windows and macOS see ABC and abc as one file). Of the forms that want a
    name, the one whose files held it in the last build keeps it, else the first in source order. Another form
    of the same year and 项目名称 is PD501 and gets no file; a different project whose name cleans up alike
    gets ``<name>-<source file>``, or a number after it, never a name another form wants. A form with errors
    wants the name of its last good files, and keeps them (PD703). Nothing is rendered yet: every form is
    rendered once, under the name settled here.
    """
    wanting: dict[str, list[Form]] = {}
    for form in forms:
        d = form.digest
        if any(x.code in ("PD501", "PD703") for x in d.diagnostics):  # said anew each build, from the forms now
            d.diagnostics = [x for x in d.diagnostics if x.code not in ("PD501", "PD703")]
            d.recheck()
        d.kept = False
        base = output_name(d.year, d.project, d.path) if d.project else None
        if not (d.ok or d.draft) and form.cached and not form.cached_draft:
            base = _cached_name(form)  # the last good files of a form that now has errors
        elif not (d.ok or d.draft):
            base = None
        d.name = base
        if base is not None:
            wanting.setdefault(base.casefold(), []).append(form)
    taken = set(wanting)
    for key, group in wanting.items():
        group.sort(key=lambda f: (not _held(f, key), f.order))
        winner, *others = group
        for form in others:
            d = form.digest
            if d.year == winner.digest.year and d.project == winner.digest.project and (d.ok or d.draft):
                assert d.year is not None
                at = Position(*d.project_at) if d.project_at else None
                d.diagnostics.append(duplicate_project(d.path, d.year, d.project, winner.digest.path, at))
                d.recheck()
                d.name, d.draft = None, False
                form.renderable, form.cached = False, None
                continue
            base = d.name or ""
            stem = safe_filename(Path(d.path.split("#")[0]).stem, max_bytes=60)
            candidate, n = f"{base}-{stem}", 2
            while candidate.casefold() in taken:
                candidate, n = f"{base}-{stem}-{n}", n + 1
            taken.add(candidate.casefold())
            d.name = candidate
    for form in forms:
        if not form.digest.ok and not form.digest.draft:
            _keep_last_good(form)


def _keep_last_good(form: Form) -> None:
    """A form that cannot be written keeps the files of its last good build under its name (PD703), if any."""
    d = form.digest
    if d.name is None:
        return
    d.kept = _held(form, d.name.casefold()) and not form.cached_draft
    if d.kept:
        d.diagnostics.append(
            Diagnostic.make(
                "PD703", f"有错误，未生成新文件；保留上次生成的 {d.name}.docx 等文件（不含本次修改）"
            ).with_path(d.path)
        )
    else:
        d.name = None


def _stem(rel: str) -> str:
    """The output name of a recorded file: 2020/项目.docx → 2020/项目."""
    return rel.rsplit(".", 1)[0]


def _cached_name(form: Form) -> str:
    assert form.cached
    return _stem(next(iter(form.cached.values())))


def _held(form: Form, key: str) -> bool:
    """Whether this form's files of the last build are those of the name `key` (case-folded)."""
    if not form.cached:
        return False
    return any(_stem(rel).casefold() == key for rel in form.cached.values())


def commit_form(form: Form, out: Path, formats: tuple[str, ...], result: BuildResult) -> dict[str, str]:
    """Rename the form's staged files into place; returns its outputs as the cache records them."""
    d = form.digest
    files: dict[str, str] = {}
    if form.staged is not None and d.name is not None:
        for fmt, (tmp, target) in form.staged.files.items():
            if tmp is not None:
                try:
                    commit(Path(tmp), Path(target))
                    result.written += 1
                except WriteError as exc:
                    d.diagnostics.append(Diagnostic.make("PD701", str(exc)).with_path(d.path))
                    d.recheck()
                    if not Path(target).is_file():
                        continue  # nothing there: nothing to record; an older file stays recorded below
            files[fmt] = f"{d.name}{registry()[fmt].suffix}"
    # Formats this build was not asked for stay as they were (build --format html keeps the .docx), as do
    # the last good files of a form that now has errors.
    if form.cached and d.name is not None and (files or d.kept):
        for fmt, rel in form.cached.items():
            carried = d.kept or not wants(formats, fmt)
            if fmt not in files and _stem(rel) == d.name and carried and (out / rel).is_file():
                files[fmt] = rel
    elif form.cached and not form.rebuilt and d.name is not None and (d.ok or d.draft):
        files = dict(form.cached)  # from the cache, untouched
    return files


def remove_orphans(
    cache: Cache, current: dict[str, Entry], keep: set[str], out: Path, formats: tuple[str, ...], touched: set[str]
) -> None:
    """Outputs the last build made that no form produces now: of deleted sources, renamed projects.

    Only files the cache recorded, inside the output folder (checked when the cache was read), and only of the
    sources this build was given (or, in a full build, of sources that no longer exist). `keep`: every file the
    new cache records.
    """
    for sid, entry in cache.entries.items():
        if sid not in touched:
            continue
        for files in entry.outputs:
            for fmt, rel in files.items():
                if rel in keep or (sid in current and not wants(formats, fmt)):
                    continue
                target = safe_output(out, rel)
                remove_stale(target)
                for made in _converted_from(fmt):  # the PDF of a removed Word file goes with it
                    derived = target.with_suffix(made.suffix)
                    if derived.relative_to(out).as_posix() not in keep:
                        remove_stale(derived)


def _converted_from(name: str) -> list[Any]:
    return [f for f in per_form().values() if f.convert is not None and name in f.needs]


def sweep_untracked(out: Path, keep: set[str]) -> None:
    """Outputs in build/<year>/ that no cache records (a lost cache, an older perfdoc) but that perfdoc wrote,
    as its generator mark shows: removed, so that a renamed project does not leave its old form lying about."""
    if not out.is_dir():
        return
    recognisers = {f.suffix: f for f in per_form().values() if f.written_by_perfdoc is not None}
    for folder in sorted(out.iterdir()):
        if not (folder.is_dir() and folder.name.isdigit()):
            continue
        removed: list[tuple[str, str]] = []  # (stem, format) of the files removed
        for name in sorted(os.listdir(folder)):  # names, not Paths: a year's folder holds thousands of files
            stem, suffix = os.path.splitext(name)
            fmt = recognisers.get(suffix)
            if fmt is not None and f"{folder.name}/{name}" not in keep and stem != "summary":
                if _wrote(fmt, folder / name) and remove_stale(folder / name):
                    removed.append((stem, fmt.name))
            elif name.startswith(".~pd") and suffix == ".tmp":
                remove_stale(folder / name)  # a build killed before it could rename its staged files
        for stem, name in removed:
            for made in _converted_from(name):
                derived = folder / f"{stem}{made.suffix}"
                if f"{folder.name}/{derived.name}" not in keep:
                    remove_stale(derived)


def _wrote(fmt: Any, path: Path) -> bool:
    try:
        return bool(fmt.written_by_perfdoc(path))
    except OSError:
        return False


def convert_outputs(result: BuildResult, forms: list[Form], out: Path, formats: tuple[str, ...]) -> None:
    """Converted formats (PDF from Word) for the files written in this run, and for any whose result is missing."""
    for fmt in per_form().values():
        if fmt.convert is None or fmt.name not in closure(formats):
            continue
        source = fmt.needs[0]
        todo = []
        for form in forms:
            d = form.digest
            made_from = result.outputs.get(d.path, {}).get(source)
            if made_from is None or d.kept:
                continue
            if form.rebuilt or not made_from.with_suffix(fmt.suffix).is_file():
                todo.append(made_from)
        if todo:
            try:
                result.written += len(fmt.convert(todo))
            except (PerfdocError, WriteError) as exc:
                result.notes.append(str(exc))
                continue
        for files in result.outputs.values():
            if source in files and files[source].with_suffix(fmt.suffix).is_file():
                files[fmt.name] = files[source].with_suffix(fmt.suffix)


# -- what stands over all the forms ---------------------------------------------------------------------------


def prepare(config: Config, formats: tuple[str, ...], forms: bool = True) -> None:
    """Load the engines and templates of the chosen formats ahead of time (see OutputFormat.prepare); those of
    the forms only with ``forms``. A template that cannot be loaded is left for the rendering itself to report."""
    for fmt in [*(per_form().values() if forms else ()), *collections(formats)]:
        if fmt.prepare is not None and (fmt.collect is not None or wants(formats, fmt.name)):
            with contextlib.suppress(Exception):  # said where it matters: when the format is rendered
                fmt.prepare(config)


def warm_markdown() -> None:
    """The Markdown parser, loaded ahead: a long text with markup in it needs it (render/markdown.py), a text of
    plain paragraphs does not, and importing it takes longer than rendering a few forms."""
    from .render.markdown import parser

    parser()


def collection_groups(formats: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The collections of a build in groups that can be written at the same time: the year files, and the rest."""
    made = collections(formats)
    groups = [tuple(f.name for f in made if f.year_file), tuple(f.name for f in made if not f.year_file)]
    return [g for g in groups if g]


def write_collections(
    digests: list[Digest],
    config: Config,
    out: Path,
    formats: tuple[str, ...],
    only: tuple[str, ...] = (),
    pending: tuple[str, ...] = (),
) -> list[Path]:
    """The files over all the forms (year summaries, then the index that links them), as the formats say;
    ``pending``: those another process is writing meanwhile (the index links them)."""
    written: list[Path] = []
    job = CollectionOutput(digests, config, out, formats, pending)
    for fmt in collections(formats):
        if not only or fmt.name in only:
            assert fmt.collect is not None
            written += fmt.collect(job)
    return written


def digests_of(paths: Iterable[Path], config: Config) -> list[Digest]:
    """Check sources (no rendering) and digest them, with PD501 across files: for `summary` and `check`."""
    from .check import check_paths

    reports = check_paths(paths, config)
    return [
        digest_of(r, config, output_name(r.assessment.year, r.assessment.project, r.path) if r.assessment else None)
        for r in reports
    ]


__all__ = ["BuildResult", "TemplateError", "build", "display_path", "parse_formats"]
