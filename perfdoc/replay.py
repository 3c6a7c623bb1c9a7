"""A build with nothing to do, answered from a record of its inputs (as make and ninja answer one).

A `perfdoc build` that changed nothing still had to start the command line, read the configuration, list and stat
every source, read the cache and check every output: ~0.1 s for 200 forms, most of it importing the code that
does those things. After a build that ends cleanly, ``record`` writes down what that same command would print if
nothing changed, and the state (``os.stat``) of every file and folder the build depended on: the configuration
files it looked for (found or not), perfdoc's own code and templates, the project's templates and profiles, every
source and the folders they were listed from, and the whole output folder, the cache included. The next run of
the same command line from the same folder (``replayed``, the first thing the ``perfdoc`` command does) compares
those states; if every one is as recorded, it prints the recorded report and exits with the recorded code, having
imported nothing but ``os``, ``sys``, ``marshal`` and ``zlib``. Any difference, a missing record or a record that
cannot be read: the build runs as always and decides for itself.

A folder's state changes when a file is added to it, removed or renamed; a file's when it is written (size,
modification and change times, inode). A file written during the build, after the build read it, would be
recorded in its new state with the report of its old content: no record is written when an input changed less
than ``RACY_NS`` before the build started or at any time after (git calls these entries "racily clean"); the next
build then runs in full and records. Records live in the user's cache folder beside the compiled templates
(``$PERFDOC_CACHE_DIR``, ``PERFDOC_CACHE_DIR=off`` turns them off), one small file per command line and folder,
the oldest removed past ``KEEP`` files; a folder another user could write into is not used.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib

from . import __version__

TYPE_CHECKING = False  # typing's own costs an import, as collections.abc does (~4 ms together), at every start
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

FORMAT = 1
RACY_NS = 2_000_000_000  # file systems that keep times to the second (or two) must not hide an edit
KEEP = 64  # records kept; the least recently written go first

Line = tuple[bool, str]  # (to stderr, text)
State = tuple[int, int, int, int, int] | None  # mode, inode, size, mtime, ctime; None: not there


def state(path: str) -> State:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_mode, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _key(argv: Sequence[str]) -> bytes:
    """What the report depends on besides the files: the command line, the folder it is run from, this perfdoc."""
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = ""
    parts = [str(FORMAT), __version__, sys.version, os.path.dirname(os.path.abspath(__file__)), cwd, *argv]
    return "\0".join(parts).encode("utf-8", "surrogateescape")


def _folder() -> str | None:
    """The records' folder (made when missing), or None: caching off, no home, or a folder others can write to."""
    chosen = os.environ.get("PERFDOC_CACHE_DIR", "")
    if chosen.lower() in ("off", "0", "no"):
        return None
    base = chosen or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "perfdoc")
    folder = os.path.join(base, "builds")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.stat(folder)
    except OSError:
        return None
    # The record's report is printed as it is read: a folder another user could write into is never used.
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        return None
    return folder


def _record_path(folder: str, key: bytes) -> str:
    return os.path.join(folder, f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}.build")


def replayed(argv: Sequence[str]) -> int | None:
    """The exit code of a build of argv answered from its record, its report printed; None: run the build."""
    if not argv or "build" not in argv:
        return None  # only a build is recorded: the other commands do not even look
    folder = _folder()
    if folder is None:
        return None
    key = _key(argv)
    try:
        with open(_record_path(folder, key), "rb") as fh:
            data = marshal.loads(fh.read())  # marshal.load(fh) reads object by object: 20 times slower
        version, recorded_key, watched, lines, code = data
        if version != FORMAT or recorded_key != key:
            return None
        for path, recorded in watched:
            if state(path) != recorded:
                return None
    except Exception:  # a missing, torn or foreign record: the build decides
        return None
    tolerate_unencodable_output()
    for err, text in lines:
        print(text, file=sys.stderr if err else sys.stdout)
    sys.stdout.flush()
    return int(code)


def tolerate_unencodable_output() -> None:
    """A console that cannot show a character gets a visible escape instead of a crash mid-report."""
    import io

    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def tree(top: str) -> list[str]:
    """A folder and everything in it (folders too), skipping Python's bytecode caches; just the path when it is
    not a folder."""
    found = [top]
    if not os.path.isdir(top):
        return found
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found.extend(os.path.join(root, d) for d in dirs)
        found.extend(os.path.join(root, f) for f in sorted(files))
    return found


def record(
    argv: Sequence[str], lines: Sequence[Line], code: int, inputs: Iterable[str], outputs: Iterable[str], started: int
) -> bool:
    """Write down what a build of argv with nothing to do would print, and the state of every file it depends
    on. Not written (False: the caller then forgets the record of an earlier build) when an input changed after
    ``started - RACY_NS`` (see the module's docstring), or when it cannot be written: a record is never worth a
    failed build."""
    folder = _folder()
    if folder is None:
        return False
    key = _key(argv)
    target = _record_path(folder, key)
    temp = f"{target}.{os.getpid()}.tmp"
    try:
        watched: dict[str, State] = {}
        for path in inputs:
            where = os.path.abspath(path)
            if where in watched:  # a source is named by the build and found again in its folder's tree
                continue
            now = watched[where] = state(where)
            if now is not None and max(now[3], now[4]) > started - RACY_NS:
                return False
        for path in outputs:
            watched[os.path.abspath(path)] = state(path)
        data = (FORMAT, key, sorted(watched.items()), [(bool(e), str(t)) for e, t in lines], int(code))
        with open(temp, "wb") as fh:
            fh.write(marshal.dumps(data))
        os.replace(temp, target)
    except Exception:  # a full disk, a path marshal cannot hold: no record
        _remove(temp)
        return False
    _prune(folder)
    return True


def forget(argv: Sequence[str]) -> None:
    """Remove the record of argv: a build that ended otherwise than cleanly must run in full next time."""
    folder = _folder()
    if folder is not None:
        _remove(_record_path(folder, _key(argv)))


def _remove(path: str) -> None:
    import contextlib  # here: the replay itself imports as little as it can

    with contextlib.suppress(OSError):
        os.remove(path)


def _prune(folder: str) -> None:
    try:
        names = [n for n in os.listdir(folder) if n.endswith(".build")]
        if len(names) <= KEEP:
            return
        names.sort(key=lambda n: os.stat(os.path.join(folder, n)).st_mtime_ns)
        for name in names[: len(names) - KEEP]:
            _remove(os.path.join(folder, name))
    except OSError:
        pass
