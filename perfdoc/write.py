"""Pipeline stage 6 — write: outputs land atomically (temp file in the same folder, then rename)."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME_CHARS = 80  # leaves room under Windows' 260-character path limit for deep build folders


def safe_filename(name: str, fallback: str = "未命名") -> str:
    """A 项目名称 as a file name valid on Windows, macOS and Linux: 中国创新创业大赛（上海赛区） stays as is."""
    text = unicodedata.normalize("NFC", name)
    text = _WINDOWS_FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip().rstrip(". ")
    if not text:
        text = fallback
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = "_" + text
    return text[:MAX_NAME_CHARS].rstrip(". ")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(path: Path, data: bytes) -> bool:
    """Write unless the file already holds exactly these bytes; returns whether it wrote."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are for sharing
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def remove_stale(path: Path) -> bool:
    """A form that now has errors must not leave last build's output looking current."""
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
