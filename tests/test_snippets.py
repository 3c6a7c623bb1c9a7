"""One small form per validation rule, with the complete diagnostic output it must give (tests/snippets/).

Each PDxxx.md is the same small form (a district's home-care subsidy, 2023) with one thing done wrong in the
way a person does it; PDxxx.txt is everything `perfdoc check` says about it, positions included. clean.md
is the form done right: nothing at all to say.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdoc.rules import RULES, rule_codes

from .snapshots import diagnostics_text, matches_snapshot, snippet_config

SNIPPETS = Path(__file__).parent / "snippets"
CASES = sorted(p.stem for p in SNIPPETS.glob("PD*.md"))


def test_every_configurable_rule_has_its_snippet():
    assert set(CASES) == set(rule_codes())
    assert {r.code for r in RULES} <= set(CASES)


def test_the_clean_form_says_nothing():
    assert diagnostics_text(SNIPPETS / "clean.md") == "\n"


@pytest.mark.parametrize("code", CASES)
def test_snippet_gives_exactly_its_snapshot(code: str):
    source = SNIPPETS / f"{code}.md"
    actual = diagnostics_text(source, snippet_config(source))
    assert code in actual  # the rule the snippet is for is among what is said
    assert matches_snapshot(actual, SNIPPETS / f"{code}.txt"), actual
