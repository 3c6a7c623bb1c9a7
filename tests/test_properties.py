"""Property: whatever the input, loading, parsing, scoring and importing end in diagnostics or a result,
never an exception (#11, item 8). Inputs are built from the pieces real forms are made of, then perturbed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfdoc.check import check_raw
from perfdoc.config import Config
from perfdoc.diagnostics import SourceError
from perfdoc.importer import import_document, open_docx_bytes
from perfdoc.load import decode, parse_text

SEED = (Path(__file__).resolve().parent.parent / "content" / "2020" / "incubator.md").read_text(encoding="utf-8")
SICHUAN = (Path(__file__).parent / "corpus" / "docx" / "sichuan-wanyuan.docx").read_bytes()

# Values a person (or an attacker) may type where a figure or a name is expected.
NASTY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "²⁰²¹",
            "-0",
            "0.0000001",
            "1e400",
            "NaN",
            "∞",
            "9" * 40,
            "≥1" + "0" * 400,
            "''",
            '""',
            "[",
            "{",
            "*a",
            "&a",
            "!!python/object",
            "１２３",
            "7,300,000",
            "\u2028",
            "\u00a0",
            "\ufdd0",
            "—",
            "100%%",
            ">=",
            "=",
            "0",
            "-1",
        ]
    ),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
FIELDS = [
    "年度: 2020",
    "项目名称: 创业孵化基地运行保障",
    "分值: 10",
    "全年预算数: 7300000.00",
    "得分: 5",
    "年度指标值: =100%",
    "实际完成值: 100%",
    "总分: 95.99",
    "执行率: 99.94%",
    "主管部门: 上海市科学技术委员会",
]


def run_all(text: str) -> None:
    try:
        raw = parse_text("x.md", text)
    except SourceError as exc:
        assert exc.diagnostics
        return
    report = check_raw(raw, Config())
    assert report.result is not None or report.errors > 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), value=NASTY)
def test_any_value_in_any_field(field: str, value: str):
    key = field.split(":")[0]
    run_all(SEED.replace(field, f"{key}: {value}", 1))


@settings(max_examples=100, deadline=None)
@given(start=st.integers(min_value=0, max_value=len(SEED)), junk=st.text(max_size=30))
def test_any_text_anywhere(start: int, junk: str):
    run_all(SEED[:start] + junk + SEED[start:])


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=200))
def test_any_bytes(data: bytes):
    try:
        run_all(decode("x.md", data))
    except SourceError as exc:
        assert exc.diagnostics


def _docx(document_xml: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(SICHUAN)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, document_xml if info.filename == "word/document.xml" else src.read(info))
    return buf.getvalue()


DOCUMENT = zipfile.ZipFile(io.BytesIO(SICHUAN)).read("word/document.xml").decode("utf-8")
ATTRS = ['w:val="2"', 'w:val="restart"', "<w:vMerge/>", "<w:tblGrid>", "</w:tr>", "<w:tc>", "<w:t>"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target=st.sampled_from(ATTRS),
    replacement=st.sampled_from(
        [
            'w:val="0"',
            'w:val="-5"',
            'w:val="2000000000"',
            'w:val="x"',
            "",
            "<w:vMerge/>",
            "<w:tc><w:p/></w:tc>",
            '<w:gridAfter w:val="9"/>',
            "<w:t>指标1:</w:t>",
            "<w:t>项目名称</w:t>",
        ]
    ),
    count=st.integers(min_value=1, max_value=5),
)
def test_any_table_shape(target: str, replacement: str, count: int):
    xml = DOCUMENT.replace(target, replacement, count).encode("utf-8")
    try:
        forms = import_document(open_docx_bytes(_docx(xml), "x.docx"), "x.docx")
    except SourceError as exc:
        assert exc.diagnostics
        return
    for form in forms:
        run_all(form.markdown(comment=False))


@given(st.text())
def test_xml_escaping_is_saxutils_escaping(text: str) -> None:
    """perfdoc's own escape and quoteattr (kept to avoid importing urllib through saxutils) give the same bytes."""
    from xml.sax import saxutils

    from perfdoc.render.xmltext import escape, quoteattr

    assert escape(text) == saxutils.escape(text)
    assert quoteattr(text) == saxutils.quoteattr(text)


SCALARS = [
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "none",
    "true",
    "yes",
    "no",
    "On",
    "1",
    "-2",
    "0x1F",
    "0o17",
    "1_000",
    "1:30",
    ".nan",
    "-.inf",
    "3.5",
    "1e3",
    "2020-01-01",
    "2020-01-01 12:00:00",
    "=",
    "<<",
    "项目",
    "95%",
    "≥90%",
    "'quoted'",
    '"dq"',
    "[1, 2]",
    "{a: 1}",
    "!!str 1",
    "!!int 1",
]


@pytest.mark.parametrize("value", SCALARS)
def test_the_loader_reads_every_scalar_as_pyyaml_s_own_resolver_would(value: str, monkeypatch) -> None:
    """perfdoc.load's resolver tells only null from text (and refuses the = and << tags): the same raw tree, or
    the same errors, as PyYAML's full resolver, as key and as value, for the scalars its patterns single out."""
    import yaml

    from perfdoc import load

    text = f"---\n年度: {value}\n{value or '空'}: 1\n列表:\n  - {value}\n---\n"

    def read() -> object:
        try:
            doc = load.parse_text("x.md", text)
            marks = doc.source_map
            return ("ok", doc.data, {path: marks.position(at) for path, at in marks.value_pos.items()})
        except SourceError as exc:
            return ("error", [(d.code, d.field, d.position, d.message) for d in exc.diagnostics])

    ours = read()
    monkeypatch.setattr(load, "loader_class", lambda: getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert read() == ours
