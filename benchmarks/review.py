"""A reviewer's inbox: `perfdoc check` of N submitted .docx forms, in ms per form, against reading the same
files with python-docx alone (open each document and read every cell's text), measured in the same run.

    python benchmarks/review.py [--forms 500] [--runs 3]

The forms are the 15 published forms of tests/published/, rendered in their own layouts by the tests' renderer
and repeated (each copy under its own project name) up to N. Both sides read the same files from the page
cache; the median of the runs is reported. Prints a Markdown table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.published.render import fixtures, load, render  # noqa: E402

PYTHON_DOCX_ALONE = """
import sys
from docx import Document
for path in sys.argv[1:]:
    for table in Document(path).tables:
        for row in table.rows:
            for cell in row.cells:
                cell.text
"""


def inbox(folder: Path, count: int) -> list[Path]:
    """Each published form rendered once, then copied under its own project name (the name rewritten in the
    document's XML, so that the copies are distinct projects and rendering does not dominate the benchmark)."""
    import zipfile
    from xml.sax.saxutils import escape

    originals = []
    for path in fixtures():
        fixture = load(path)
        name = str(fixture.get("项目名称") or "项目")
        originals.append((name, render(fixture, folder / "originals" / f"{path.stem}.docx")))
    paths = []
    for i in range(count):
        name, source = originals[i % len(originals)]
        target = folder / f"{i + 1:04d}.docx"
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item)
                if item.filename == "word/document.xml":
                    data = data.replace(escape(name).encode(), escape(f"{name}（{i + 1:04d}）").encode())
                zout.writestr(item, data)
        paths.append(target)
    return paths


def timed(cmd: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        paths = inbox(work / "报送", args.forms)
        (work / "perfdoc.toml").write_text("", encoding="utf-8")
        names = [str(p) for p in paths]
        check = [sys.executable, "-m", "perfdoc", "--config", str(work / "perfdoc.toml"), "check", *names]
        alone = [sys.executable, "-c", PYTHON_DOCX_ALONE, *names]
        timed(alone)  # warm the page cache and the bytecode of both
        timed(check)
        ours, base = [], []
        for _ in range(args.runs):  # alternated, so that drift on the machine hits both alike
            base.append(timed(alone))
            ours.append(timed(check))
    n = args.forms
    m_ours, m_base = statistics.median(ours), statistics.median(base)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {n} forms")
    print()
    print("| case | perfdoc check | python-docx alone | ratio |")
    print("| --- | --- | --- | --- |")
    print(
        f"| {n} submitted .docx (15 layouts) | {m_ours * 1000 / n:.1f} ms/form ({m_ours:.2f} s) "
        f"| {m_base * 1000 / n:.1f} ms/form ({m_base:.2f} s) | {m_ours / m_base:.2f} |"
    )


if __name__ == "__main__":
    main()
