"""perfdoc's speed targets, each measured beside its baseline in the same run on the same machine.

    python benchmarks/run.py [--runs 5] [--large 1000] [--sample 100] [--jobs 2]

Prints a Markdown table (paste it into benchmarks/README.md with the machine line printed above it):

- the 3 example forms of content/, a fresh build (no cache, default formats, summaries and index) and a
  `perfdoc check` of one file, against the interpreter's own start (`python -c pass`);
- 200 generated forms (docx + html) against pandoc converting the same Markdown to .docx, one process per
  file, two at a time; the same build at `-j 2` against `-j 1`; a no-op rebuild against the full build;
- 1,000 generated forms against pandoc one process per file, one at a time (timed on a sample and scaled:
  each conversion is independent of the others), and against docxtpl's documented
  ``DocxTemplate(...).render()`` + ``save()`` per form (rendering only, contexts prepared untimed);
- peak resident memory of the main process and of the largest worker, for 250 and for 1,000 forms.

perfdoc runs as README's first command installs it: from a wheel of this checkout, in a virtual environment of
its own, started by its `perfdoc` command (and the baseline `python -c pass` by that environment's interpreter).
A development checkout's editable install (`pip install -e`) adds setuptools' import hook to every start of
Python, ~22 ms here: timing it would time setuptools. The libraries come from the environment that runs this
script (a .pth file), so that no network is needed. Every command runs with bytecode caching on, as a user's
second run does: a shell that sets PYTHONDONTWRITEBYTECODE would otherwise time the compilation of every module.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import site
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

# The main process's own peak and the largest worker's, from inside the process that runs perfdoc. The main
# process's peak is read from /proc (VmHWM, this program's own memory): ru_maxrss of a process started by a big
# one (this benchmark, after docxtpl and 1,000 forms) carries the starter's high-water mark over the exec.
MEMORY_PROBE = """
import json, resource, sys
from perfdoc.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
try:
    status = open("/proc/self/status").read()
    own = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"main": own / 1024, "worker": workers / 1024}))
"""


def install_as_a_user(work: Path) -> Path:
    """perfdoc installed from a wheel of this checkout into its own virtual environment; returns its bin folder."""
    tree, wheels, venv = work / "checkout", work / "wheels", work / "venv"
    # The wheel is built from a copy: building in place would leave setuptools' build folder and egg-info behind.
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__"))
    quiet = {"check": True, "env": ENV, "stdout": subprocess.DEVNULL}
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(tree)], **quiet)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], **quiet)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    wheel = [str(w) for w in wheels.glob("perfdoc-*.whl")]
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", *wheel], **quiet)
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    libraries = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "perfdoc-benchmark-libraries.pth").write_text("\n".join(libraries) + "\n", encoding="utf-8")
    return bin_dir


def run(cmd: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median(times: Callable[[], float], runs: int) -> float:
    return statistics.median(times() for _ in range(runs))


BIN = Path()  # the benchmark's own installation of perfdoc (install_as_a_user)


def perfdoc(*args: str | Path) -> list[str]:
    return [str(BIN / "perfdoc"), *map(str, args)]


def fresh_build(src: Path, out: Path, jobs: int, *extra: str) -> float:
    shutil.rmtree(out, ignore_errors=True)
    return run(perfdoc("build", src, "--out", out, "-j", str(jobs), *extra))


def memory(src: Path, out: Path, jobs: int) -> dict[str, float]:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [str(BIN / "python"), "-c", MEMORY_PROBE, "build", str(src), "--out", str(out), "-j", str(jobs)]
    cmd += ["--format", "docx,html"]
    # Run from the sources' folder: `python -c` puts the current folder first on sys.path, and from this checkout
    # that would import its perfdoc instead of the installed one.
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=ENV, cwd=src.parent)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def pandoc_parallel(pandoc: str, sources: list[Path], out: Path, parallel: int) -> float:
    """pandoc → .docx, one process per file, `parallel` at a time."""
    out.mkdir(parents=True, exist_ok=True)

    def one(s: Path) -> None:
        subprocess.run([pandoc, str(s), "-o", str(out / (s.stem + ".docx"))], check=True)

    start = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, sources))
    return time.perf_counter() - start


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
    contexts = []
    for s in sources:  # not timed: only rendering is
        result = check_file(s, cfg).result
        assert result is not None
        contexts.append(helper.context(result, cfg))
    start = time.perf_counter()
    for ctx in contexts:
        doc = DocxTemplate(str(template))
        doc.render(ctx, autoescape=True)
        doc.save(io.BytesIO())
    return time.perf_counter() - start


Row = tuple[str, str, str, str, str]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5, help="runs per small measure (the median is reported)")
    ap.add_argument("--large", type=int, default=1000, help="forms in the large build")
    ap.add_argument("--sample", type=int, default=100, help="forms the slow baselines are timed on")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    jobs, runs = args.jobs, args.runs
    global BIN
    pandoc = shutil.which("pandoc")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="perfdoc-bench-") as tmp:
        work = Path(tmp)
        BIN = install_as_a_user(work)
        bare = median(lambda: run([str(BIN / "python"), "-c", "pass"]), 2 * runs + 1)

        # The example project: what most users run.
        project = work / "project"
        shutil.copytree(ROOT / "content", project / "content")

        def build_project() -> float:
            shutil.rmtree(project / "build", ignore_errors=True)
            return run(perfdoc("build", "-j", str(jobs)), cwd=project)

        build3 = median(build_project, 2 * runs + 1)
        one = sorted((project / "content").rglob("*.md"))[0].relative_to(project)
        check1 = median(lambda: run(perfdoc("check", one), cwd=project), 2 * runs + 1)
        rows.append(
            (
                "fresh build of the 3 example forms (docx, html, summaries, index)",
                f"{build3:.3f} s",
                f"`python -c pass`: {bare:.3f} s",
                f"{build3 / bare:.1f}× the interpreter's start",
                "≤ 0.30 s",
            )
        )
        rows.append(
            (
                "`perfdoc check` of one file",
                f"{check1:.3f} s",
                f"`python -c pass`: {bare:.3f} s",
                f"{check1 / bare:.1f}× the interpreter's start",
                "≤ 0.12 s",
            )
        )

        # 200 forms: a department's year.
        src200 = generate(200, work / "src200")
        out200 = work / "out200"
        fmt = ("--format", "docx,html")
        full_times, serial_times, noop_times = [], [], []
        # The two ratios are taken within each round (-j 1, -j N and the no-op one after the other) and their
        # median reported: this machine's speed drifts by a third from one minute to the next, which a ratio of
        # medians taken minutes apart would carry.
        for _ in range(max(3, runs)):
            serial_times.append(fresh_build(work / "src200", out200, 1, *fmt))
            full_times.append(fresh_build(work / "src200", out200, jobs, *fmt))
            noop_times.append(run(perfdoc("build", work / "src200", "--out", out200, "-j", str(jobs), *fmt)))
        full200, serial200 = statistics.median(full_times), statistics.median(serial_times)
        noop200 = statistics.median(noop_times)
        speedup = statistics.median(s / f for s, f in zip(serial_times, full_times, strict=True))
        noop_share = statistics.median(n / f for n, f in zip(noop_times, full_times, strict=True))
        if pandoc:
            pandoc200 = pandoc_parallel(pandoc, src200, work / "pandoc200", 2)
            rows.append(
                (
                    f"200 forms, docx + html, -j {jobs}",
                    f"{full200:.2f} s",
                    f"pandoc → docx, one process per file, 2 at a time: {pandoc200:.2f} s",
                    f"{pandoc200 / full200:.1f}× faster",
                    "≥ 10×",
                )
            )
        rows.append(
            (
                f"200 forms, -j {jobs} against -j 1",
                f"{full200:.2f} s",
                f"-j 1: {serial200:.2f} s",
                f"{speedup:.2f}× faster (median of the rounds' ratios)",
                "≥ 1.6×",
            )
        )
        rows.append(
            (
                "no-op rebuild of 200 forms",
                f"{noop200:.3f} s",
                f"full build: {full200:.2f} s",
                f"{noop_share:.1%} of the full build (median of the rounds' ratios)",
                "≤ 3 %",
            )
        )

        # 1,000 forms.
        n, sample = args.large, min(args.sample, args.large)
        src_large = generate(n, work / "src-large")
        full_large = fresh_build(work / "src-large", work / "out-large", jobs, *fmt)
        if pandoc:
            pandoc_large = pandoc_parallel(pandoc, src_large[:sample], work / "pandoc-large", 1) / sample * n
            rows.append(
                (
                    f"{n} forms, docx + html, -j {jobs}",
                    f"{full_large:.2f} s",
                    f"pandoc → docx, one process per file: {pandoc_large:.1f} s (sample {sample}, ×{n / sample:g})",
                    f"{pandoc_large / full_large:.1f}× faster",
                    "≥ 15×",
                )
            )
        plain = docxtpl_plain(src_large[:sample]) / sample * n
        rows.append(
            (
                f"{n} forms, docx + html, -j {jobs}",
                f"{full_large:.2f} s",
                f"docxtpl render() + save() per form: {plain:.1f} s (sample {sample}, ×{n / sample:g})",
                f"{plain / full_large:.1f}× faster",
                "≥ 3×",
            )
        )

        # Memory: the main process keeps one small digest per form; a worker holds only its share.
        quarter = work / "src-quarter"
        quarter.mkdir()
        for s in src_large[: n // 4]:
            shutil.copy(s, quarter / s.name)
        small = memory(quarter, work / "mem-small", jobs)
        big = memory(work / "src-large", work / "mem-big", jobs)
        for who in ("main", "worker"):
            rows.append(
                (
                    f"peak memory of the {'main process' if who == 'main' else 'largest worker'}, {n} forms",
                    f"{big[who]:.0f} MB",
                    f"{n // 4} forms: {small[who]:.0f} MB",
                    f"{big[who] - small[who]:+.0f} MB",
                    "± 10 MB" if who == "main" else "flat",
                )
            )

    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout if pandoc else ""
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f"{', ' + version.splitlines()[0] if version else ''}; {time.strftime('%Y-%m-%d')}\n"
    )
    if not pandoc:
        print("pandoc is not installed (apt-get install pandoc): its rows are left out.\n")
    print("| measure | perfdoc | baseline (same run) | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
