"""The seed forms' outputs, byte for byte: a refactoring must not change a single byte of what users receive.

The hashes were recorded before the architecture of issue 12 was reworked. When a deliberate change of the
output (a template edit, a new figure on the form) changes them, record the new ones in the same commit and
say why in its message.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .conftest import ROOT

GOLDEN = {
    "2020/中国创新创业大赛（上海赛区）.docx": "2665d98c70fc0423904fef87f9c43b8549bfe6a501a2acc2b15057509a186150",
    "2020/中国创新创业大赛（上海赛区）.html": "8bf582ef32981311259d968c6c65d7de8fd30e21a1eb215bf5b40c25d8b7041c",
    "2020/创业孵化基地运行保障.docx": "bc48eb0e63a6cc7d2c35100686ddf593df83cc0202f7ae43e5282210535f0351",
    "2020/创业孵化基地运行保障.html": "d3183a4a2c75d19a308fb626adf09b751b2222647dfd4b1133202e7f9e98fb5e",
    "2020/开展科技金融工作及服务.docx": "894addb870f464ceb7c3fad5f53a9f7328bfa414e3c9abcd2a670d3412caf8fb",
    "2020/开展科技金融工作及服务.html": "872aac931bdd5eebb87c3d3a6debb7ae6626f237640f759711b6e5c491b41327",
    "2020/summary.docx": "ef4e31f81b932731f9560b4dd72b2117a4d8dfb808ce2f00cf90fb8053c8d14f",
    "2020/summary.xlsx": "3c3f97438722ac312e86e9366a8892618eb5058b0f6616e320258dca07be66a3",
    "index.html": "52310b99190bf91ebf2958afd772c7540bde3e09c9418baf1f470cc51a24c471",
}


def test_seed_outputs_are_byte_identical_to_the_recorded_ones(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "build"
    result = run_cli("build", "--out", out, "-j", "1", ROOT / "content")
    assert result.code == 0, result.err
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert written == set(GOLDEN)
    changed = {
        name: hashlib.sha256((out / name).read_bytes()).hexdigest()
        for name in GOLDEN
        if hashlib.sha256((out / name).read_bytes()).hexdigest() != GOLDEN[name]
    }
    assert changed == {}
