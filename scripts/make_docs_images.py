"""Regenerates the pictures in docs/: page 1 of a seed form as Word renders it (through LibreOffice → PDF →
pdftoppm), and, when Chromium is installed, screenshots of the HTML index and a form page.

    python scripts/make_docs_images.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SEED = "创业孵化基地运行保障"


def run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, cwd=ROOT)


def form_png(build: Path) -> None:
    for program, package in (("soffice", "libreoffice-writer-nogui"), ("pdftoppm", "poppler-utils")):
        if shutil.which(program) is None:
            sys.exit(f"{program} not found: apt-get install {package}")
    run(sys.executable, "-m", "perfdoc", "build", "content", "--out", str(build), "--format", "docx,pdf")
    pdf = build / "2020" / f"{SEED}.pdf"
    run("pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf), str(DOCS / "form-page1"))


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        form_png(Path(tmp) / "build")
    print("wrote docs/form-page1.png")


if __name__ == "__main__":
    main()
