"""Real published forms, transcribed as sources in their own profile: perfdoc reproduces their figures and
reports exactly the errors their publishers made, nothing else (tests/realforms/, with .txt snapshots)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from perfdoc.check import check_file
from perfdoc.config import Config

from .snapshots import diagnostics_text, matches_snapshot

REAL = Path(__file__).parent / "realforms"

# form → (profile, computed 执行率, computed 总分, the codes of the published errors, in order)
EXPECTED = {
    # 湖北 新洲区楚剧团 2020: 分值 add up to 110 (execution 10 on top of 100); 成本 18/20 without a reason;
    # the typed 总分 98 leaves the execution score out (108.00).
    "wuhan-xinzhou-opera-2020": ("mof-2020", "100.00", "108.00", ["PD307", "PD402", "PD306"]),
    # 上海 普陀区 2022: 215,457.6 / 250,000 = 86.18 %, typed 86.19 %; the 预算目标 cell is blank.
    "shanghai-putuo-sports-2022": ("shanghai", "86.18", "98.62", ["PD304", "PD208"]),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_form_figures_and_published_errors(name: str):
    profile, rate, total, codes = EXPECTED[name]
    source = REAL / f"{name}.md"
    report = check_file(source, Config(root=REAL))
    assert report.config is not None and report.config.profile == profile
    assert report.result is not None
    assert report.result.execution_rate == Decimal(rate)
    assert report.result.total_score == Decimal(total)
    assert [d.code for d in report.diagnostics] == codes
    actual = diagnostics_text(source)
    assert matches_snapshot(actual, REAL / f"{name}.txt"), actual


def test_every_real_form_is_expected():
    assert {p.stem for p in REAL.glob("*.md")} == set(EXPECTED)
