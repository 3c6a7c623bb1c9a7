"""Compiled templates are kept between runs (perfdoc.render.codecache); the output never depends on it."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def _build(out: Path, cache: str) -> dict[str, str]:
    """A build in a fresh interpreter (no template compiled in this process), with PERFDOC_CACHE_DIR=cache."""
    env = {**os.environ, "PERFDOC_CACHE_DIR": cache}
    code = "from perfdoc.cli import main; main()"
    cmd = [sys.executable, "-c", code, "build", "--out", str(out), "-j", "1", str(ROOT / "content")]
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_cold_warm_damaged_and_off_give_the_same_files(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    off = _build(tmp_path / "off", "off")
    assert not cache.exists()
    cold = _build(tmp_path / "cold", str(cache))
    stored = sorted(cache.rglob("*.jinja"))
    assert len(stored) >= 4  # the form page, its base, the index, the Word parts
    warm = _build(tmp_path / "warm", str(cache))
    assert sorted(cache.rglob("*.jinja")) == stored  # nothing compiled again
    for f in stored:  # damaged files: compiled afresh and rewritten
        f.write_bytes(b"\x00not a cache")
    damaged = _build(tmp_path / "damaged", str(cache))
    assert all(f.read_bytes() != b"\x00not a cache" for f in stored)
    assert off == cold == warm == damaged
    assert "2020/summary.xlsx" in off and "index.html" in off


def test_a_cache_folder_that_cannot_be_made_is_passed_over(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert _build(tmp_path / "out", str(blocked / "cache")) == _build(tmp_path / "ref", "off")


def test_a_cache_folder_others_can_write_into_is_not_used(tmp_path: Path, monkeypatch) -> None:
    """The cache holds code that is run: a folder writable by the group or by anyone is passed over."""
    import jinja2

    from perfdoc.render import codecache

    shared = tmp_path / "shared"
    folder = shared / f"templates-jinja{jinja2.__version__}"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    monkeypatch.setenv("PERFDOC_CACHE_DIR", str(shared))
    assert codecache.cache_folder() is None
    folder.chmod(0o700)
    assert codecache.cache_folder() == folder
    assert _build(tmp_path / "out", str(shared)) == _build(tmp_path / "ref", "off")
