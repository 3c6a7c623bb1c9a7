"""Compiled templates kept between runs, as Python keeps its .pyc files; and rendering them in little memory.

Compiling the Word and HTML templates into Python code took ~100 ms of every build, as long as rendering the
three example forms. Jinja's bytecode cache keeps the compiled code in a folder of the user's cache
(``$PERFDOC_CACHE_DIR``, else ``$XDG_CACHE_HOME/perfdoc``, else ``~/.cache/perfdoc``), one file per template, under
a key made of the template's name, the Jinja version and the environment's options; Jinja checks the source's
checksum and the Python version before it uses a file. The output is the same with or without it (the code is
the same code); a cache that cannot be read or written is passed over in silence, one that another user could
write into is not used (the code in it is run), and ``PERFDOC_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2
    from jinja2.bccache import Bucket


def cache_folder() -> Path | None:
    """Where compiled templates are kept, or None when caching is off or no folder can be made."""
    import jinja2

    chosen = os.environ.get("PERFDOC_CACHE_DIR", "")
    if chosen.lower() in ("off", "0", "no"):
        return None
    base = Path(chosen) if chosen else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "perfdoc"
    folder = base / f"templates-jinja{jinja2.__version__}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
    except OSError:
        return None
    # Compiled code is run as it is read: a folder another user could write into is never used.
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        return None
    return folder


@lru_cache(maxsize=8)
def bytecode_cache(options: str) -> Any:
    """A bytecode cache for an environment with these options (a code compiled for one is never used by
    another), or None."""
    import jinja2

    folder = cache_folder()
    if folder is None:
        return None

    class QuietCache(jinja2.FileSystemBytecodeCache):
        def get_cache_key(self, name: str, filename: str | None = None) -> str:
            return hashlib.sha256(f"{options}\0{name}\0{filename or ''}".encode()).hexdigest()

        def load_bytecode(self, bucket: Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a damaged file is compiled afresh (and rewritten)
                bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            with contextlib.suppress(OSError):  # a full disk or a read-only home: the next run compiles again
                super().dump_bytecode(bucket)

    return QuietCache(str(folder), "%s.jinja")


def environment_options(env: jinja2.Environment) -> str:
    """What shapes the code Jinja generates besides the source."""
    import jinja2

    keys = ("autoescape", "trim_blocks", "lstrip_blocks", "keep_trailing_newline", "newline_sequence", "optimized")
    return f"jinja2 {jinja2.__version__}; " + "; ".join(f"{k}={getattr(env, k)!r}" for k in keys)


def from_source(env: jinja2.Environment, source: str) -> jinja2.Template:
    """``env.from_string(source)``, with the compiled code taken from and kept in the cache (by the source's
    hash: the parts of two templates never share a file)."""
    cache = bytecode_cache(environment_options(env))
    if cache is None:
        return env.from_string(source)
    bucket = cache.get_bucket(env, hashlib.sha256(source.encode()).hexdigest(), None, source)
    if bucket.code is None:
        bucket.code = env.compile(source)
        cache.set_bucket(bucket)
    return env.template_class.from_code(env, bucket.code, env.make_globals(None), None)


def render_in_batches(template: jinja2.Template, context: dict[str, Any]) -> str:
    """``template.render(context)`` without holding every piece at once: Jinja joins the generated pieces in one
    list, ~50 bytes each, which for the index or the summary of a thousand forms briefly took 20 MB more than the
    text itself. Here they are joined 8,192 at a time."""
    from itertools import islice

    pieces = template.root_render_func(template.new_context(dict(context)))
    parts: list[str] = []
    try:
        while batch := list(islice(pieces, 8192)):
            parts.append("".join(batch))
    except Exception:
        template.environment.handle_exception()
    return "".join(parts)
