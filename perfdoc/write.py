"""Pipeline stage 6 — write: outputs land atomically (temp file in the same folder, then rename).

A build stages every file first (``stage``) and renames them all only when every form has rendered
(``commit``), so that a template error or a full disk never leaves half of the forms updated.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from pathlib import Path

from .diagnostics import PerfdocError

_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Characters that make a name lie about itself (U+202E shows "fdp.exe" as "exe.pdf") or vanish on screen.
_INVISIBLE = re.compile(r"[\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")),
}
MAX_NAME_CHARS = 80  # leaves room under Windows' 260-character path limit for deep build folders
# Linux and macOS allow 255 bytes per name; the longest suffix perfdoc adds is ".docx" plus a clash suffix.
MAX_NAME_BYTES = 200


class WriteError(PerfdocError):
    """An output could not be written (full disk, read-only folder, no permission)."""


def safe_filename(name: str, fallback: str = "未命名", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A 项目名称 as a file name valid on Windows, macOS and Linux: 中国创新创业大赛（上海赛区） stays as is.

    Limited by characters (Windows' path length) and by UTF-8 bytes (a CJK character is 3 bytes, an emoji 4),
    never starting with a dot (hidden) or ``~$`` (Word's lock files), never a device name of Windows.
    """
    text = unicodedata.normalize("NFC", name)
    text = _INVISIBLE.sub("", text)
    text = _WINDOWS_FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = text.lstrip(".~$ ").rstrip(". ")
    text = _clip_bytes(text[:MAX_NAME_CHARS], max_bytes).rstrip(". ")
    if not text:
        text = fallback
    if text.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        text = "_" + text
    return text


def _clip_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")  # never half a character


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _describe(exc: OSError) -> str:
    import errno

    reasons = {
        errno.ENOSPC: "磁盘空间不足",
        errno.EROFS: "目录是只读的",
        errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限",
        errno.ENAMETOOLONG: "文件名过长",
        getattr(errno, "EDQUOT", -1): "超出磁盘配额",
    }
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))


def stage(path: Path, data: bytes) -> Path | None:
    """Write data to a temporary file beside path; None when path already holds exactly these bytes.

    The temporary name is short and fixed in length, whatever the length of the target's name.
    """
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return None
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".~pd{os.urandom(6).hex()}.tmp"  # os.urandom: secrets imports random (~3 ms)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666 & ~_umask())
    except OSError as exc:
        raise WriteError(f"无法写入 {path}：{_describe(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise WriteError(f"无法写入 {path}：{_describe(exc)}") from None
        raise
    return tmp


def commit(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except OSError as exc:
        discard(tmp)
        raise WriteError(f"无法写入 {path}：{_describe(exc)}") from None


def discard(tmp: Path | None) -> None:
    if tmp is not None:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def write_atomic(path: Path, data: bytes) -> bool:
    """Write unless the file already holds exactly these bytes; returns whether it wrote."""
    tmp = stage(path, data)
    if tmp is None:
        return False
    commit(tmp, path)
    return True


def remove_stale(path: Path) -> bool:
    """A file perfdoc wrote earlier and no longer produces."""
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError:
        return False  # a read-only folder: the stale file stays, the build goes on
