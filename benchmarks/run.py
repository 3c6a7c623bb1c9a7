"""perfdoc's speed targets, each measured beside its baseline in the same run on the same machine.

    python benchmarks/run.py [--forms 1000] [--sample 100] [--jobs N]

Prints a Markdown table (paste it into benchmarks/README.md):

- full build of N forms (docx + html) against pandoc converting the same Markdown to docx one process per
  file, and against docxtpl's plain DocxTemplate(...).render() + save() per form (both measured on a sample
  and scaled to N: they are linear, one independent conversion per form);
- a no-op rebuild against the full build;
- `perfdoc check` of one file, wall time with interpreter start, against `python -c pass`;
- peak memory of a build of N/4 forms against one of N forms.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402


def timed(cmd: list[str], **kw: object) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)  # type: ignore[call-overload]
    return time.perf_counter() - start


def peak_rss_mb(cmd: list[str]) -> float:
    """Peak resident memory of a command and its workers, in MB (RUSAGE_CHILDREN of a fresh helper process)."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
        "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *cmd], check=True, capture_output=True, text=True).stdout
    return int(out.strip()) / 1024


def perfdoc(*args: str) -> list[str]:
    return [sys.executable, "-m", "perfdoc", *args]


def docxtpl_plain(sources: list[Path]) -> float:
    """docxtpl as its documentation shows it: load the template, render, save; once per form."""
    from docxtpl import DocxTemplate

    from perfdoc.check import check_file
    from perfdoc.config import Config
    from perfdoc.render.templates import template_path
    from perfdoc.render.wordtemplate import DocxRenderer

    cfg = Config()
    template = template_path(cfg, "form.docx")
    helper = DocxRenderer(template)
    contexts = [helper.context(check_file(s, cfg).result, cfg) for s in sources]  # not timed: only rendering is
    start = time.perf_counter()
    for ctx in contexts:
        doc = DocxTemplate(str(template))
        doc.render(ctx, autoescape=True)
        doc.save(io.BytesIO())
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forms", type=int, default=1000)
    ap.add_argument("--sample", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    n, sample = args.forms, min(args.sample, args.forms)
    rows: list[tuple[str, str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="perfdoc-bench-") as tmp:
        work = Path(tmp)
        sources = generate(n, work / "src")
        out = work / "build"
        full = timed(
            perfdoc("build", str(work / "src"), "--out", str(out), "--format", "docx,html", "-j", str(args.jobs))
        )
        noop = timed(
            perfdoc("build", str(work / "src"), "--out", str(out), "--format", "docx,html", "-j", str(args.jobs))
        )

        pandoc = shutil.which("pandoc")
        if pandoc:
            pandoc_dir = work / "pandoc"
            pandoc_dir.mkdir()
            start = time.perf_counter()
            for s in sources[:sample]:
                subprocess.run([pandoc, str(s), "-o", str(pandoc_dir / (s.stem + ".docx"))], check=True)
            pandoc_n = (time.perf_counter() - start) / sample * n
            rows.append(
                (
                    f"full build of {n} forms (docx + html, -j {args.jobs})",
                    f"{full:.2f} s",
                    f"pandoc → docx, one process per file: {pandoc_n:.1f} s (sample {sample}, ×{n / sample:g})",
                    f"{pandoc_n / full:.1f}× faster",
                    "≥ 8×",
                )
            )
        else:
            rows.append(("pandoc baseline", "—", "pandoc not installed (apt-get install pandoc)", "—", "≥ 8×"))
        plain_n = docxtpl_plain(sources[:sample]) / sample * n
        rows.append(
            (
                f"full build of {n} forms (docx + html, -j {args.jobs})",
                f"{full:.2f} s",
                f"docxtpl render() + save() per form: {plain_n:.1f} s (sample {sample}, ×{n / sample:g})",
                f"{plain_n / full:.1f}× faster",
                "≥ 3×",
            )
        )
        rows.append(
            (
                f"no-op rebuild of {n} forms",
                f"{noop:.2f} s",
                f"full build: {full:.2f} s",
                f"{noop / full:.1%} of the full build",
                "≤ 5 %",
            )
        )

        one = sources[0]
        checks = sorted(timed(perfdoc("check", str(one))) for _ in range(11))
        bare = sorted(timed([sys.executable, "-c", "pass"]) for _ in range(11))
        rows.append(
            (
                "`perfdoc check` of one file (wall, interpreter start included)",
                f"{statistics.median(checks):.3f} s",
                f"`python -c pass`: {statistics.median(bare):.3f} s",
                f"{statistics.median(checks):.3f} s",
                "≤ 0.25 s",
            )
        )

        quarter = max(1, n // 4)
        small = work / "small"
        small.mkdir()
        for s in sources[:quarter]:
            shutil.copy(s, small / s.name)
        rss_small = peak_rss_mb(perfdoc("build", str(small), "--out", str(work / "b1"), "-j", str(args.jobs)))
        rss_big = peak_rss_mb(perfdoc("build", str(work / "src"), "--out", str(work / "b2"), "-j", str(args.jobs)))
        rows.append(
            (
                f"peak memory, build of {n} forms",
                f"{rss_big:.0f} MB",
                f"build of {quarter} forms: {rss_small:.0f} MB",
                f"{rss_big / rss_small:.2f}× for {n / quarter:g}× the forms",
                "flat",
            )
        )

    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{resource.getpagesize()}-byte pages\n"
    )
    print("| measure | perfdoc | baseline (same run) | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
