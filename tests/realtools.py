"""Real components for tests: LibreOffice, pdftotext, Chromium. Missing ones skip loudly, never silently."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

XHTML = "{http://www.w3.org/1999/xhtml}"


def require(program: str, package: str) -> str:
    found = shutil.which(program)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is missing in CI: .ci/run must install {package}")
        pytest.skip(f"SKIPPED: {program} not installed (apt-get install {package}); .ci/run installs it in CI")
    return found


def soffice_to_pdf(files: list[Path], outdir: Path) -> list[Path]:
    soffice = require("soffice", "libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return [outdir / (f.stem + ".pdf") for f in files]


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    y0: float
    page: int


def pdf_words(pdf: Path) -> list[Word]:
    require("pdftotext", "poppler-utils")
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = []
    for page_no, page in enumerate(ET.fromstring(xml).iter(f"{XHTML}page")):
        for w in page.iter(f"{XHTML}word"):
            words.append(Word(w.text or "", float(w.get("xMin")), float(w.get("xMax")), float(w.get("yMin")), page_no))
    return words


def pdf_has_cell_text(words: list[Word], text: str) -> bool:
    """True when text stands in the PDF, possibly wrapped over several lines of one table cell.

    A wrapped cell's lines are the words below each other whose horizontal extents overlap; pdftotext
    interleaves them with neighbouring cells, so the lines are followed by position, not by text order.
    """
    for start in words:
        if not text.startswith(start.text) or not start.text:
            continue
        current, rest = start, text[len(start.text) :]
        while rest:
            below = [
                w
                for w in words
                if w.page == current.page
                and w.y0 > current.y0 + 1
                and w.text
                and w.x0 < current.x1 + 2
                and w.x1 > current.x0 - 2
                and rest.startswith(w.text)
            ]
            if not below:
                break
            current = min(below, key=lambda w: w.y0)
            rest = rest[len(current.text) :]
        if not rest:
            return True
    return False


def pdf_text(pdf: Path) -> str:
    require("pdftotext", "poppler-utils")
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download: executable_path points at the system one)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        require("chromium", "chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is missing in CI: pip install -e '.[test]' installs it")
        pytest.skip("SKIPPED: playwright not installed (pip install playwright)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


def pdf_pages(pdf: Path) -> int:
    require("pdfinfo", "poppler-utils")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
