"""perfdoc at this checkout against perfdoc at another git revision, measured in the same run.

    python benchmarks/compare.py REV [--forms 200] [--runs 5] [--jobs N]

Used to show that a change (a refactoring, say) did not slow the build down: both versions build the same
generated forms into fresh folders, alternately, and the medians are compared. The other revision is checked
out with `git worktree` into a temporary folder and run from there (PYTHONPATH), with the same interpreter and
the same installed libraries.
"""

from __future__ import annotations

import argparse
import os
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


def environment(code: Path) -> dict[str, str]:
    """Run from `code`, with bytecode caching on as for a user (a CI shell may set PYTHONDONTWRITEBYTECODE,
    which would time the compilation of every module instead of perfdoc)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(code)}


def timed(code: Path, *args: str) -> float:
    env = environment(code)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "perfdoc", *args], env=env, cwd=code, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - start
    # 1 is a form with errors (the generated forms have some); anything else is a failure that must not be timed.
    if done.returncode not in (0, 1) or b"Traceback" in done.stderr:
        sys.exit(f"perfdoc {' '.join(args)} failed in {code} (exit {done.returncode}):\n{done.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("rev")
    ap.add_argument("--forms", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="perfdoc-compare-") as tmp:
        work = Path(tmp)
        base = work / "base"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.rev],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for code in (base, ROOT):
                subprocess.run(
                    [sys.executable, "-m", "compileall", "-q", str(code / "perfdoc")],
                    check=True,
                    env=environment(code),
                    stdout=subprocess.DEVNULL,
                )
            sources = generate(args.forms, work / "src")
            times: dict[str, dict[str, list[float]]] = {"base": {}, "this": {}}
            for run in range(args.runs):
                for label, code in (("base", base), ("this", ROOT)):
                    out = work / f"out-{label}-{run}"
                    build = (
                        "build",
                        str(work / "src"),
                        "--out",
                        str(out),
                        "--format",
                        "docx,html",
                        "-j",
                        str(args.jobs),
                    )
                    t = times[label]
                    t.setdefault("full build", []).append(timed(code, *build))
                    t.setdefault("no-op rebuild", []).append(timed(code, *build))
                    t.setdefault("check of one file", []).append(timed(code, "check", str(sources[0])))
                    shutil.rmtree(out, ignore_errors=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
    print(f"{args.forms} forms, -j {args.jobs}, median of {args.runs} runs, base = {args.rev}\n")
    print("| measure | base | this checkout | this ÷ base |")
    print("| --- | --- | --- | --- |")
    for measure in times["base"]:
        b, t = statistics.median(times["base"][measure]), statistics.median(times["this"][measure])
        print(f"| {measure} | {b:.3f} s | {t:.3f} s | {t / b:.2f} |")


if __name__ == "__main__":
    main()
