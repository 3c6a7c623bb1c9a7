"""perfdoc's code type-checks: mypy clean with the settings of pyproject.toml, every `type: ignore` with its code
and still needed (warn_unused_ignores), so that CI fails on a new type error like on a failing test."""

from __future__ import annotations

from pathlib import Path

from .conftest import ROOT


def test_mypy_is_clean(tmp_path: Path, monkeypatch) -> None:
    from mypy import api

    monkeypatch.chdir(ROOT)
    out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path)])
    assert status == 0, out + err
    assert "Success: no issues found" in out
