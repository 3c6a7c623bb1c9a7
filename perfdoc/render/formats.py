"""The output-format registry: every file perfdoc writes is a format declared once, by the module that makes it.

A module under ``perfdoc/render/`` declares ``FORMATS = [OutputFormat(...)]``; ``registry()`` finds them all.
A format is one of three kinds:

- **rendered**: one file per form, made from the checked form in the build's workers (docx, html);
- **converted**: one file per form, made after the forms are written from the files of the format it ``needs``
  (pdf from docx), in one batch;
- **collected**: files over all the forms of a build (the year summaries, the index), made last; made when the
  form format it ``follows`` is chosen, or by every build (``always``).

``--format`` chooses among the per-form formats; choosing one chooses what it needs. Adding a format is one
module (plus its template): the build, the cache, the clean-up and the CLI's choices follow from the registry.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from ..diagnostics import PerfdocError

if TYPE_CHECKING:
    from ..check import FileReport
    from ..config import Config
    from ..digest import Digest


class FormOutput(NamedTuple):
    """What a rendered format is given for one form."""

    report: FileReport  # checked and scored (a draft when draft_errors > 0)
    config: Config
    target: Path  # the file the output becomes: build/2020/项目.html
    out: Path  # the output folder, for links between outputs
    formats: tuple[str, ...]  # the formats of this build, with what they need
    draft_errors: int = 0

    def href(self, target: Path) -> str:
        return href(target, self.target.parent)


class CollectionOutput(NamedTuple):
    """What a collected format is given: every form of the output folder, by its digest."""

    digests: list[Digest]
    config: Config
    out: Path
    formats: tuple[str, ...]
    pending: tuple[str, ...] = ()  # collections another process is writing at this moment: count them as there


class OutputFormat(NamedTuple):  # NamedTuples here: the registry is read by every build, even one with nothing to do
    name: str  # as chosen with --format and recorded in the cache: "docx"
    suffix: str  # ".docx"
    title: str  # Chinese, for help and messages: "Word 自评表"
    order: int  # build order: forms first, then conversions, then collections (the index last: it links all)
    render: Callable[[FormOutput], bytes | None] | None = None  # None from it: no such document for this form
    convert: Callable[[list[Path]], list[Path]] | None = None  # files of `needs` → files of this format, beside
    collect: Callable[[CollectionOutput], list[Path]] | None = None  # returns the files it wrote
    # Loads what `collect` needs (engine, compiled template) into this process, ahead of time: the main process
    # does it while the workers render, and the process that writes the collections forks from it warm.
    prepare: Callable[[Config], object] | None = None
    needs: tuple[str, ...] = ()
    follows: str | None = None
    always: bool = False
    written_by_perfdoc: Callable[[Path], bool] | None = None  # recognises an untracked output perfdoc wrote
    aliases: tuple[str, ...] = ()
    year_file: str | None = None  # a collection written once per year: its file name in build/<year>/
    label: str = ""  # how the index links a year's file: "Excel"

    @property
    def per_form(self) -> bool:
        return self.render is not None or self.convert is not None


FORMAT_MODULE_ATTRIBUTE = "FORMATS"


@lru_cache(maxsize=1)
def registry() -> dict[str, OutputFormat]:
    """Every declared format, in build order, from the modules of perfdoc.render."""
    from .. import render

    found: dict[str, OutputFormat] = {}
    # The package's folders listed directly (pkgutil.iter_modules imports inspect, ~7 ms of a no-op build); a
    # module name met twice is the first folder's, as Python imports it.
    modules: dict[str, Path] = {}
    for folder in render.__path__:
        for file in sorted(os.listdir(folder)):
            if file.endswith(".py") and file[0] != "_":
                modules.setdefault(file.removesuffix(".py"), Path(folder, file))
    for name, path in modules.items():
        # Only the modules that declare formats are imported: the engines (Word XML, Markdown) load when used.
        if f"\n{FORMAT_MODULE_ATTRIBUTE} = " not in path.read_text(encoding="utf-8"):
            continue
        module = importlib.import_module(f"{render.__name__}.{name}")
        for fmt in getattr(module, FORMAT_MODULE_ATTRIBUTE, ()):
            if fmt.name in found:
                raise ValueError(f"output format {fmt.name} is declared twice")
            found[fmt.name] = fmt
    return dict(sorted(found.items(), key=lambda kv: (kv[1].order, kv[0])))


@lru_cache(maxsize=1)
def per_form() -> dict[str, OutputFormat]:
    return {name: fmt for name, fmt in registry().items() if fmt.per_form}


@lru_cache(maxsize=64)
def closure(chosen: tuple[str, ...]) -> tuple[str, ...]:
    """The chosen formats with everything they need, in build order."""
    wanted = set(chosen)
    formats = registry()
    for name in list(chosen):
        wanted |= set(formats[name].needs)
    return tuple(name for name in formats if name in wanted)


def wants(chosen: tuple[str, ...], name: str) -> bool:
    return name in closure(chosen)


def collections(chosen: tuple[str, ...]) -> list[OutputFormat]:
    made = closure(chosen)
    return [f for f in registry().values() if f.collect and (f.always or f.follows in made)]


def parse_formats(text: str) -> tuple[str, ...]:
    """docx,html,pdf → a tuple of known per-form formats; anything else is a usage error for every command."""
    choices = per_form()
    by_alias = {alias: fmt.name for fmt in choices.values() for alias in (fmt.name, *fmt.aliases)}
    chosen = tuple(dict.fromkeys(by_alias.get(f.strip().lower(), f.strip()) for f in text.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in choices]
    if unknown or not chosen:
        raise PerfdocError(f"未知格式：{', '.join(unknown) or text!r}（可用：{', '.join(choices)}）")
    return chosen


@lru_cache(maxsize=1)
def suffixes() -> tuple[str, ...]:
    """The suffixes of per-form outputs: the only files a build's cache may name."""
    return tuple(fmt.suffix for fmt in per_form().values())


def reset() -> None:
    """Find the formats again (a test adds one): the registry and every view of it."""
    for cached in (registry, per_form, suffixes, closure):
        cached.cache_clear()


def href(target: Path, start: Path) -> str:
    """A relative link that survives zipping the build folder and mailing it."""
    return quote(os.path.relpath(target, start).replace(os.sep, "/"))


# Compiled templates, one per process and per format (not one per form); a build clears them first, since
# templates may have changed since an earlier build in the same process (serve).
_compiled: dict[str, Any] = {}


def compiled(key: str, make: Callable[[], Any]) -> Any:
    if key not in _compiled:
        _compiled[key] = make()
    return _compiled[key]


def forget_compiled() -> None:
    _compiled.clear()
