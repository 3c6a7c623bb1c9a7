"""`perfdoc import`: filled-in official forms (.docx) → perfdoc sources, keeping every figure and sentence.

Real forms vary by province: columns are found by their labels, never by position; merged cells are read
through python-docx's grid (a merged cell repeats over every grid cell it covers); several forms may share
one document and one form may be split over two tables. Typed 执行率, 得分 and 总分 are kept as typed, so
that ``perfdoc check`` shows an archived form's own arithmetic errors instead of silently correcting them.
"""

from __future__ import annotations

import difflib
import io
import re
import unicodedata
import zipfile
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .diagnostics import Diagnostic, SourceError
from .load import CONTROL, control_name
from .numbers import EMPTY_MARKS, parse_decimal
from .parse import canonical_label
from .quantity import compose_target
from .record import field, record
from .source import Position, RawDocument, RawPath, Section, SourceMap
from .vocabulary import (
    ALL_SUBCATEGORIES,
    DEFAULT_FUNDING_ROWS,
    DEFAULT_PROFILE,
    FUND_COLUMN_WORDS,
    FUND_ROW_WORDS,
    FUNDING_ROW_KEYS,
    FUNDS_BLOCK,
    GRADE_WORDS,
    HEAD_WORDS,
    HIERARCHY,
    INDICATOR_COLUMN_WORDS,
    SECTION_HEADINGS,
    SECTION_WORDS,
    TOP_FIELDS,
    TOTAL_WORDS,
    Words,
    field_spec,
)

MAX_UNCOMPRESSED = 64 * 1024 * 1024  # a real form is < 1 MB unpacked; more is a zip bomb or not a form
MAX_MEMBERS = 2000
MAX_DOCX_BYTES = 32 * 1024 * 1024  # a filled form with its scanned seal is a few MB
MAX_DOCUMENT_XML = 8 * 1024 * 1024  # the text of a form is < 1 MB; the rest of a .docx is fonts and pictures
MAX_TABLE_ROWS = 5000
MAX_GRID_CELLS = 100_000


class DocxImportError(SourceError):
    def __init__(self, path: str, code: str, message: str):
        super().__init__([Diagnostic.make(code, message, "", Position(1, 1)).with_path(path)])


_LABEL = {name: field_spec(TOP_FIELDS, name).label for name in ("year", "project", "department", "unit")}


# -- reading the document safely ---------------------------------------------------------------------------


def read_docx(path: Path, display: str) -> Any:
    """A python-docx Document, after refusing what is not a reasonable .docx."""
    from .load import NotARegularFile, read_bounded

    try:
        data = read_bounded(path, MAX_DOCX_BYTES)
    except NotARegularFile:
        raise DocxImportError(display, "PD110", "不是普通文件（设备、管道或目录）") from None
    except OSError as exc:
        raise DocxImportError(display, "PD110", f"无法读取文件：{exc.strerror or exc}") from None
    if len(data) > MAX_DOCX_BYTES:
        raise DocxImportError(
            display, "PD112", f"文件超过 {MAX_DOCX_BYTES // (1024 * 1024)} MB，不像是自评表，拒绝读取"
        )
    return open_docx_bytes(data, display)


def open_docx_bytes(data: bytes, display: str) -> Any:
    from docx import Document

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocxImportError(
            display, "PD111", "不是 .docx 文件（Word 2007 及以后的格式）；旧版 .doc 请先在 Word 中另存为 .docx"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise DocxImportError(display, "PD112", f"压缩包内文件过多（{len(infos)} 个），拒绝读取")
            if "word/document.xml" not in zf.namelist():
                raise DocxImportError(display, "PD111", "压缩包中没有 word/document.xml，不是 Word 文档")
            total = 0
            for info in infos:  # stream every member: a header may lie about its size
                member = 0
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        total += len(chunk)
                        member += len(chunk)
                        if info.filename == "word/document.xml" and member > MAX_DOCUMENT_XML:
                            raise DocxImportError(
                                display,
                                "PD112",
                                f"正文超过 {MAX_DOCUMENT_XML // (1024 * 1024)} MB（解压后），不像是自评表，拒绝读取",
                            )
                        if total > MAX_UNCOMPRESSED:
                            raise DocxImportError(
                                display,
                                "PD112",
                                f"解压后超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MB（压缩炸弹或并非自评表），拒绝读取",
                            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise DocxImportError(display, "PD111", f"docx 文件已损坏：{exc}") from None
    try:
        return Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for malformed packages
        raise DocxImportError(display, "PD111", f"docx 文件无法解析：{type(exc).__name__}: {exc}") from None


# -- labels -------------------------------------------------------------------------------------------------

_DECORATION = re.compile(r"[（(]\s*[\d.]+\s*分?\s*[）)]|[（(]\s*[A-Za-z/%％]+\s*[）)]|[（(]\s*分\s*[）)]")
_PREFIX = re.compile(r"^(?:指标\s*\d+\s*(?:[:：]|$)|\d+\s*[、.．]|[一二三四五六七八九十]+\s*[、.．])")


def norm(text: str) -> str:
    """A label as compared: NFKC, no white space, no decoration (产出指标(50分) → 产出指标, 指标1: → '')."""
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"\s+", "", s)
    s = s.strip("[]【】〔〕<>《》:：")
    s = _DECORATION.sub("", s)
    s = _PREFIX.sub("", s)
    return s.strip("[]【】〔〕:：")


def is_empty(text: str) -> bool:
    return norm(text) in EMPTY_MARKS or norm(text) in ("无偏差",)


YEAR = re.compile(r"(19|20)\d{2}(?=\s*年)")


# -- the table grid -----------------------------------------------------------------------------------------


@record
class Cell:
    col: int  # grid column, 1-based
    text: str
    label: str
    markdown: str


@record
class Row:
    number: int  # row within its table, 1-based, as a person counts in Word
    table: int  # the table, 1-based in the document
    cells: list[Cell]  # one per distinct cell, in grid order
    grid: dict[int, Cell] = field(default_factory=dict)  # every grid column → its (possibly merged) cell

    def at(self, col: int | None) -> str:
        if col is None or col not in self.grid:
            return ""
        return self.grid[col].text

    def labels(self) -> list[str]:
        return [c.label for c in self.cells]

    @property
    def blank(self) -> bool:
        return all(not c.label for c in self.cells)


@record
class Block:
    kind: str  # "paragraph" or "row"
    text: str = ""
    row: Row | None = None


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_GRID_COLUMNS = 64  # the widest real form has 12 columns; a span beyond this is a lie or an attack
MAX_BODY_BLOCKS = 20_000  # paragraphs and rows; a form has a few hundred
MAX_CELL_CHARS = 20_000  # the longest 实际完成情况 seen is ~3,000 characters


def _int_attr(el: Any, tag: str, default: int) -> int:
    child = el.find(tag) if el is not None else None
    if child is None:
        return default
    try:
        return int(child.get(W + "val", default))
    except (TypeError, ValueError):
        return default


def table_grid(tbl: Any) -> list[list[Any]]:
    """Rows of a w:tbl as lists of w:tc, one entry per grid column a cell covers, read from the XML itself.

    Bounded by what a table can really hold: gridSpan is capped at the grid's width (MAX_GRID_COLUMNS), rows
    shorter than the grid (w:gridBefore, w:gridAfter) are padded with None, a vMerge continuation repeats the
    cell above it (or starts a cell when there is none above, as in a first row), and no w:tblGrid is needed.
    python-docx's own grid expands spans cell by cell and raises on these tables that LibreOffice renders.
    """
    rows: list[list[Any]] = []
    for tr in tbl.iterchildren(W + "tr"):
        trpr = tr.find(W + "trPr")
        col = min(max(_int_attr(trpr, W + "gridBefore", 0), 0), MAX_GRID_COLUMNS)
        row: list[Any] = [None] * col
        above = rows[-1] if rows else []
        for tc in tr.iterchildren(W + "tc"):
            if col >= MAX_GRID_COLUMNS:
                break
            tcpr = tc.find(W + "tcPr")
            span = min(max(_int_attr(tcpr, W + "gridSpan", 1), 1), MAX_GRID_COLUMNS - col)
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            cell = tc
            if vmerge is not None and vmerge.get(W + "val", "continue") != "restart" and col < len(above):
                cell = above[col] if above[col] is not None else tc
            row.extend([cell] * span)
            col += span
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        r.extend([None] * (width - len(r)))
    return rows


def _cell_text(tc: Any) -> str:
    """Every paragraph of the cell, those of a nested table included, one per line."""
    lines = []
    for p in tc.iter(W + "p"):
        parts = []
        for node in p.iter(W + "t", W + "tab", W + "br", W + "cr"):
            parts.append(node.text or "" if node.tag == W + "t" else ("\t" if node.tag == W + "tab" else "\n"))
        lines.append("".join(parts))
    return "\n".join(lines)


def body_blocks(doc: Any, display: str, warnings: list[Diagnostic] | None = None) -> list[Block]:
    warn = warnings if warnings is not None else []
    blocks: list[Block] = []
    rows_seen = 0
    table_no = 0
    children = list(doc.element.body.iterchildren())
    if len(children) > MAX_BODY_BLOCKS:
        raise DocxImportError(display, "PD112", f"文档有 {len(children):,} 个段落与表格，不像是自评表，拒绝读取")
    for child in children:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(Block("paragraph", "".join(t.text or "" for t in child.iter(W + "t"))[:MAX_CELL_CHARS]))
        elif tag == "tbl":
            table_no += 1
            grid = table_grid(child)
            n_rows = len(grid)
            if rows_seen + n_rows > MAX_TABLE_ROWS or n_rows * (len(grid[0]) if grid else 0) > MAX_GRID_CELLS:
                raise DocxImportError(display, "PD112", f"表格过大（{n_rows} 行），不像是自评表，拒绝读取")
            cells: dict[int, Cell] = {}
            for row_no, tcs in enumerate(grid, start=1):
                rows_seen += 1
                by_col: dict[int, Cell] = {}
                distinct: list[Cell] = []
                for c, tc in enumerate(tcs):
                    if tc is None:
                        continue
                    key = id(tc)
                    if key not in cells:
                        cells[key] = _read_cell(tc, doc, Position(row_no, c + 1, table_no), display, warn)
                    cell = cells[key]
                    by_col[c + 1] = cell
                    if not distinct or distinct[-1] is not cell:  # a span covers neighbouring columns only
                        distinct.append(cell)
                blocks.append(Block("row", row=Row(row_no, table_no, distinct, by_col)))
    return blocks


def _read_cell(tc: Any, doc: Any, at: Position, display: str, warn: list[Diagnostic]) -> Cell:
    from docx.text.paragraph import Paragraph

    text = _cell_text(tc).strip()
    if len(text) > MAX_CELL_CHARS:
        raise DocxImportError(
            display,
            "PD112",
            f"表 {at.table} 第 {at.line} 行第 {at.column} 列的单元格有 {len(text):,} 个字符，"
            f"超出上限 {MAX_CELL_CHARS:,}，不像是自评表的内容",
        )
    if tc.find(".//" + W + "tbl") is not None:
        warn.append(
            Diagnostic.make("PD114", "单元格中有嵌套表格，其文字已按行并入该单元格，请核对", "", at).with_path(display)
        )
    bad = CONTROL.search(text)
    if bad:
        warn.append(
            Diagnostic.make(
                "PD114", f"单元格中的控制字符或非字符 {control_name(bad.group())} 已删除", "", at
            ).with_path(display)
        )
        text = CONTROL.sub("", text)
    paragraphs = [Paragraph(p, doc) for p in tc.iter(W + "p")]
    markdown = CONTROL.sub("", paragraphs_markdown(paragraphs))
    return Cell(col=at.column, text=text, label=norm(text), markdown=markdown)


_MD_INLINE = re.compile(r"([\\`*_\[\]])")
# Markdown that a line of imported text would start by accident: a heading (## 实际完成情况 after a line break in
# a cell would end the 预算目标 section), a quote, a list, a thematic break, a table, a fence.
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=|~*_`]|\d+[.)](?=\s|$))", re.MULTILINE)


def escape_markdown(text: str) -> str:
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def paragraphs_markdown(paragraphs: list[Any]) -> str:
    """A cell's paragraphs as Markdown: bold and italic runs kept, bullets as list items."""
    out = []
    for p in paragraphs:
        spans: list[tuple[bool, bool, str]] = []  # neighbouring runs of one style join into one span
        for run in p.runs:
            style = (bool(run.bold), bool(run.italic))
            if spans and spans[-1][:2] == style:
                spans[-1] = (*style, spans[-1][2] + run.text)
            else:
                spans.append((*style, run.text))
        parts = []
        for bold, italic, text in spans:
            md = escape_markdown(text).replace("\n", "  \n")
            core = md.strip()
            if core and (bold or italic):
                mark = "***" if bold and italic else "**" if bold else "*"
                md = md.replace(core, f"{mark}{core}{mark}", 1)
            parts.append(md)
        md = "".join(parts).strip()
        if md.startswith("• "):
            md = "- " + md[2:]
        if md:
            out.append(md)
    return "\n\n".join(out)


# -- recognising the parts of a form ------------------------------------------------------------------------


def _is_column_label(label: str) -> bool:
    """A header of a column (全年预算数, 三级指标, 总分…) standing where a value should."""
    tables = (*FUND_COLUMN_WORDS.values(), *INDICATOR_COLUMN_WORDS.values(), TOTAL_WORDS)
    return any(words.match(label) for words in tables)


# The rows around the tables, by every label they are printed with → the key a source writes.
NOTE_WORDS = {
    norm(key): spec.label for spec in TOP_FIELDS if spec.kind == "note" for key in (spec.label, *spec.aliases)
}
NOTE_KEYS = tuple(dict.fromkeys(NOTE_WORDS.values()))


def _is_head_label(label: str) -> bool:
    return any(words.match(label) for words in HEAD_WORDS.values())


def match_columns(row: Row, table: dict[str, Words]) -> dict[str, int]:
    found: dict[str, int] = {}
    for cell in row.cells:
        for name, words in table.items():
            if name not in found and cell.label and words.match(cell.label):
                found[name] = cell.col
                break
    return found


def row_has(row: Row, words: Words) -> Cell | None:
    return next((c for c in row.cells if c.label and words.match(c.label)), None)


def is_funds_header(row: Row) -> dict[str, int] | None:
    cols = match_columns(row, FUND_COLUMN_WORDS)
    money = {"initial_budget", "budget", "executed"} & set(cols)
    return cols if len(money) >= 2 and "executed" in cols else None


def is_indicator_header(row: Row) -> dict[str, int] | None:
    cols = match_columns(row, INDICATOR_COLUMN_WORDS)
    return cols if "name" in cols and ({"target", "actual", "weight"} & set(cols)) else None


def fund_row_kind(row: Row) -> str | None:
    for cell in row.cells:
        for kind, words in FUND_ROW_WORDS.items():
            if cell.label and words.match(cell.label):
                return kind
    return None


# -- one form -------------------------------------------------------------------------------------------


@record
class ImportedForm:
    source: str
    index: int  # 1-based within the document
    first: Position  # the row that starts it: 项目名称
    data: dict[str, Any] = field(default_factory=dict)  # as a source's front matter would hold it
    goal: str = ""
    outcome: str = ""
    origins: SourceMap = field(default_factory=lambda: SourceMap(text_lines=False))  # raw path → table, row, column
    warnings: list[Diagnostic] = field(default_factory=list)  # what reading the document changed or skipped
    name: str = ""  # how reports name it: 报送.docx#表2 (the table it starts in)
    notes: list[Diagnostic] = field(default_factory=list)  # what reading this form assumed, skipped or missed
    incomplete: bool = False  # the table ends before its 总分 row (a page cut off, a form not finished)

    @property
    def project(self) -> str:
        return str(self.data.get("项目名称", ""))

    @property
    def year(self) -> int | None:
        y = self.data.get("年度")
        return int(y) if y else None

    def markdown(self, comment: bool = True) -> str:
        from .emit import source_text

        note = f"由 perfdoc import 自 {self.source} 第 {self.index} 张表导入" if comment else ""
        if comment and self.incomplete:  # a source written from a cut-off page says so where it is read
            note += "；原表在「总分」一行之前结束（页面截断或未填完），缺少的行须按原件补齐"
        return source_text(self.data, self.goal, self.outcome, note)

    def raw_document(self) -> RawDocument:
        """The form as the raw tree a Markdown source of it would load into, without writing that source:
        every scalar a string (NFC), the two texts as body sections, positions in the .docx."""
        sections = []
        for index, (kind, text) in enumerate((("goal", self.goal), ("outcome", self.outcome))):
            body = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
            sections.append(Section(SECTION_HEADINGS[kind], body, line=0, index=index))
        self.origins.fallback = self.first
        return RawDocument(
            self.source, _as_raw(self.data), sections, self.origins, incomplete=self.incomplete, printed=True
        )


class _FormReader:
    def __init__(self, form: ImportedForm, year: int | None):
        self.form = form
        self.data: dict[str, Any] = {}
        if year:
            self.data["年度"] = year
        self.funds: dict[str, Any] = {}
        self.fund_cols: dict[str, int] | None = None
        self.ind_cols: dict[str, int] | None = None
        self.goal_cols: tuple[int | None, int | None] | None = None
        self.indicators: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.category = self.subcategory = ""
        self.money_unit: str | None = None
        self.state = "head"
        self.labels: set[str] = set()  # every label of the form, for recognising its profile
        self.saw_total = False
        self.last_row: Row | None = None
        self.unit_cells: list[str] = []  # amounts typed with a unit (150万), said once per form
        self.declared: dict[str, Decimal] = {}  # 一级指标 → the 分值 its label declares: 产出指标(40分)
        self.said: set[str] = set()  # spellings already said (PD115)

    def note(self, code: str, message: str, row: Row, col: int | None) -> None:
        """Something reading this form assumed, skipped or found missing: said at its cell, never silent."""
        at = Position(row.number, col or 1, row.table)
        self.form.notes.append(Diagnostic.make(code, message, "", at).with_path(self.form.source))

    def skipped_columns(self, row: Row, found: dict[str, int]) -> None:
        """Header cells no field reads (指标值设置依据, 佐证资料 …): named where they are (PD116)."""
        for cell in row.cells:
            if cell.label and cell.col not in found.values() and not _is_block_label(cell.label):
                self.note("PD116", f"栏目「{cell.text.strip()}」不是自评表的字段，其内容已略过", row, cell.col)

    def origin(self, path: RawPath, row: Row, col: int | None) -> None:
        at = Position(row.number, col or 1, row.table)
        self.form.origins.value_pos[path] = self.form.origins.key_pos[path] = at

    def value_after(self, row: Row, label_cell: Cell) -> Cell | None:
        later = [c for c in row.cells if c.col > label_cell.col]
        return later[0] if later else None

    def take_head(self, row: Row) -> None:
        """项目名称 / 主管部门 / 实施单位, and the 金额单位 of the 项目资金 label."""
        for name, words in HEAD_WORDS.items():
            key = _LABEL[name]
            for cell in row.cells:
                if cell.label and words.match(cell.label):
                    value = self.value_after(row, cell)
                    if value is not None and not _is_head_label(value.label) and not _is_column_label(value.label):
                        self.data[key] = " ".join(value.text.split())
                        self.origin((key,), row, value.col)
        for cell in row.cells:
            if FUNDS_BLOCK.match(cell.label):
                self.money_unit = "万元" if "万元" in cell.label else "元" if "元" in cell.label else self.money_unit
            if self.state == "head" and cell.label in HEAD_TOTAL_LABELS:  # 项目总得分 printed above the table
                value = self.value_after(row, cell)
                number = score_of(value.text) if value is not None else None
                if number is not None:
                    self.data["总分"] = number
                    self.origin(("总分",), row, value.col if value is not None else cell.col)

    def feed(self, row: Row) -> bool:
        """Read one row; False when the row ends the form (its 总分 row was read)."""
        if row.blank:
            return True
        self.take_head(row)
        self.last_row = row
        funds_header = is_funds_header(row)
        if funds_header:
            self.fund_cols = funds_header
            self.state = "funds"
            self.skipped_columns(row, funds_header)
            return True
        ind_header = is_indicator_header(row)
        if ind_header:
            if self.ind_cols is None:
                self.ind_cols = ind_header
                self.skipped_columns(row, ind_header)
            else:  # a second header row (指标性质 / 指标值 / 度量单位 under 年度指标值), or one repeated on a new page
                self.ind_cols.update({k: v for k, v in ind_header.items() if k not in self.ind_cols or k == "target"})
            self.state = "indicators"
            return True
        if self.state == "indicators" and self.ind_cols and self.extend_indicator_header(row):
            return True
        goal_cell, outcome_cell = row_has(row, SECTION_WORDS["goal"]), row_has(row, SECTION_WORDS["outcome"])
        if goal_cell or outcome_cell:
            self.goal_cols = (goal_cell.col if goal_cell else None, outcome_cell.col if outcome_cell else None)
            self.state = "goal"
            return True
        total_cell = row_has(row, TOTAL_WORDS)
        if total_cell and self.state == "indicators":
            self.take_total(row, total_cell)
            self.state = "tail"  # 评价结论, 存在问题, 填报人… may follow; anything else ends the form
            return True
        if self.take_notes(row):
            return True
        if self.state == "tail":  # 审核意见, 联系人… after the form: the form ends here, and this row is said
            first = next((c for c in row.cells if c.label), None)
            if first is not None and GRADE_LABEL.fullmatch(first.label) and self.take_grade(row, first.col):
                return True  # 自评等级 | 良: the grade in a row of its own
            if first is not None and not any(c.label == "项目名称" for c in row.cells):
                self.note("PD116", f"「{first.text.strip()}」一行不是自评表的字段，已略过", row, first.col)
            return False
        if self.state == "funds" and self.fund_cols:
            kind = fund_row_kind(row)
            if kind:
                self.take_fund_row(row, kind)
                return True
            if any(amount_of(c.text) is not None for c in row.cells):  # figures under a label no row reads
                label = next(
                    (
                        c.text.strip()
                        for c in row.cells
                        if c.label and amount_of(c.text) is None and not _is_block_label(c.label)
                    ),
                    "",
                )
                self.note("PD116", f"资金行「{label or '（无标签）'}」不是本表式的资金行，其数字未读取", row, None)
                return True
        if self.state == "goal" and self.goal_cols:
            self.take_goal_texts(row)
            return True
        if self.state == "indicators" and self.ind_cols:
            self.take_indicator(row)
        return True

    def extend_indicator_header(self, row: Row) -> bool:
        sub = match_columns(row, INDICATOR_COLUMN_WORDS)
        if sub and not ({"name"} & set(sub)) and ({"nature", "unit", "target"} & set(sub)):
            assert self.ind_cols is not None
            self.ind_cols.update(sub)
            return True
        return False

    def take_fund_row(self, row: Row, kind: str) -> None:
        assert self.fund_cols is not None
        label = FUNDING_ROW_KEYS[kind]
        values: dict[str, Any] = {}
        for name, column in (("initial_budget", "年初预算数"), ("budget", "全年预算数"), ("executed", "全年执行数")):
            col = self.fund_cols.get(name)
            amount = self.amount_in_unit(row.at(col), f"{label}{column}")
            if amount is not None:
                values[column] = amount
                self.origin(("项目资金", label, column), row, col)
        self.funds[label] = values
        if kind == "total":
            for name, key in (("weight", "分值"), ("rate", "执行率"), ("score", "得分")):
                col = self.fund_cols.get(name)
                text = row.at(col)
                number = amount_of(text.rstrip("%％")) if text else None
                if number is not None:
                    # the rate as typed (86.5%, 25, 0.958): the parser reads a bare fraction and says so (PD211)
                    self.funds[key] = " ".join(text.split()) if name == "rate" else number
                    self.origin(("项目资金", key), row, col)
            reason = row.at(self.fund_cols.get("reason"))
            if reason:
                self.funds["原因"] = reason
                self.origin(("项目资金", "原因"), row, self.fund_cols.get("reason"))

    def amount_in_unit(self, text: str, where: str) -> Decimal | None:
        """An amount in the form's money unit; one typed with its own unit (150万, 620.82万元, 7500元) is
        converted when the units differ, and said (PD115) either way."""
        amount = amount_of(text)
        written = unicodedata.normalize("NFKC", text or "").strip()
        if amount is None or not written.endswith(("万", "元")):
            return amount
        self.unit_cells.append(f"{where}「{written}」")
        typed_wan = written.endswith(("万", "万元"))
        form_wan = self.money_unit == "万元"
        if typed_wan and not form_wan and self.money_unit == "元":
            return amount * 10000
        if not typed_wan and form_wan:
            return amount / 10000
        return amount

    def take_goal_texts(self, row: Row) -> None:
        assert self.goal_cols is not None
        goal_col, outcome_col = self.goal_cols
        for index, (col, attr) in enumerate(((goal_col, "goal"), (outcome_col, "outcome"))):
            if col is not None and col in row.grid and row.grid[col].markdown and not getattr(self.form, attr):
                setattr(self.form, attr, row.grid[col].markdown)
                self.form.origins.sections[index] = Position(row.number, col, row.table)
        self.goal_cols = None  # the texts are one row

    def take_indicator(self, row: Row) -> None:
        cols = self.ind_cols
        assert cols is not None
        name = " ".join(row.at(cols["name"]).split())
        if norm(name) in ("三级指标", "指标名称"):
            return
        written = self.group(row, cols.get("category"), HIERARCHY)
        category = written or self.category
        sub = self.group(row, cols.get("subcategory"), ALL_SUBCATEGORIES) or self.subcategory
        if not written and sub in ALL_SUBCATEGORIES and sub not in HIERARCHY.get(category, ()):
            # no 一级 cell (a form without that column, or left blank): the 二级 says which block it is in
            category = next((c for c, subs in HIERARCHY.items() if sub in subs), category)
        if not norm(name):  # a row kept from the blank template: its group stays, empty, as printed
            if sub in ALL_SUBCATEGORIES:
                owner = category or next((c for c, subs in HIERARCHY.items() if sub in subs), "")
                if owner:
                    self.indicators.setdefault(owner, {}).setdefault(sub, [])
                    self.category, self.subcategory = owner, sub
            return
        if not category and sub:
            category = next((c for c, subs in HIERARCHY.items() if sub in subs), "")
        self.category, self.subcategory = category, sub
        item: dict[str, Any] = {"三级指标": name}
        subs = self.indicators.setdefault(category or "（未写一级指标）", {})
        items = subs.setdefault(sub or "（未写二级指标）", [])
        path: RawPath = ("绩效指标", category or "（未写一级指标）", sub or "（未写二级指标）", len(items))
        self.origin(path, row, cols["name"])
        self.origin((*path, "三级指标"), row, cols["name"])
        target = compose_target(row.at(cols.get("nature")), row.at(cols.get("target")), row.at(cols.get("unit")))
        actual = compose_actual(row.at(cols.get("actual")), row.at(cols.get("unit")))
        for key, value, col in (("年度指标值", target, cols.get("target")), ("实际完成值", actual, cols.get("actual"))):
            if value:
                item[key] = value
                self.origin((*path, key), row, col)
        for key, name_ in (("分值", "weight"), ("得分", "score")):
            number = score_of(row.at(cols.get(name_)))
            if number is not None:
                item[key] = number
                self.origin((*path, key), row, cols.get(name_))
        reason = row.at(cols.get("reason"))
        if reason and not is_empty(reason):
            item["偏差原因分析及改进措施"] = reason.strip()
            self.origin((*path, "偏差原因分析及改进措施"), row, cols.get("reason"))
        items.append(item)

    def group(self, row: Row, col: int | None, known: Any) -> str:
        """A 一级 / 二级 cell as the vocabulary names it. What the form wrote differently but unambiguously is
        read and said (PD115): traditional characters or pinyin left by a mirror site, a repeated or missing
        character. The 分值 a block label declares (产出指标(40分)) is kept for checking its rows."""
        written = row.at(col)
        if not norm(written):
            return ""
        plain = plain_label(norm(written))
        name = canonical_label(plain, known)
        if name not in known:
            close = difflib.get_close_matches(plain, [*known, *(k.removesuffix("指标") for k in known)], 1, 0.8)
            if close:
                name = canonical_label(close[0], known)
        if name in known and name != canonical_label(norm(written), known) and written not in self.said:
            self.said.add(written)  # once per spelling: a block label repeats on every row of the block
            self.note("PD115", f"「{written.strip()}」按「{name}」读取", row, col)
        declared = BLOCK_WEIGHT.search(unicodedata.normalize("NFKC", written))
        if declared and known is HIERARCHY:
            self.declared[name] = Decimal(declared.group(1))
        return name if name in known else norm(written)

    def weights_from_labels(self) -> None:
        """A block whose label declares its 分值 (满意度指标(10分)) and holds one indicator without one: that
        indicator's 分值 is the block's, said (PD115). Several indicators would be a guess, and are left."""
        for category, declared in self.declared.items():
            items = [item for items in self.indicators.get(category, {}).values() for item in items]
            if len(items) == 1 and "分值" not in items[0]:
                items[0]["分值"] = declared
                row = self.last_row
                if row is not None:
                    self.note(
                        "PD115",
                        f"「{items[0]['三级指标']}」没有分值：按「{category}」标注的 {declared} 分计",
                        row,
                        None,
                    )

    def take_notes(self, row: Row) -> bool:
        """The rows around the tables (项目编码, 评价结论, 填报人 …): each label cell with the cell after it."""
        taken = False
        for cell in row.cells:
            key = NOTE_WORDS.get(cell.label)
            value = self.value_after(row, cell) if key else None
            if key and value is not None and value.label and value.label not in NOTE_WORDS:
                self.data[key] = value.text.strip()
                self.origin((key,), row, value.col)
                taken = True
            elif key:
                taken = True  # the label of an empty row
        return taken

    def take_total(self, row: Row, label: Cell) -> None:
        self.saw_total = True
        cols = self.ind_cols or {}
        score_col = cols.get("score")
        typed = score_of(row.at(score_col)) if score_col else None
        if typed is None:
            numbers = [score_of(c.text) for c in row.cells if c.col > label.col]
            numbers = [n for n in numbers if n is not None]
            typed = numbers[-1] if numbers else None
        if typed is not None:
            self.data["总分"] = typed
            self.origin(("总分",), row, score_col or label.col)
        self.take_grade(row, label.col)

    def take_grade(self, row: Row, after: int) -> bool:
        """等级 in a cell after column `after` (等级：优, or 优 alone), in the 总分 row or a row of its own."""
        for cell in row.cells:
            word = GRADE_LABEL.sub("", norm(cell.text)).strip(":：")
            if word in GRADE_WORDS and cell.col > after:
                self.data["等级"] = word
                self.origin(("等级",), row, cell.col)
                return True
        return False

    def layout(self, rows: set[str]) -> Layout:
        """What the table's structure says of its profile: rows, 项目资金 columns, indicator columns."""
        fund = {_BLOCK_COLUMN.get(name, name) for name in self.fund_cols or {}}
        ind = self.ind_cols or {}
        weight, target = ind.get("weight"), ind.get("target", ind.get("nature"))
        return Layout(
            frozenset(rows),
            frozenset(fund),
            split="nature" in ind or "unit" in ind,
            completion="completion" in ind,
            weight_first=weight is not None and target is not None and weight < target,
            money_unit=self.money_unit,
        )

    def result(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key in ("年度", "项目名称", "主管部门", "实施单位"):
            if key in self.data:
                data[key] = self.data[key]
        if self.money_unit == "万元":
            data["金额单位"] = "万元"
        keys = {label: name for name, label in FUNDING_ROW_KEYS.items()}
        found = {keys[label] for label in self.funds if label in keys}
        profile, rows = profile_for_layout(self.layout(found), self.labels)
        if profile is not None:
            data = {"表式": profile, **data}  # the form's layout and labels are another province's
        if self.funds:
            funds = {FUNDING_ROW_KEYS[name]: self.funds.get(FUNDING_ROW_KEYS[name], {}) for name in rows}
            for key in ("分值", "执行率", "得分", "原因"):
                if key in self.funds:
                    funds[key] = self.funds[key]
            data["项目资金"] = funds
        if self.indicators:
            data["绩效指标"] = self.indicators
        if self.declared:
            data["一级指标分值"] = self.declared
            self.weights_from_labels()
        last = self.last_row
        if self.unit_cells and last is not None:
            shown = "、".join(self.unit_cells[:4]) + ("等" if len(self.unit_cells) > 4 else "")
            unit = self.money_unit or "表头的金额单位"
            self.note("PD115", f"金额中写了单位（{shown}）：按 {unit} 读取，请只填数字", last, None)
        if self.ind_cols is None and self.funds and last is not None:
            self.note(
                "PD116",
                "没有找到绩效指标的表头（三级指标、年度指标值、分值…）：指标未读取，请核对表格的栏目名",
                last,
                None,
            )
        if not self.saw_total and (self.indicators or self.funds) and last is not None:
            self.form.incomplete = True
            self.note(
                "PD117",
                "表格在「总分」一行之前结束（页面被截断或表未填完）：已读到的数字照常核对，总分与分值合计不作结论",
                last,
                None,
            )
        for key in ("总分", "等级", *NOTE_KEYS):
            if key in self.data:
                data[key] = self.data[key]
        return data


_BLOCK_COLUMN = {"rate": "execution_rate", "reason": "execution_reason"}  # the importer's names → the profile's


class Layout(NamedTuple):
    """The structure of a form's table, as read or as a profile prints it."""

    rows: frozenset[str]  # 项目资金 rows
    columns: frozenset[str]  # 项目资金 columns (vocabulary.FUNDS_BLOCK_COLUMNS and 原因)
    split: bool  # 指标性质 / 指标值 / 度量单位
    completion: bool  # 完成率
    weight_first: bool  # 分值 before 年度指标值
    money_unit: str | None = None


class _Profile(NamedTuple):
    name: str
    labels: frozenset[str]  # the labels only its form prints
    rows: tuple[str, ...]
    layout: Layout


@lru_cache(maxsize=1)
def _packaged_profiles() -> tuple[_Profile, ...]:
    """Each packaged profile once per process, with what its printed form looks like."""
    from .config import PACKAGED_PROFILES, Config, with_profile
    from .vocabulary import LABELS

    default = {norm(text) for name, text in LABELS.items() if name not in ("nature", "unit")}
    found = []
    for path in sorted(PACKAGED_PROFILES.glob("*.toml")):
        cfg = with_profile(Config(root=PACKAGED_PROFILES), path.stem)
        own = {norm(text) for name, text in cfg.labels.items() if text != LABELS[name]}
        if cfg.split_target:
            own |= {norm(cfg.label("nature")), norm(cfg.label("unit"))}
        own -= default  # 执行率(B/A) is compared as 执行率: the default form's label says nothing
        layout = Layout(
            frozenset(cfg.funding_rows),
            frozenset(cfg.funding_columns),
            cfg.split_target,
            cfg.completion_column,
            cfg.weight_before_target,
            cfg.money_unit,
        )
        found.append(_Profile(path.stem, frozenset(own), cfg.funding_rows, layout))
    return tuple(found)


def profile_for_layout(form: Layout, labels: set[str]) -> tuple[str | None, tuple[str, ...]]:
    """(the packaged profile a Word form is printed in, the funding rows to write), or None for the project's own
    when the form looks like the default one.

    The table's structure decides first: a profile whose funding rows hold the form's, with the same 项目资金
    columns and indicator columns. Among those, the one whose own labels the form shows most (at least two), then
    the one whose rows are exactly the form's and whose money unit is the form's. A form that matches no profile's
    structure is recognised from its funding rows, then its labels alone."""
    profiles = _packaged_profiles()

    def fits(p: _Profile) -> bool:
        shape = p.layout
        same = (shape.columns, shape.split, shape.completion, shape.weight_first)
        return form.rows <= shape.rows and same == (form.columns, form.split, form.completion, form.weight_first)

    def rank(p: _Profile) -> tuple[int, bool, bool]:
        own = len(p.labels & labels)
        return (own if own >= 2 else 0, p.layout.rows == form.rows, p.layout.money_unit == form.money_unit)

    fitting = sorted((p for p in profiles if fits(p)), key=rank, reverse=True)  # stable: ties keep name order
    if fitting:
        best = fitting[0]
        default_fits = any(p.name == DEFAULT_PROFILE for p in fitting)
        tied = len(fitting) > 1 and rank(fitting[1]) == rank(best)
        if default_fits and (best.name == DEFAULT_PROFILE or rank(best)[0] == 0 or tied):
            return None, DEFAULT_FUNDING_ROWS  # looks like the default form: the project's own profile
        return best.name, best.rows
    # A layout no profile prints: its funding rows decide where they can, then its labels.
    if not form.rows <= set(DEFAULT_FUNDING_ROWS):
        for p in profiles:
            if form.rows <= set(p.rows):
                return p.name, p.rows
        # Rows of two families at once: kept, so that check names each row no profile has (never dropped).
        return None, (*DEFAULT_FUNDING_ROWS, *sorted(form.rows - set(DEFAULT_FUNDING_ROWS)))
    scores = sorted(((len(p.labels & labels), p.name) for p in profiles), reverse=True)
    if scores and scores[0][0] >= 2 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
        return scores[0][1], next(p.rows for p in profiles if p.name == scores[0][1])
    return None, DEFAULT_FUNDING_ROWS


def _as_raw(value: Any) -> Any:
    """Imported data → a loader's raw tree: mappings and lists kept, every scalar a string in NFC."""
    if isinstance(value, dict):
        return {str(k): _as_raw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_raw(v) for v in value]
    if value is None:
        return None
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return unicodedata.normalize("NFC", text)


def score_of(text: str) -> Decimal | None:
    """A score as forms type it: 98, 98.62, 98分."""
    return amount_of(unicodedata.normalize("NFKC", text or "").strip().removesuffix("分"))


def amount_of(text: str) -> Decimal | None:
    cleaned = unicodedata.normalize("NFKC", text or "").replace(" ", "").replace("\u00a0", "")
    cleaned = cleaned.removesuffix("元").removesuffix("万")
    try:
        return parse_decimal(cleaned)
    except ValueError:
        return None


GRADE_LABEL = re.compile(r"^(?:自评等级|评价等级|绩效等级|综合评价等级|等级)")
HEAD_TOTAL_LABELS = ("项目总得分", "总得分", "自评总分", "自评得分")
BLOCK_WEIGHT = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[）)]")
# Mirror sites re-post forms in traditional characters with pinyin after some of them (產(chǎn)出指標(biāo)): the
# characters of the group names, back to the simplified ones the vocabulary uses.
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_SIMPLIFIED = str.maketrans(
    "產標滿數質時經濟會態續響務對環項預執資額實際績評價總値達準計護級類",
    "产标满数质时经济会态续响务对环项预执资额实际绩评价总值达准计护级类",
)


def plain_label(text: str) -> str:
    """A label without mirror-site pinyin, in simplified characters."""
    return _PINYIN.sub("", text).translate(_SIMPLIFIED)


def _is_block_label(label: str) -> bool:
    """The merged label cell of a block (绩效指标, 项目资金（万元）), not a column of it."""
    return label in ("绩效指标", "年度绩效指标") or FUNDS_BLOCK.match(label)


def canonical_category(text: str) -> str:
    return canonical_label(norm(text), HIERARCHY) if norm(text) else ""


def canonical_subcategory(text: str) -> str:
    return canonical_label(norm(text), ALL_SUBCATEGORIES) if norm(text) else ""


def compose_actual(value: str, unit: str) -> str:
    value = " ".join(value.split())
    u = norm(unit)
    if value and u and re.fullmatch(r"[\d.,]+", norm(value)):
        return value + u
    return value


# -- whole documents ------------------------------------------------------------------------------------------


def import_document(doc: Any, display: str) -> list[ImportedForm]:
    warnings: list[Diagnostic] = []
    blocks = body_blocks(doc, display, warnings)
    forms: list[ImportedForm] = []
    reader: _FormReader | None = None
    year: int | None = None
    titles: list[str] = []  # the paragraphs above a form: its title names its template
    for block in blocks:
        if block.kind == "paragraph":
            if block.text.strip():
                titles = [*titles[-3:], norm(block.text)]
            text = unicodedata.normalize("NFKC", block.text)
            m = YEAR.search(text)
            if m and ("年度" in text or "自评" in text or len(text) < 20):
                year = int(m.group(0))
            continue
        row = block.row
        assert row is not None
        starts = any(c.label == "项目名称" for c in row.cells)
        if starts:
            if reader is not None:
                forms.append(_finish(reader))
            reader = _FormReader(ImportedForm(display, len(forms) + 1, Position(row.number, 1, row.table)), year)
            reader.labels.update(titles)
        elif reader is None:
            m = YEAR.search(unicodedata.normalize("NFKC", " ".join(c.text for c in row.cells)))
            if m:
                year = int(m.group(0))
            continue
        reader.labels.update(c.label for c in row.cells if c.label)
        if not reader.feed(row):
            forms.append(_finish(reader))
            reader = None
            m = YEAR.search(unicodedata.normalize("NFKC", " ".join(c.text for c in row.cells)))
            if m:  # the row after a form may be the next form's title
                year = int(m.group(0))
    if reader is not None:
        forms.append(_finish(reader))
    # A self-assessment form has indicators, or a project and its funding: a table of projects (perfdoc's own
    # summary.docx, a list of units) has column labels where a form has values, and is not one.
    forms = [f for f in forms if f.data.get("绩效指标") or (f.data.get("项目资金") and f.data.get("项目名称"))]
    if not forms:
        raise DocxImportError(
            display,
            "PD113",
            "文档中没有找到自评表：需要“项目名称”后写有项目、并有绩效指标或项目资金的表格"
            "（汇总表、项目清单等不是自评表）",
        )
    tables = [f.first.table for f in forms]
    for form in forms:
        form.warnings = [*warnings, *form.notes]
        # Named by the table a form starts in; by its row too when one table holds several forms.
        shared = tables.count(form.first.table) > 1
        form.name = f"{display}#表{form.first.table}" + (f"行{form.first.line}" if shared else "")
    return forms


def _finish(reader: _FormReader) -> ImportedForm:
    reader.form.data = reader.result()
    return reader.form


def import_docx(path: Path, display: str | None = None) -> list[ImportedForm]:
    shown = display or str(path)
    return import_document(read_docx(path, shown), shown)
