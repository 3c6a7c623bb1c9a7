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


def profile_pngs(work: Path) -> None:
    """Page 1 of each profile's example (docs/examples/<profile>.md) as Word prints it: docs/profiles/<profile>.png."""
    out = DOCS / "profiles"
    out.mkdir(exist_ok=True)
    for example in sorted((DOCS / "examples").glob("*.md")):
        build = work / example.stem
        run(sys.executable, "-m", "perfdoc", "build", str(example), "--out", str(build), "--format", "docx,pdf")
        [pdf] = list(build.rglob("*.pdf"))
        run("pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf), str(out / example.stem))


YEAR_DOCUMENTS = {  # docs/year/<name>.png: the document of each stage, from docs/examples/year/
    "plan": ("1-plan.md", ".申报表.docx"),
    "monitor": ("2-monitor.md", ".监控表.docx"),
    "form": ("3-assessment.md", ".docx"),
    "report": ("3-assessment.md", ".自评报告.docx"),
}


def year_pngs(work: Path) -> None:
    """Page 1 of each document of the year (申报表, 监控表, 自评表, 自评报告) as LibreOffice prints it."""
    out = DOCS / "year"
    out.mkdir(exist_ok=True)
    examples = DOCS / "examples" / "year"
    for name, (source, suffix) in YEAR_DOCUMENTS.items():
        build = work / name
        run(sys.executable, "-m", "perfdoc", "build", str(examples / source), "--out", str(build))
        if suffix == ".docx":  # the 自评表 itself: not summary.docx, not the documents with a second suffix
            docx = next(p for p in build.rglob("*.docx") if p.name.count(".") == 1 and p.name != "summary.docx")
        else:
            [docx] = list(build.rglob(f"*{suffix}"))
        pdfs = work / f"{name}-pdf"
        run(
            "soffice",
            f"-env:UserInstallation=file://{work}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(pdfs),
            str(docx),
        )
        [pdf] = list(pdfs.glob("*.pdf"))
        run("pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf), str(out / name))


def html_pngs(build: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("chromium not found: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    run(sys.executable, "-m", "perfdoc", "build", "content", "--out", str(build), "--format", "docx,html")
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page(viewport={"width": 1200, "height": 860})
        page.goto((build / "index.html").as_uri())
        page.screenshot(path=str(DOCS / "html-index.png"))
        page = browser.new_page(viewport={"width": 1000, "height": 1300})
        page.goto((build / "2020" / f"{SEED}.html").as_uri())
        page.screenshot(path=str(DOCS / "html-form.png"))
        browser.close()


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        form_png(Path(tmp) / "build")
        profile_pngs(Path(tmp) / "profiles")
        year_pngs(Path(tmp) / "year")
        html_pngs(Path(tmp) / "site")
    print("wrote docs/form-page1.png, docs/profiles/*.png, docs/html-index.png, docs/html-form.png")


if __name__ == "__main__":
    main()
