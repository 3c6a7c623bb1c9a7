"""Raw WordprocessingML, kept in one place: long texts as paragraphs, vertical merges, core properties and a
deterministic zip writer. Everything else works with templates and contexts, never with XML.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import NamedTuple

from .markdown import Block
from .xmltext import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Marks a cell for a vertical merge. Unicode noncharacters: never valid in interchange text, and the loader
# refuses them in content, so no author can produce one.
VM_RESTART = "\ufdd0"
VM_CONTINUE = "\ufdd1"

TEXT_STYLE = "表内正文"
LIST_STYLE = "表内列表"


def _style_id(doc_styles: dict[str, str], name: str) -> str:
    return doc_styles.get(name, name)


def paragraphs_xml(blocks: list[Block], style_ids: dict[str, str]) -> str:
    """Blocks → ``<w:p>`` elements: one per paragraph or list item, bold and italic as run properties."""
    if not blocks:
        return f'<w:p><w:pPr><w:pStyle w:val="{_style_id(style_ids, TEXT_STYLE)}"/></w:pPr></w:p>'
    out = []
    for block in blocks:
        style = _style_id(style_ids, LIST_STYLE if block.kind == "item" else TEXT_STYLE)
        ppr = f'<w:pStyle w:val="{style}"/>'
        if block.kind == "item" and block.level > 1:
            indent = 420 * block.level
            ppr += f'<w:ind w:left="{indent}" w:hanging="420"/>'
        runs = []
        if block.marker:
            runs.append(_run(block.marker + " "))
        for r in block.runs:
            runs.append(_run(r.text, r.bold, r.italic, r.line_break))
        out.append(f"<w:p><w:pPr>{ppr}</w:pPr>{''.join(runs)}</w:p>")
    return "".join(out)


def insert_banner(document_xml: str, text: str) -> str:
    """A red, bold paragraph as the first of the body: the draft mark no template can leave out."""
    run = (
        '<w:r><w:rPr><w:b/><w:bCs/><w:color w:val="C00000"/><w:sz w:val="24"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )
    para = f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr>{run}</w:p>'
    at = document_xml.find("<w:body>")
    if at < 0:
        return document_xml
    at += len("<w:body>")
    return document_xml[:at] + para + document_xml[at:]


def _run(text: str, bold: bool = False, italic: bool = False, line_break: bool = False) -> str:
    rpr = ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else "")
    rpr_xml = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    brk = "<w:br/>" if line_break else ""
    return f'<w:r>{rpr_xml}<w:t xml:space="preserve">{escape(text)}</w:t>{brk}</w:r>'


# Child order of w:tblPr and w:tcPr in the WordprocessingML schema: Word reports a file with children out
# of order as damaged, even where LibreOffice opens it.
# fmt: off
TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
               "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
               "tblCaption", "tblDescription"]
TCPR_ORDER = ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
              "textDirection", "tcFitText", "vAlign", "hideMark"]
# fmt: on


def in_schema_order(parent, order: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Sort an element's children into schema order (re-appending moves each one to the end)."""
    for el in sorted(parent, key=lambda el: order.index(_local(el.tag))):
        parent.append(el)


_VMERGE = re.compile(r"<w:vMerge\b[^>]*/>")


def _markers(xml: str) -> Iterator[int]:
    """Where the merge marks stand, in order. str.find, not a regex: a regex character class scans a Chinese
    document ten times slower than find looks for one character."""
    restart, cont = xml.find(VM_RESTART), xml.find(VM_CONTINUE)
    while restart >= 0 or cont >= 0:
        if cont < 0 or 0 <= restart < cont:
            yield restart
            restart = xml.find(VM_RESTART, restart + 1)
        else:
            yield cont
            cont = xml.find(VM_CONTINUE, cont + 1)


_BEFORE_VMERGE = re.compile(r"<w:(?:cnfStyle|tcW|gridSpan|hMerge)\b[^>]*/>")


def apply_vertical_merges(xml: str) -> str:
    """Turn cells marked with VM_RESTART / VM_CONTINUE into ``<w:vMerge>`` cells (continuations emptied).

    Works on the rendered string in one forward pass, collecting pieces: parsing and re-serialising the whole
    document costs more than the rest of the rendering, and editing the string marker by marker copied it
    once per marker (4,000 indicators took minutes). Each marked cell lies after the previous marker.
    """
    out: list[str] = []
    pos = 0
    for at in _markers(xml):
        restart = xml[at] == VM_RESTART
        tc = max(xml.rfind("<w:tc>", pos, at), xml.rfind("<w:tc ", pos, at))
        if tc >= 0:
            vmerge = '<w:vMerge w:val="restart"/>' if restart else "<w:vMerge/>"
            head_end = xml.find(">", tc) + 1
            pr_end = xml.find("</w:tcPr>", head_end, at)
            if xml.startswith("<w:tcPr>", head_end) and pr_end > 0:
                props = _VMERGE.sub("", xml[head_end + len("<w:tcPr>") : pr_end])
                anchors = list(_BEFORE_VMERGE.finditer(props))
                cut = anchors[-1].end() if anchors else 0
                out.append(xml[pos:head_end] + "<w:tcPr>" + props[:cut] + vmerge + props[cut:])
                pos = pr_end
            else:
                out.append(xml[pos:head_end] + f"<w:tcPr>{vmerge}</w:tcPr>")
                pos = head_end
        if restart:
            out.append(xml[pos:at])
            pos = at + 1
        else:  # the continuation cell shows nothing: drop the marker and whatever text shares its w:t
            t_open = max(xml.rfind(">", pos, at) + 1, pos)
            t_close = xml.find("</w:t>", at)
            out.append(xml[pos:t_open])
            pos = t_close if t_close >= 0 else at + 1
    out.append(xml[pos:])
    return "".join(out)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def style_ids(styles_xml: bytes) -> dict[str, str]:
    """Style name → styleId: Word gives non-ASCII style names ASCII-mangled or numeric ids."""
    out: dict[str, str] = {}
    for m in re.finditer(rb'<w:style\b[^>]*w:styleId="([^"]+)"[^>]*>.*?<w:name w:val="([^"]+)"', styles_xml, re.S):
        out[m.group(2).decode("utf-8")] = m.group(1).decode("utf-8")
    return out


class CoreProperties(NamedTuple):
    title: str
    subject: str
    creator: str
    keywords: str
    description: str
    timestamp: str  # W3CDTF, taken from the content (the assessment's year), never the clock


def core_properties_xml(p: CoreProperties) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(p.title)}</dc:title><dc:subject>{escape(p.subject)}</dc:subject>"
        f"<dc:creator>{escape(p.creator)}</dc:creator><cp:keywords>{escape(p.keywords)}</cp:keywords>"
        f"<dc:description>{escape(p.description)}</dc:description>"
        f"<cp:lastModifiedBy>perfdoc</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{p.timestamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{p.timestamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


# -- deterministic zip -----------------------------------------------------------------------------------

_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00:00, the earliest a zip can say
_UTF8_FLAG = 0x0800


class ZipEntry(NamedTuple):
    """One member, compressed once: parts that do not change between forms are reused as they are."""

    name: str
    crc: int
    size: int
    compressed: bytes

    @classmethod
    def of(cls, name: str, data: bytes, level: int = 6) -> ZipEntry:
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        return cls(name, zlib.crc32(data), len(data), comp.compress(data) + comp.flush())

    @classmethod
    def copied(cls, archive: bytes, info: zipfile.ZipInfo) -> ZipEntry | None:
        """A deflated member of a zip as it is stored there, not compressed again: a template's unchanging parts
        (its styles alone are 800 KB) cost 8 ms to compress in every process. None for a member stored
        otherwise. The packaged templates were written by zip_bytes, so their parts come out the same bytes."""
        if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:  # not deflated, or encrypted
            return None
        start = info.header_offset
        if archive[start : start + 4] != b"PK\x03\x04":
            return None
        name_length, extra_length = struct.unpack("<HH", archive[start + 26 : start + 30])
        data = start + 30 + name_length + extra_length
        compressed = archive[data : data + info.compress_size]
        if len(compressed) != info.compress_size:
            return None
        return cls(info.filename, info.CRC, info.file_size, compressed)


def zip_bytes(entries: list[ZipEntry]) -> bytes:
    """A zip of deflated members with fixed timestamps and the given order: same input, same bytes."""
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        name = e.name.encode("utf-8")
        # fmt: off
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, _UTF8_FLAG, 8, _DOS_TIME, _DOS_DATE,
                             e.crc, len(e.compressed), e.size, len(name), 0) + name
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, _UTF8_FLAG, 8, _DOS_TIME, _DOS_DATE,
                                   e.crc, len(e.compressed), e.size, len(name), 0, 0, 0, 0, 0o644 << 16, offset)
                       + name)
        # fmt: on
        local.append(header)
        local.append(e.compressed)
        offset += len(header) + len(e.compressed)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(local) + directory + end


def repack_zip(data: bytes, timestamp: str | None = None) -> bytes:
    """Re-pack a zip written by another library with fixed timestamps: same content, same bytes.

    timestamp (W3CDTF) replaces the clock time that some writers (openpyxl) put in docProps/core.xml.
    """
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
    if timestamp is not None:
        stamp = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")
        members = [
            (n, stamp.sub(rb"\g<1>" + timestamp.encode() + rb"\g<2>", d) if n == "docProps/core.xml" else d)
            for n, d in members
        ]
    return zip_bytes([ZipEntry.of(n, d) for n, d in members])
