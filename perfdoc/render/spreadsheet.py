"""A one-sheet SpreadsheetML workbook (.xlsx), written directly: the year summary's shape and nothing more.

The summary was written with openpyxl, whose import alone (~140 ms, charts and readers included) was the largest
fixed cost of a build: more than reading, checking and rendering the three example forms. This module writes
the same parts, to the byte, as openpyxl 3.1 wrote them for that workbook (``tests/test_spreadsheet.py`` keeps
the two equal over generated summaries, and reads every workbook back with openpyxl): inline strings, numbers
as ``%.16g``, named cell styles, a merged title row, column widths, a frozen header, print titles, A4
landscape. Cell styles are numbered in the order cells first use them, as openpyxl numbers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ..record import field, record

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# Excel's built-in number formats (ECMA-376 §18.8.30); any other format gets an id from 164 on.
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}


class Font(NamedTuple):
    bold: bool = False
    size: int | None = None

    def xml(self) -> str:
        inner = ('<b val="1"/>' if self.bold else "") + (f'<sz val="{self.size}"/>' if self.size else "")
        return f"<font>{inner}</font>" if inner else "<font/>"


class Style(NamedTuple):
    """A named cell style: font, optional grey fill, thin grey border, alignment, number format."""

    name: str
    named: bool = True  # a registered named style; the title's own formatting is not one
    font: Font = Font()
    fill: bool = False
    border: bool = True
    horizontal: str = ""
    vertical: str = ""
    wrap: bool = False
    number_format: str = "General"

    def alignment(self) -> str:
        attrs = f' horizontal="{self.horizontal}"' if self.horizontal else ""
        attrs += f' vertical="{self.vertical}"' if self.vertical else ""
        attrs += ' wrapText="1"' if self.wrap else ""
        return f"<alignment{attrs}/>"


@record
class Sheet:
    title: str
    rows: list[list[tuple[object, Style | None]]] = field(default_factory=list)  # per cell: value, style
    widths: Sequence[float] = ()
    merged: str = ""  # "A1:J1"
    frozen: str = ""  # the top-left cell that scrolls: "C3"
    print_title_rows: str = ""  # "2:2"


@record
class Workbook:
    sheet: Sheet
    styles: list[Style]  # named styles, in the order they were registered
    creator: str
    title: str
    timestamp: str  # W3CDTF, for created and modified


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    """Cell text as openpyxl's serializer writes it: &, <, > escaped, every non-ASCII character as &#N;."""
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _number(value: float | int) -> str:
    return f"{value:.16g}"


class _Stylesheet:
    """Fonts, number formats and cell formats, numbered in the order of first use."""

    def __init__(self, named: list[Style]):
        self.named = named
        self.fonts: list[Font | None] = [None]  # 0: the workbook's default font (Calibri 11)
        self.formats: dict[str, int] = {}
        self.cell_xfs: list[str] = [
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton="0" quotePrefix="0" xfId="0"/>'
        ]
        self.ids: dict[Style, int] = {}

    def font(self, font: Font) -> int:
        if font not in self.fonts:
            self.fonts.append(font)
        return self.fonts.index(font)

    def format(self, code: str) -> int:
        if code in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[code]
        return self.formats.setdefault(code, 164 + len(self.formats))

    def _xf(self, style: Style, xf_id: int | None) -> str:
        fill = 2 if style.fill else 0
        border = 1 if style.border else 0
        number, font = self.format(style.number_format), self.font(style.font)
        head = f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="{border}" applyAlignment="1"'
        tail = "" if xf_id is None else f' pivotButton="0" quotePrefix="0" xfId="{xf_id}"'
        return f"{head}{tail}>{style.alignment()}</xf>"

    def register_named(self) -> list[str]:
        return ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'] + [self._xf(s, None) for s in self.named]

    def cell(self, style: Style) -> int:
        if style not in self.ids:
            xf_id = self.named.index(style) + 1 if style.named else 0
            self.ids[style] = len(self.cell_xfs)
            self.cell_xfs.append(self._xf(style, xf_id))
        return self.ids[style]


def _styles_xml(sheet: _Stylesheet, cell_style_xfs: list[str]) -> str:
    formats = "".join(f'<numFmt numFmtId="{i}" formatCode="{_text(code)}"/>' for code, i in sheet.formats.items())
    num_fmts = f'<numFmts count="{len(sheet.formats)}">{formats}</numFmts>' if formats else '<numFmts count="0"/>'
    fonts = "".join(
        '<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/><scheme val="minor"/></font>'
        if f is None
        else f.xml()
        for f in sheet.fonts
    )
    thin = '<color rgb="00999999"/>'
    border = "".join(f'<{side} style="thin">{thin}</{side}>' for side in ("left", "right", "top", "bottom"))
    names = "".join(
        f'<cellStyle name="{_text(s.name)}" xfId="{i}" hidden="0"/>' for i, s in enumerate(sheet.named, start=1)
    )
    return (
        f'<styleSheet xmlns="{MAIN}">{num_fmts}<fonts count="{len(sheet.fonts)}">{fonts}</fonts>'
        '<fills count="3"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="00EDEDED"/></patternFill></fill></fills>'
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        f"<border>{border}</border></borders>"
        f'<cellStyleXfs count="{len(cell_style_xfs)}">{"".join(cell_style_xfs)}</cellStyleXfs>'
        f'<cellXfs count="{len(sheet.cell_xfs)}">{"".join(sheet.cell_xfs)}</cellXfs>'
        f'<cellStyles count="{len(sheet.named) + 1}"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/>'
        f"{names}</cellStyles>"
        '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
        f"<colors><indexedColors>{INDEXED_COLORS}</indexedColors></colors></styleSheet>"
    )


# Excel's legacy palette of 64 indexed colours, as openpyxl writes it (its first eight twice, as Excel has it).
_PALETTE = (
    "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF "
    "800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF 660066 FF8080 0066CC CCCCFF "
    "000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF CCFFCC FFFF99 99CCFF FF99CC CC99FF FFCC99 "
    "3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 003366 339966 003300 333300 993300 993366 333399 333333 "
)
INDEXED_COLORS = "".join(f'<rgbColor rgb="00{c}"/>' for c in _PALETTE.split())


def _cell(ref: str, value: object, style: int | None) -> str:
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        if value == "":
            return f'<c r="{ref}"{s} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
    if value is None:
        return f'<c r="{ref}"{s} t="n"></c>'
    assert isinstance(value, (int, float)) and not isinstance(value, bool)
    return f'<c r="{ref}"{s} t="n"><v>{_number(value)}</v></c>'


def _sheet_xml(book: Workbook, styles: _Stylesheet) -> str:
    sheet = book.sheet
    width = max((len(r) for r in sheet.rows), default=1)
    rows = []
    for number, row in enumerate(sheet.rows, start=1):
        cells = []
        for column, (value, style) in enumerate(row, start=1):
            if style is None and value is None:
                continue  # openpyxl leaves out cells with neither value nor style
            xf = styles.cell(style) if style is not None else None
            cells.append(_cell(f"{column_letter(column)}{number}", value, xf))
        rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    pane = ""
    if sheet.frozen:
        column = sum(1 for ch in sheet.frozen if ch.isalpha())
        x, y = column_letter_index(sheet.frozen[:column]) - 1, int(sheet.frozen[column:]) - 1
        pane = (
            f'<pane xSplit="{x}" ySplit="{y}" topLeftCell="{sheet.frozen}" activePane="bottomRight" state="frozen"/>'
            '<selection pane="topRight"/><selection pane="bottomLeft"/>'
            '<selection pane="bottomRight" activeCell="A1" sqref="A1"/>'
        )
    cols = "".join(
        f'<col width="{_number(w)}" customWidth="1" min="{i}" max="{i}"/>' for i, w in enumerate(sheet.widths, start=1)
    )
    merged = f'<mergeCells count="1"><mergeCell ref="{sheet.merged}"/></mergeCells>' if sheet.merged else ""
    return (
        f'<worksheet xmlns="{MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr/></sheetPr>'
        f'<dimension ref="A1:{column_letter(width)}{len(sheet.rows)}"/>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        f"<cols>{cols}</cols><sheetData>{''.join(rows)}</sheetData>{merged}"
        '<printOptions horizontalCentered="1"/>'
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        '<pageSetup orientation="landscape" paperSize="9"/></worksheet>'
    )


def column_letter_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def _workbook_xml(sheet: Sheet) -> str:
    quoted = sheet.title.replace("'", "''")
    titles = ""
    if sheet.print_title_rows:
        first, last = sheet.print_title_rows.split(":")
        titles = (
            f'<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">\'{quoted}\'!${first}:${last}'
            "</definedName></definedNames>"
        )
    return (
        f'<workbook xmlns="{MAIN}"><workbookPr/><workbookProtection/><bookViews><workbookView visibility="visible" '
        'minimized="0" showHorizontalScroll="1" showVerticalScroll="1" showSheetTabs="1" tabRatio="600" '
        'firstSheet="0" activeTab="0" autoFilterDateGrouping="1"/></bookViews><sheets>'
        f'<sheet xmlns:r="{DOC_RELS}" name="{_attr(sheet.title)}" sheetId="1" state="visible" r:id="rId1"/></sheets>'
        f'{titles}<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _core_xml(book: Workbook) -> str:
    dc, terms, xsi = (
        "http://purl.org/dc/elements/1.1/",
        "http://purl.org/dc/terms/",
        "http://www.w3.org/2001/XMLSchema-instance",
    )
    stamp = f'xmlns:dcterms="{terms}" xmlns:xsi="{xsi}" xsi:type="dcterms:W3CDTF">{book.timestamp}'
    return (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
        f'<dc:creator xmlns:dc="{dc}">{_attr(book.creator)}</dc:creator>'
        f'<dc:title xmlns:dc="{dc}">{_attr(book.title)}</dc:title>'
        f"<dcterms:created {stamp}</dcterms:created><dcterms:modified {stamp}</dcterms:modified></cp:coreProperties>"
    )


_OOXML = "application/vnd.openxmlformats-officedocument"
_PARTS = (
    ("/xl/styles.xml", f"{_OOXML}.spreadsheetml.styles+xml"),
    ("/xl/theme/theme1.xml", f"{_OOXML}.theme+xml"),
    ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
    ("/docProps/app.xml", f"{_OOXML}.extended-properties+xml"),
    ("/xl/worksheets/sheet1.xml", f"{_OOXML}.spreadsheetml.worksheet+xml"),
    ("/xl/workbook.xml", f"{_OOXML}.spreadsheetml.sheet.main+xml"),
)
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in _PARTS)
    + "</Types>"
)
PACKAGE_RELS = (
    f'<Relationships xmlns="{RELS}">'
    f'<Relationship Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml" Id="rId1"/>'
    f'<Relationship Type="{RELS}/metadata/core-properties" Target="docProps/core.xml" Id="rId2"/>'
    f'<Relationship Type="{DOC_RELS}/extended-properties" Target="docProps/app.xml" Id="rId3"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    f'<Relationships xmlns="{RELS}">'
    f'<Relationship Type="{DOC_RELS}/worksheet" Target="/xl/worksheets/sheet1.xml" Id="rId1"/>'
    f'<Relationship Type="{DOC_RELS}/styles" Target="styles.xml" Id="rId2"/>'
    f'<Relationship Type="{DOC_RELS}/theme" Target="theme/theme1.xml" Id="rId3"/>'
    "</Relationships>"
)
# The application name openpyxl 3.1 records; kept so that the summary stays the same file to the byte.
APP = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel Compatible / Openpyxl 3.1.5</Application><AppVersion>3.1</AppVersion></Properties>"
)


def workbook_bytes(book: Workbook) -> bytes:
    from .wordml import ZipEntry, zip_bytes

    styles = _Stylesheet(book.styles)
    for row in book.sheet.rows:  # a cell's own font is numbered before the named styles' (openpyxl's order)
        for _, style in row:
            if style is not None and not style.named:
                styles.font(style.font)
    cell_style_xfs = styles.register_named()
    sheet = _sheet_xml(book, styles)  # numbers the cell styles in the order of first use
    # The standard Office theme, as openpyxl writes it into every workbook (openpyxl is MIT-licensed).
    theme = (Path(__file__).parent / "xlsx-theme.xml").read_bytes()
    parts = [
        ("docProps/app.xml", APP.encode()),
        ("docProps/core.xml", _core_xml(book).encode()),
        ("xl/theme/theme1.xml", theme),
        ("xl/worksheets/sheet1.xml", sheet.encode()),
        ("xl/styles.xml", _styles_xml(styles, cell_style_xfs).encode()),
        ("_rels/.rels", PACKAGE_RELS.encode()),
        ("xl/workbook.xml", _workbook_xml(book.sheet).encode()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.encode()),
        ("[Content_Types].xml", CONTENT_TYPES.encode()),
    ]
    return zip_bytes([ZipEntry.of(name, data) for name, data in parts])
