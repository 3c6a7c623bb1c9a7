"""Where things were written: the raw tree a reader produces, and the map from its paths to places in a file.

The bottom of the package: it imports nothing of perfdoc. Readers (``load`` for Markdown sources, ``importer``
for Word forms) produce a ``RawDocument``: the front matter as plain data (every scalar a string), the body's
sections, and a ``SourceMap``. Everything after them speaks of *logical* places: a raw path such as
``("项目资金", "年度资金总额", "全年预算数")`` or a line inside a body section. Only when a diagnostic is
printed does the source map turn that into ``file:line:col`` (Markdown) or ``file.docx#表2:5:3`` (Word).
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from .record import field, record

RawPath = tuple[str | int, ...]
BODY = "正文"  # the first part of a raw path that points into the body: (BODY, section index)


class Position(NamedTuple):  # NamedTuple, not a frozen dataclass: a tenth of the import time, for every command
    line: int  # 1-based; in a Word form, the row within its table
    column: int  # 1-based; in a Word form, the grid column
    table: int | None = None  # the Word table, 1-based in the document; None for a text file

    def where(self, path: str) -> str:
        if self.table is not None:
            return f"{path}#表{self.table}:{self.line}:{self.column}"
        return f"{path}:{self.line}:{self.column}"


FIRST = Position(1, 1)  # where a diagnostic stands that has no better place


class Mark(Protocol):
    """A YAML parser's place: line and column counted from 0, from the front matter's first line."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


class Locus(NamedTuple):
    """A logical place in a source: a raw path, and for the body a line and column inside the section."""

    raw_path: RawPath = ()
    key: bool = False  # the key as written rather than its value
    line: int = 0  # within a body section: 0 is the heading, 1 the line below it
    column: int = 1


@record
class Section:
    """A level-2 section of the body (## 预算目标, ## 实际完成情况), or a text cell of a Word form."""

    title: str
    text: str  # Markdown source of the section, without its heading
    line: int  # line of the heading, 1-based in the file (0 when the section was not read from text)
    index: int = 0  # its place among the body's sections: (BODY, index) is its raw path
    offset: int = 1  # lines from the heading to the first line of ``text`` (blank lines between are dropped)

    @property
    def raw_path(self) -> RawPath:
        return (BODY, self.index)


@record
class SourceMap:
    """Raw paths → positions, filled by the reader as it goes.

    ``value_pos`` holds where each value starts, ``key_pos`` where each key was written. A path not recorded
    falls back to its nearest recorded parent, then to ``fallback``: a diagnostic always has a place.

    The Markdown reader records the YAML parser's marks as they are, and a mark becomes a Position only when a
    diagnostic asks for its place: a form has hundreds of keys and values and a few diagnostics, and making a
    Position for each took a fifth of reading the front matter.
    """

    value_pos: dict[RawPath, Position | Mark] = field(default_factory=dict)
    key_pos: dict[RawPath, Position | Mark] = field(default_factory=dict)
    fallback: Position = FIRST
    sections: dict[int, Position] = field(default_factory=dict)  # section index → its heading or cell
    text_lines: bool = True  # body lines are lines of this file (Markdown); a Word cell is one place
    mark_offset: int = 0  # a mark's line 0 is the file's line mark_offset + 1 (the line after the opening ---)

    def position(self, at: Position | Mark) -> Position:
        if isinstance(at, Position):
            return at
        return Position(at.line + self.mark_offset + 1, at.column + 1)

    def locate(self, locus: Locus) -> Position:
        path = locus.raw_path
        if path[:1] == (BODY,) and len(path) == 2 and isinstance(path[1], int):
            head = self.sections.get(path[1], self.fallback)
            if not self.text_lines:
                return head
            return Position(head.line + locus.line, locus.column if locus.line else 1, head.table)
        table = self.key_pos if locus.key else self.value_pos
        while path:
            if path in table:
                return self.position(table[path])
            if path in self.value_pos:
                return self.position(self.value_pos[path])
            path = path[:-1]
        return self.position(self.value_pos.get((), self.fallback))


@record
class RawDocument:
    """What a reader hands on: data as written (dict / list / str / None), body sections, and where each is."""

    path: str
    data: object
    sections: list[Section] = field(default_factory=list)
    source_map: SourceMap = field(default_factory=SourceMap)
    incomplete: bool = False  # the reader saw the form end before its 总分 (a cut-off page): no total is concluded
    printed: bool = False  # read from a printed form (.docx): only what the form has columns for can be there


def format_raw_path(raw_path: RawPath) -> str:
    out = ""
    for part in raw_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
