"""A build with nothing to do, answered from its record: the same report as the build, and never a stale one."""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.generate import generate
from perfdoc import replay

from .conftest import CONTENT, ROOT, edit


@pytest.fixture
def records(tmp_path, monkeypatch) -> Path:
    """Records in a folder of this test; every input counts as settled however recently the test wrote it."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("PERFDOC_CACHE_DIR", str(folder))
    monkeypatch.setattr(replay, "RACY_NS", 0)
    return folder / "builds"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "project"
    shutil.copytree(CONTENT, root / "content")
    monkeypatch.chdir(root)
    return root


def recorded(argv: list[str]) -> tuple[str, str, int]:
    """The record of argv in this folder, as (stdout, stderr, exit code)."""
    folder = replay._folder()
    assert folder is not None
    with open(replay._record_path(folder, replay._key(argv)), "rb") as fh:
        _, _, _, lines, code = marshal.load(fh)
    return "".join(t + "\n" for e, t in lines if not e), "".join(t + "\n" for e, t in lines if e), code


def replay_output(argv: list[str], capsys) -> tuple[str, str, int] | None:
    capsys.readouterr()
    code = replay.replayed(argv)
    out, err = capsys.readouterr()
    return None if code is None else (out, err, code)


def slow_noop(run_cli, monkeypatch, argv: list[str]) -> tuple[str, str, int]:
    """The same command run in full (no records at all), as before this module existed."""
    with monkeypatch.context() as m:
        m.setenv("PERFDOC_CACHE_DIR", "off")
        result = run_cli(*argv)
    return result.out, result.err, result.code


@pytest.mark.parametrize(
    "argv",
    [
        ["build"],  # the examples: the seed's funding error is reported on every build
        ["build", "content/2020/incubator.md"],  # one form of a project built before
        ["build", "--format", "docx,html", "--out", "elsewhere", "-j", "1"],
        ["build", "--draft", "generated", "--out", "drafts"],  # forms with errors, drafted
        ["build", "generated", "-j", "2", "--out", "generated-out"],  # forms with errors, not written
    ],
)
def test_the_record_is_what_the_build_prints_when_nothing_changed(argv, records, project, run_cli, monkeypatch, capsys):
    generate(12, project / "generated")
    edit(project / "generated" / "form-00004.md", "\n总分: ", "\n总分: 1")  # a wrong total: an error
    edit(project / "generated" / "form-00007.md", "项目名称: 合成项目00007", "项目名称: 合成项目00003")  # PD501
    if argv[1:2] == ["content/2020/incubator.md"]:
        run_cli("build")
        edit(project / "content" / "2020" / "incubator.md", "创业孵化基地运行保障", "创业孵化基地运行保鄣")
    first = run_cli(*argv)
    assert "本次处理 0 个" not in first.out  # it did build
    noop = slow_noop(run_cli, monkeypatch, argv)
    assert "本次处理 0 个有改动的源文件，写入 0 个文件" in noop[0]
    assert recorded(argv) == noop
    assert replay_output(argv, capsys) == noop


def test_any_change_to_an_input_or_an_output_runs_the_build(records, project, run_cli, capsys, tmp_path):
    argv = ["build"]

    def settled() -> None:
        run_cli(*argv)
        assert replay_output(argv, capsys) is not None

    settled()
    source = project / "content" / "2020" / "incubator.md"
    before = source.stat()
    edit(source, "创业孵化基地运行保障", "创业孵化基地运行保鄣")  # same size, and the old times put back
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert replay_output(argv, capsys) is None

    settled()
    shutil.copy(source, project / "content" / "2020" / "copy.md")  # a new source
    assert replay_output(argv, capsys) is None

    settled()
    next((project / "build" / "2020").glob("*.docx")).unlink()  # an output removed
    assert replay_output(argv, capsys) is None

    settled()
    (project / "perfdoc.toml").write_text('profile = "shanghai"\n', encoding="utf-8")  # a configuration appears
    assert replay_output(argv, capsys) is None

    settled()
    (project / "templates").mkdir()  # the project's own templates
    assert replay_output(argv, capsys) is None

    settled()
    (tmp_path / "pyproject.toml").write_text("[tool.perfdoc]\n", encoding="utf-8")  # a configuration further up
    assert replay_output(argv, capsys) is None

    settled()
    assert replay_output(["build", "-j", "1"], capsys) is None  # another command line
    os.chdir(project / "content")
    assert replay_output(argv, capsys) is None  # another folder: other paths in the report


def test_a_source_outside_the_project_is_watched_too(records, project, run_cli, capsys, tmp_path):
    outside = tmp_path / "elsewhere.md"
    shutil.copy(CONTENT / "2020" / "incubator.md", outside)
    edit(outside, "创业孵化基地运行保障", "另一个项目")
    argv = ["build", str(outside)]
    run_cli("build")  # the project's own forms are in the cache: building one more leaves nothing to do
    run_cli(*argv)
    assert replay_output(argv, capsys) is not None
    edit(outside, "另一个项目", "又一个项目")
    assert replay_output(argv, capsys) is None


def test_an_input_changed_during_or_just_before_the_build_is_not_recorded(project, run_cli, tmp_path, monkeypatch):
    """A source whose time is not safely before the build's start (here: set a minute ahead, as an edit during
    the build would leave it): the build cannot know that it read the file as it is now, so it records nothing."""
    monkeypatch.setenv("PERFDOC_CACHE_DIR", str(tmp_path / "user-cache"))
    for source in (project / "content").rglob("*.md"):
        os.utime(source, ns=(time.time_ns() - 3_600 * 10**9,) * 2)  # long settled
    late = project / "content" / "2020" / "incubator.md"
    os.utime(late, ns=(time.time_ns() + 60 * 10**9,) * 2)
    run_cli("build")
    assert not list((tmp_path / "user-cache" / "builds").glob("*.build"))


def test_forced_and_troubled_builds_leave_no_record(records, project, run_cli, capsys):
    run_cli("build", "--force")
    assert replay_output(["build", "--force"], capsys) is None  # --force means: build everything, every time

    run_cli("build")
    assert replay_output(["build"], capsys) is not None
    (project / "build" / ".perfdoc-cache.json").write_text("{", encoding="utf-8")
    result = run_cli("build")
    assert "构建缓存" in result.err  # said once, by the build that found it
    assert not list(records.glob("*.build"))  # and that build was not recorded: the next one says what it finds
    run_cli("build")
    assert replay_output(["build"], capsys) is not None


def test_a_records_folder_others_can_write_to_is_not_used(records, project, run_cli, capsys):
    run_cli("build")
    assert replay_output(["build"], capsys) is not None
    records.chmod(0o777)
    assert replay_output(["build"], capsys) is None


def test_off_means_no_records(project, run_cli, capsys, monkeypatch):
    monkeypatch.setenv("PERFDOC_CACHE_DIR", "off")
    monkeypatch.setattr(replay, "RACY_NS", 0)
    run_cli("build")
    assert replay_output(["build"], capsys) is None


def test_a_torn_record_runs_the_build(records, project, run_cli, capsys):
    run_cli("build")
    (record,) = records.glob("*.build")
    record.write_bytes(record.read_bytes()[:50])
    assert replay_output(["build"], capsys) is None


def test_the_command_answers_without_importing_the_command_line(records, project, run_cli):
    """The `perfdoc` command itself, in a new interpreter: the report of the build, and nothing else loaded."""
    run_cli("build")
    probe = (
        "import sys\n"
        "from perfdoc.start import main\n"
        "sys.argv = ['perfdoc', 'build']\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    loaded = sorted(m for m in sys.modules if m.startswith('perfdoc'))\n"
        "    print('LOADED', loaded, file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=project)
    assert "LOADED ['perfdoc', 'perfdoc.replay', 'perfdoc.start']" in done.stderr
    out, err, code = recorded(["build"])
    assert (done.stdout, done.stderr.split("LOADED")[0], done.returncode) == (out, err, code)
    assert "本次处理 0 个有改动的源文件" in done.stdout


def test_records_are_pruned(records, monkeypatch, tmp_path):
    monkeypatch.setattr(replay, "KEEP", 3)
    source = tmp_path / "x.md"
    source.write_text("x", encoding="utf-8")
    for i in range(6):
        assert replay.record(["build", str(i)], [(False, "ok")], 0, [str(source)], [], started=10**19)
    assert len(list(records.glob("*.build"))) == 3


def test_a_build_of_one_file_watches_the_whole_project(records, project, run_cli, capsys):
    """Built into the project's own folder, a named file is built with the project's other sources around it
    (their figures go into the index): a new one among them changes the report."""
    run_cli("build")
    argv = ["build", "content/2020/incubator.md"]
    run_cli(*argv)
    assert replay_output(argv, capsys) is not None
    (project / "content" / "2021").mkdir()
    shutil.copy(CONTENT / "2020" / "incubator.md", project / "content" / "2021" / "new.md")
    assert replay_output(argv, capsys) is None


def test_a_build_that_cannot_be_recorded_removes_the_earlier_record(records, project, run_cli, capsys, monkeypatch):
    run_cli("build")
    assert len(list(records.glob("*.build"))) == 1
    edit(project / "content" / "2020" / "incubator.md", "创业孵化基地运行保障", "创业孵化基地运行保鄣")
    monkeypatch.setattr(replay, "RACY_NS", 10**12)  # the edit is "recent": the build cannot vouch for what it read
    run_cli("build")
    assert not list(records.glob("*.build"))
