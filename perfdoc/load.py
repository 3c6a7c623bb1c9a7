"""Pipeline stage 1 — load: bytes on disk → a raw tree of YAML data and Markdown sections, with positions.

The loader knows nothing of the form: the caller may pass the keys it knows (``known_keys``) for the hint on
a key typed with a full-width colon. Scalars stay strings here: the parser (``perfdoc.parse``) decides what a
value means, so YAML 1.1's surprises (``no`` → False, ``1:30`` → 90, ``.nan``) never reach a figure. Nothing
from YAML is executed: only the node graph is composed, tags other than YAML's own and aliases are refused,
duplicate keys are errors.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from .diagnostics import Diagnostic, SourceError
from .source import Position, RawDocument, RawPath, Section, SourceMap, format_raw_path

MAX_FILE_BYTES = 1024 * 1024  # a real form is ~30 KB; a 1 MB source is a mistake, not an assessment
MAX_DEPTH = 16  # the deepest legitimate path is 绩效指标 → 一级 → 二级 → list → item → field (6)


# Characters no form text holds: controls, line/paragraph separators and Unicode noncharacters. The importer
# removes the same set from Word files.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")
_CONTROL_NAMES = {"\u2028": "行分隔符 U+2028", "\u2029": "段分隔符 U+2029"}
# Spaces that look like spaces: YAML takes neither for indentation nor for the space after a key's colon.
# (Tabs have their own message, from the YAML error.)
_ODD_SPACES = {"\u00a0": "不间断空格（U+00A0）", "\u3000": "全角空格（U+3000）"}
_FENCE = re.compile(r"^---[ \t]*$")
_STD_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


def _err(path: str, code: str, message: str, line: int = 1, column: int = 1, fld: str = "") -> SourceError:
    return SourceError([Diagnostic.make(code, message, fld, Position(line, column)).with_path(path)])


def decode(path: str, raw: bytes) -> str:
    """Bytes → text: UTF-8 (a BOM is accepted and dropped), CRLF and CR folded to LF."""
    if len(raw) > MAX_FILE_BYTES:
        raise _err(path, "PD105", f"文件超过上限 {MAX_FILE_BYTES:,} 字节（一份自评表通常约 30 KB）")
    if not raw.strip():
        raise _err(path, "PD108", "文件为空：至少需要以 --- 包围的前置数据（年度、项目名称、绩效指标等）")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        hint = "（可能是 GBK/GB18030 编码）" if _looks_gbk(raw) else ""
        raise _err(
            path, "PD104", f"第 {exc.start} 字节不是有效的 UTF-8{hint}，请以 UTF-8 编码另存此文件", line, column
        ) from None
    if text.startswith("\ufeff"):
        raise _err(
            path,
            "PD102",
            "文件开头有多余的字节顺序标记（BOM，U+FEFF），常见于多次另存：请以“UTF-8（无 BOM）”另存此文件",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


class NotARegularFile(OSError):
    """A device, a FIFO or a folder named where a file was expected."""


def read_bounded(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most limit + 1 of them: /dev/zero, a FIFO or a growing file never hang a check.

    The caller compares the length with its limit; reading one byte more is how it knows the file is too big.
    """
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(f"{path} 不是普通文件（设备、管道或目录）")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_file(path: Path, display: str | None = None, known_keys: frozenset[str] = frozenset()) -> RawDocument:
    shown = display or str(path)
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except NotARegularFile:
        raise _err(shown, "PD110", "不是普通文件（设备、管道或目录），只读取 .md 源文件") from None
    except OSError as exc:
        raise _err(shown, "PD110", f"无法读取文件：{exc.strerror or exc}") from None
    return parse_text(shown, decode(shown, raw), known_keys)


def parse_text(path: str, text: str, known_keys: frozenset[str] = frozenset()) -> RawDocument:
    """Split front matter from body, compose the YAML, collect the body's sections."""
    lines = text.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None or not _FENCE.match(lines[first]):
        raise _err(path, "PD102", "文件须以一行 --- 开头，随后是 YAML 前置数据，再以一行 --- 结束", (first or 0) + 1, 1)
    close = next((i for i in range(first + 1, len(lines)) if _FENCE.match(lines[i])), None)
    if close is None:
        raise _err(path, "PD102", "前置数据没有结束行 ---", first + 1, 1)
    yaml_text = "\n".join(lines[first + 1 : close]) + "\n"
    offset = first + 1  # YAML line 0 is file line offset+1
    _check_colons(path, lines[first + 1 : close], offset, known_keys)
    controls = _control_positions(yaml_text, offset)
    clean_yaml = CONTROL.sub("\ufffd", yaml_text)  # let YAML parse; report each control char by field
    doc = RawDocument(path=path, data=None, source_map=SourceMap(fallback=Position(first + 2, 1), mark_offset=offset))
    doc.data = _compose(path, clean_yaml, offset, doc, controls)
    body = "\n".join(lines[close + 1 :])
    _check_body_controls(path, body, close + 1)
    doc.sections = split_sections(body, close + 1)
    doc.source_map.sections = {s.index: Position(s.line, 1) for s in doc.sections}
    return doc


# A key typed with a Chinese keyboard: 项目名称：xxx, or no space after the colon (项目名称:xxx). YAML would read
# the whole line as one text and report a confusing error further down. The patterns of what most files never
# hold (a full-width colon, an odd space) are compiled when a file holds one, not at every start (re caches them).
_KEY_FULLWIDTH = r"^(\s*(?:-\s+)?)([^\s#:：\-\[\]{}'\"][^:：#]*?)(：)"
_KEY_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?)([^\s#:：\-\[\]{}'\"][^:：#\s]*?):(?=[^\s/])")


def _check_colons(path: str, lines: list[str], offset: int, keys: frozenset[str]) -> None:
    text = "\n".join(lines)
    odd = any(ch in text for ch in _ODD_SPACES)  # most files have none: their lines need not be looked at for it
    wide = "：" in text
    for i, line in enumerate(lines):
        if odd:
            _check_odd_spaces(path, line, offset + i + 1)
        m = re.match(_KEY_FULLWIDTH, line) if wide else None
        if m and m.group(2).strip() in keys:
            raise _err(
                path,
                "PD101",
                f"「{m.group(2).strip()}」后用了全角冒号“：”，字段名后须用半角冒号“:”并空一格",
                offset + i + 1,
                m.end(2) + 1,
            )
        m = _KEY_NO_SPACE.match(line)
        if m and m.group(2).strip() in keys:
            raise _err(path, "PD101", f"「{m.group(2).strip()}:」的冒号后须空一格再写值", offset + i + 1, m.end(2) + 1)


_ODD_AFTER_COLON = r"^\s*(?:-\s+)?[^\s#:：'\"{}\[\]][^:#]*?:([\u00a0\u3000])"


def _check_odd_spaces(path: str, line: str, number: int) -> None:
    indent = line[: len(line) - len(line.lstrip(" \t\u00a0\u3000"))]
    for ch, name in _ODD_SPACES.items():
        if ch in indent:
            raise _err(path, "PD101", f"缩进中有{name}，请改为普通半角空格", number, indent.index(ch) + 1)
    m = re.match(_ODD_AFTER_COLON, line)
    if m:
        raise _err(path, "PD101", f"冒号后是{_ODD_SPACES[m.group(1)]}，请改为普通半角空格", number, m.start(1) + 1)


def _control_positions(text: str, line_offset: int) -> list[tuple[Position, str]]:
    """Where each control character stands, with its name for the message."""
    found = []
    for number, line in enumerate(text.split("\n")):
        for m in CONTROL.finditer(line):
            found.append((Position(number + line_offset + 1, m.start() + 1), control_name(m.group())))
    return found


def control_name(ch: str) -> str:
    return _CONTROL_NAMES.get(ch, f"U+{ord(ch):04X}")


def _check_body_controls(path: str, body: str, line_offset: int) -> None:
    found = _control_positions(body, line_offset)
    if found:
        p, code = found[0]
        section = _section_at(body, p.line - line_offset)
        raise _err(
            path,
            "PD107",
            f"正文「{section}」含有控制字符 {code}，请删除（常见于从 PDF 或网页复制的文本）",
            p.line,
            p.column,
            "body",
        )


def _section_at(body: str, line: int) -> str:
    title = "正文"
    for ln in body.split("\n")[:line]:
        m = re.match(r"^##\s+(.+?)\s*#*\s*$", ln)
        if m:
            title = m.group(1)
    return title


@lru_cache(maxsize=1)
def loader_class() -> type:
    """libyaml's parser (PyYAML's own without it), with a resolver that tells only what the walker asks: null or
    not, and the two tags it refuses. PyYAML's resolver tries its int, float, bool and timestamp patterns on
    every plain scalar, in Python; here scalars stay strings anyway (the parser decides what they mean)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    special = {"": _STD_TAG + "null", "~": _STD_TAG + "null", "null": _STD_TAG + "null", "Null": _STD_TAG + "null"}
    special |= {"NULL": _STD_TAG + "null", "=": _STD_TAG + "value", "<<": _STD_TAG + "merge"}
    scalar, sequence = yaml.ScalarNode, yaml.SequenceNode

    class Loader(base):  # type: ignore[misc, valid-type]
        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
            if kind is scalar:
                return special.get(value, _STD_TAG + "str") if implicit[0] else _STD_TAG + "str"
            return _STD_TAG + ("seq" if kind is sequence else "map")

    return Loader


def _compose(path: str, yaml_text: str, offset: int, doc: RawDocument, controls: list[tuple[Position, str]]) -> object:
    import yaml

    loader_cls = loader_class()
    try:
        if "*" in yaml_text:
            _refuse_aliases(path, yaml_text, offset, loader_cls)
        node = yaml.compose(yaml_text, Loader=loader_cls)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + offset + 1
        col = (mark.column if mark else 0) + 1
        if "nesting depth" in str(exc.problem):  # PyYAML ≥ 6.0.3 stops deep flow nesting itself
            raise _err(path, "PD106", f"YAML 嵌套层次过深（上限 {MAX_DEPTH} 层）", line, col) from None
        raise _err(path, "PD101", _yaml_message(exc, yaml_text, mark.line if mark else 0), line, col) from None
    except yaml.YAMLError as exc:
        raise _err(path, "PD101", f"YAML 无法解析：{exc}", offset + 1, 1) from None
    except RecursionError:
        raise _err(path, "PD106", f"YAML 嵌套层次过深（上限 {MAX_DEPTH} 层）", offset + 1, 1) from None
    if node is None:
        return {}
    walker = _Walker(path, offset, doc, controls)
    data = walker.walk(node, (), 0)
    if walker.errors:
        raise SourceError(walker.errors)
    return data


def _refuse_aliases(path: str, yaml_text: str, offset: int, loader_cls: type) -> None:
    """Aliases (*name) would let a few bytes expand into a huge tree; plain data never needs them."""
    import yaml

    for event in yaml.parse(yaml_text, Loader=loader_cls):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise _err(
                path,
                "PD109",
                "不支持 YAML 锚点与别名（& 与 *），请直接写出内容",
                mark.line + offset + 1,
                mark.column + 1,
            )


def _yaml_message(exc: object, yaml_text: str, line0: int) -> str:
    problem = getattr(exc, "problem", None) or str(exc)
    lines = yaml_text.split("\n")
    src = lines[line0] if 0 <= line0 < len(lines) else ""
    value = src.split(":", 1)[1].strip() if ":" in src else src.strip()
    if value[:1] in (">", "|", "*", "&", "!", "@", "`", "%"):
        return f"值「{value}」以 YAML 特殊字符 {value[0]} 开头，须加引号（如 '{value}'），比较符也可改用 ≥ ≤ ＞ ＜"
    if "\t" in src[: len(src) - len(src.lstrip())]:
        return "YAML 缩进不能使用制表符（Tab），请改用空格"
    if "found duplicate anchor" in problem or "found undefined alias" in problem:
        return "不支持 YAML 锚点与别名（& 与 *）"
    return f"YAML 语法错误：{problem}"


class _Walker:
    """Node graph → plain data, recording where each key and value stands."""

    def __init__(self, path: str, offset: int, doc: RawDocument, controls: list[tuple[Position, str]]):
        import yaml

        self.scalar_node, self.sequence_node = yaml.ScalarNode, yaml.SequenceNode
        self.path = path
        self.offset = offset
        self.doc = doc
        self.controls = controls
        self.errors: list[Diagnostic] = []
        self.seen: set[int] = set()

    def pos(self, mark: object) -> Position:
        return Position(mark.line + self.offset + 1, mark.column + 1)  # type: ignore[attr-defined]

    def error(self, code: str, message: str, position: Position, raw_path: RawPath) -> None:
        fld = format_raw_path(raw_path)
        self.errors.append(Diagnostic.make(code, message, fld, position).with_path(self.path))

    def walk(self, node: object, raw_path: RawPath, depth: int) -> object:
        marks = self.doc.source_map
        mark = node.start_mark  # type: ignore[attr-defined]
        marks.value_pos[raw_path] = mark  # made a Position only if a diagnostic is placed there (SourceMap)
        if id(node) in self.seen:
            self.error("PD109", "不支持 YAML 锚点与别名（& 与 *），请直接写出内容", self.pos(mark), raw_path)
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.error("PD106", f"嵌套层次过深（上限 {MAX_DEPTH} 层）", self.pos(mark), raw_path)
            return None
        tag = node.tag  # type: ignore[attr-defined]
        if tag not in _ALLOWED_TAGS:
            self.error("PD109", f"不支持 YAML 标签 {tag}：perfdoc 只读取纯数据", self.pos(mark), raw_path)
            return None
        if isinstance(node, self.scalar_node):
            return self.scalar(node, raw_path)
        if isinstance(node, self.sequence_node):
            return [self.walk(child, (*raw_path, i), depth + 1) for i, child in enumerate(node.value)]
        result: dict[str, object] = {}
        for key_node, value_node in node.value:  # type: ignore[attr-defined]
            key_mark = key_node.start_mark
            if not isinstance(key_node, self.scalar_node) or key_node.tag not in _ALLOWED_TAGS:
                self.error("PD202", "字段名必须是文字", self.pos(key_mark), raw_path)
                continue
            key = str(key_node.value).strip()
            if key == "<<":
                self.error("PD109", "不支持 YAML 合并键 <<", self.pos(key_mark), raw_path)
                continue
            child_path = (*raw_path, key)
            if key in result:
                first = marks.position(marks.key_pos[child_path])
                message = f"字段「{key}」重复（第一次出现在第 {first.line} 行）"
                self.error("PD103", message, self.pos(key_mark), child_path)
                continue
            marks.key_pos[child_path] = key_mark
            value = result[key] = self.walk(value_node, child_path, depth + 1)
            if isinstance(value, (dict, list)):
                marks.value_pos[child_path] = key_mark  # a block points at its key's line, not its first child
        return result

    def scalar(self, node: object, raw_path: RawPath) -> str | None:
        value: str = node.value  # type: ignore[attr-defined]
        if node.tag == _STD_TAG + "null" and not node.style:  # type: ignore[attr-defined]
            return None
        if self.controls:
            start, end = self.pos(node.start_mark), self.pos(node.end_mark)  # type: ignore[attr-defined]
            for p, name in self.controls:
                if (start.line, start.column) <= (p.line, p.column) < (end.line, end.column):
                    self.error("PD107", f"含有控制字符 {name}，请删除（常见于从 PDF 或网页复制的文本）", p, raw_path)
                    return None
        # Typed control characters were replaced before parsing (and are reported above); only the escapes of
        # a double-quoted string ("\x07") can make new ones.
        bad = CONTROL.search(value) if node.style == '"' else None  # type: ignore[attr-defined]
        if bad:
            at = self.pos(node.start_mark)  # type: ignore[attr-defined]
            self.error("PD107", f"含有控制字符 {control_name(bad.group())}，请删除", at, raw_path)
            return None
        return unicodedata.normalize("NFC", value)


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE_OPEN = re.compile(r"^\s{0,3}(```|~~~)")


def split_sections(body: str, line_offset: int) -> list[Section]:
    """Cut the body at its level-1/level-2 headings, ignoring fenced code blocks."""
    sections: list[Section] = []
    current: Section | None = None
    buf: list[str] = []
    in_fence = ""
    for i, ln in enumerate(body.split("\n")):
        fence = _FENCE_OPEN.match(ln)
        if fence:
            in_fence = "" if in_fence == fence.group(1) else (in_fence or fence.group(1))
        m = None if in_fence or fence else _HEADING.match(ln)
        if m and len(m.group(1)) <= 2:
            if current is not None:
                _finish(current, buf)
                sections.append(current)
            current = Section(title=m.group(2).strip(), text="", line=line_offset + i + 1, index=len(sections))
            buf = []
        elif current is not None:
            buf.append(ln)
        elif ln.strip():
            # Text before the first heading belongs to no section; keep it so the schema can warn.
            current, buf = Section(title="", text="", line=line_offset + i + 1, index=0, offset=0), [ln]
    if current is not None:
        _finish(current, buf)
        sections.append(current)
    return sections


def _finish(section: Section, lines: list[str]) -> None:
    lead = next((n for n, ln in enumerate(lines) if ln), len(lines))
    section.text = "\n".join(lines).strip("\n")
    section.offset += lead
