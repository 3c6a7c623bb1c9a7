from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from .realtools import browser  # noqa: F401 - one session-wide Chromium for every module that asks for it

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEED_FILES = {
    "创业孵化基地运行保障": CONTENT / "2020" / "incubator.md",
    "开展科技金融工作及服务": CONTENT / "2020" / "sci-tech-finance.md",
    "中国创新创业大赛（上海赛区）": CONTENT / "2020" / "innovation-contest.md",
}


def pytest_configure(config: pytest.Config) -> None:
    """Compiled templates go to a cache of this test session, never to the user's (perfdoc.render.codecache)."""
    os.environ.setdefault("PERFDOC_CACHE_DIR", tempfile.mkdtemp(prefix="perfdoc-test-cache-"))


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `perfdoc ARGS` in this process, as the console script does; return exit code and output."""
    from perfdoc.cli import main

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err
        return CliResult(code, captured.out, captured.err)

    return run


def perfdoc_ok(*args: str | Path) -> None:
    """Run a perfdoc command for a module-scoped fixture (no capsys there) and insist that it succeeds."""
    from perfdoc.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    assert exit_info.value.code == 0


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A copy of the seed content in a temporary project, for tests that edit it."""
    dst = tmp_path / "content"
    shutil.copytree(CONTENT, dst)
    return dst


def edit(path: Path, old: str, new: str, count: int = 1) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path
