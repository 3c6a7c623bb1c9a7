"""The packaged Word templates' patched parts are computed when the templates are generated, so that a build
does not import docxtpl; these tests keep them true to the templates and to docxtpl."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from perfdoc.check import check_file
from perfdoc.config import Config
from perfdoc.render.templates import PACKAGED_TEMPLATES
from perfdoc.render.wordml import VM_CONTINUE, VM_RESTART, ZipEntry, _markers, zip_bytes
from perfdoc.render.wordtemplate import _LISTING_CHARS, COMPILED_FOLDER, DocxRenderer, _has_listing, patch_parts

from .conftest import ROOT


def _members(raw: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        return [(info.filename, zf.read(info.filename)) for info in zf.infolist()]


def test_every_packaged_template_has_its_patched_parts_and_they_are_docxtpl_s() -> None:
    templates = sorted(PACKAGED_TEMPLATES.rglob("*.docx"))
    assert len(templates) >= 11  # form, summary, report, monitor, plan and the profiles' forms
    expected = set()
    for template in templates:
        raw = template.read_bytes()
        stored = PACKAGED_TEMPLATES / COMPILED_FOLDER / f"{hashlib.sha256(raw).hexdigest()}.json"
        assert stored.is_file(), f"{template}: run python scripts/make_docx_template.py"
        assert json.loads(stored.read_text(encoding="utf-8")) == patch_parts(raw, _members(raw)), template
        expected.add(stored.name)
    assert {p.name for p in (PACKAGED_TEMPLATES / COMPILED_FOLDER).glob("*.json")} == expected  # none stale


def test_a_packaged_template_renders_the_same_precompiled_or_patched_now(tmp_path: Path) -> None:
    """The same template in another zip (another content hash, as a unit's copy would be) is patched by docxtpl
    at build time: both give the same form to the byte."""
    packaged = PACKAGED_TEMPLATES / "form.docx"
    raw = packaged.read_bytes()
    copy = tmp_path / "form.docx"
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    assert hashlib.sha256(copy.read_bytes()).digest() != hashlib.sha256(raw).digest()
    config = Config()
    result = check_file(ROOT / "content" / "2020" / "incubator.md", config).result
    assert result is not None
    precompiled = DocxRenderer(packaged).render_form(result, config)
    patched_now = DocxRenderer(copy).render_form(result, config)
    assert precompiled == patched_now


def test_a_build_of_the_examples_imports_neither_docxtpl_nor_openpyxl(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from perfdoc.cli import main\n"
        "try:\n"
        f"    main(['build', '--out', {str(tmp_path / 'build')!r}, '-j', '1', {str(ROOT / 'content')!r}])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(sorted(m for m in ('docxtpl', 'docx', 'openpyxl', 'lxml') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "build" / "2020" / "summary.xlsx").is_file()


PIECES = ["<?xml version='1.0'?>\n", "<w:t>", "</w:t>", '<w:t xml:space="preserve">', "<w:tc>", "a", "中"]
XML_LIKE = st.lists(st.sampled_from([*PIECES, "\t", "\n", "\x07", "\x0c", "<", ">", VM_RESTART, VM_CONTINUE]))


@given(XML_LIKE)
def test_the_merge_marks_are_found_where_a_regex_finds_them(pieces: list[str]) -> None:
    xml = "".join(pieces)
    assert list(_markers(xml)) == [m.start() for m in re.finditer(f"[{VM_RESTART}{VM_CONTINUE}]", xml)]


@given(XML_LIKE)
def test_the_listing_prefilter_never_hides_a_listing(pieces: list[str]) -> None:
    xml = "".join(pieces)
    assert _has_listing(xml) == (_LISTING_CHARS.search(xml) is not None)


def test_a_template_s_unchanging_parts_are_copied_as_stored_and_are_what_compressing_gives() -> None:
    """The packaged templates were written by zip_bytes: copying their compressed parts gives the bytes that
    compressing them again would."""
    for template in sorted(PACKAGED_TEMPLATES.rglob("*.docx")):
        raw = template.read_bytes()
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            for info in zf.infolist():
                copied = ZipEntry.copied(raw, info)
                assert copied == ZipEntry.of(info.filename, zf.read(info)), (template, info.filename)


def test_a_template_saved_by_another_program_still_makes_a_sound_document(tmp_path: Path) -> None:
    """Parts stored uncompressed are compressed; parts deflated at another level are copied and read back."""
    raw = (PACKAGED_TEMPLATES / "form.docx").read_bytes()
    other = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(other, "w") as dst:
        for i, info in enumerate(src.infolist()):
            kind = zipfile.ZIP_STORED if i % 2 else zipfile.ZIP_DEFLATED
            dst.writestr(info.filename, src.read(info), compress_type=kind, compresslevel=9)
    entries = []
    with zipfile.ZipFile(other) as zf:
        for info in zf.infolist():
            copied = ZipEntry.copied(other.getvalue(), info)
            assert (copied is None) == (info.compress_type == zipfile.ZIP_STORED)
            entries.append(copied or ZipEntry.of(info.filename, zf.read(info)))
    with zipfile.ZipFile(io.BytesIO(zip_bytes(entries))) as rebuilt, zipfile.ZipFile(io.BytesIO(raw)) as original:
        assert rebuilt.testzip() is None
        assert {i.filename: rebuilt.read(i) for i in rebuilt.infolist()} == {
            i.filename: original.read(i) for i in original.infolist()
        }
