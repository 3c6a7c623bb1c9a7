"""The command line (argparse): Chinese usage and messages, exit code 2 for a mistyped command line, the same
parser whether built for one command or for all, and output that survives a console that is not UTF-8."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from perfdoc import __version__
from perfdoc.cli import COMMANDS, _named_command, parser

from .conftest import ROOT, SEED_FILES

INCUBATOR = SEED_FILES["创业孵化基地运行保障"]


def test_no_command_shows_the_commands_and_exits_2(run_cli):
    res = run_cli()
    assert res.code == 2
    assert "用法：perfdoc" in res.err and all(name in res.err for name in COMMANDS)


def test_version(run_cli):
    res = run_cli("--version")
    assert res.code == 0 and res.out.strip() == f"perfdoc {__version__}"


def test_help_of_a_command_is_chinese_with_its_defaults(run_cli):
    res = run_cli("build", "-h")
    assert res.code == 0
    for text in ("用法：perfdoc build", "选项:", "参数:", "--format 格式", "docx,html,report,plan,monitor", "-j N"):
        assert text in res.out, text
    assert "positional arguments" not in res.out and "show this help" not in res.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--bogus"], "perfdoc check：错误：不认识的参数：--bogus（perfdoc check -h 查看用法）"),
        (["--bogus", "check"], "perfdoc：错误：不认识的参数：--bogus"),
        (["check", "--format", "xml"], "参数 --format 不能取 'xml'"),
        (["build", "-j", "0"], "参数 -j/--jobs：0 不行：应不小于 1"),
        (["build", "-j", "two"], "参数 -j/--jobs：'two' 不是整数"),
        (["new", "--year", "1800"], "应在 1990 至 2100 之间"),
        (["rollover"], "缺少参数：源文件"),
        (["--config", "nowhere.toml", "check"], "文件 nowhere.toml 不存在"),
        (["import"], "缺少参数：文件"),
        (["frobnicate"], "参数 命令 不能取 'frobnicate'"),
    ],
)
def test_a_mistyped_command_line_exits_2_with_a_chinese_message(run_cli, args: list[str], message: str):
    res = run_cli(*args)
    assert res.code == 2
    assert message in res.err and "用法：" in res.err and res.out == ""


def test_the_command_is_found_past_the_top_level_options():
    assert _named_command(["check", "a.md"]) == "check"
    assert _named_command(["--config", "check", "build"]) == "build"  # a config file called "check"
    assert _named_command(["--config=p.toml", "serve"]) == "serve"
    assert _named_command(["-h", "check"]) is None  # the top-level help lists every command
    assert _named_command(["frobnicate"]) is None and _named_command([]) is None


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_parser_built_for_one_command_reads_it_as_the_full_one_does(name: str):
    full, one = parser(), parser(only=name)
    assert one.format_usage() == full.format_usage()
    for argv in ([name], [name, "-h"]):
        sub_full = full._subparsers._group_actions[0].choices[name]  # type: ignore[union-attr]
        sub_one = one._subparsers._group_actions[0].choices[name]  # type: ignore[union-attr]
        assert sub_one.format_help() == sub_full.format_help(), argv


def test_a_console_that_is_not_utf8_gets_escapes_not_a_traceback(tmp_path: Path):
    env = {**os.environ, "PYTHONIOENCODING": "latin-1", "PERFDOC_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "perfdoc", "check", str(INCUBATOR)], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"\\u5e74" in done.stdout  # 年, escaped: the rest of the report is still printed
