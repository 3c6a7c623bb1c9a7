"""Snapshot helpers: the complete diagnostic output of a file, compared with a recorded one.

A test states every diagnostic a file produces, not one code among others: a new finding, a lost one or a
changed message shows up as a diff. To record new snapshots after a deliberate change, run
``PERFDOC_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snippets.py tests/test_bad_inputs.py`` and review
the diff of the .txt files before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

from perfdoc.check import report_source
from perfdoc.config import Config, load_config

UPDATE = os.environ.get("PERFDOC_UPDATE_SNAPSHOTS") == "1"


def diagnostics_text(path: Path, config: Config | None = None) -> str:
    """Every diagnostic of every form of the file, as `perfdoc check` prints them, the folder left out."""
    cfg = config or Config(root=path.parent)
    lines = []
    for report in report_source(path, cfg):
        for d in report.diagnostics:
            d.path = path.name
            lines.append(d.format())
    return "\n".join(lines) + "\n"


def snippet_config(snippet: Path) -> Config:
    """A snippet's own settings, when it has them: PD309.toml beside PD309.md."""
    own = snippet.with_suffix(".toml")
    return load_config(explicit=own) if own.is_file() else Config(root=snippet.parent)


def matches_snapshot(actual: str, snapshot: Path) -> bool:
    if UPDATE:
        snapshot.write_text(actual, encoding="utf-8")
        return True
    return snapshot.is_file() and snapshot.read_text(encoding="utf-8") == actual
