"""Pipeline stage 4 — validate: every rule of docs/scoring.md as a small named unit, registered here in order.

Each rule is a function decorated with its stable code; ``RULES`` is the whole set in one place, so a
rule can be read, run or tested alone. Reading errors (PD1xx) and schema errors (PD2xx) come from the
loader and the schema; PD501 (the same 项目名称 twice in one year) looks across files in ``check``.
"""

from __future__ import annotations

from ..diagnostics import Code, Diagnostic, declared
from .base import Rule, RuleContext
from .funding import (
    budget_present_and_nonzero,
    executed_within_budget,
    funding_parts_add_up,
    typed_execution_rate_matches,
    typed_execution_score_matches,
)
from .indicators import (
    actual_is_quantity,
    deduction_has_reason,
    no_full_marks_on_missed_target,
    qualitative_band_stated,
    qualitative_not_above_band,
    qualitative_not_below_band,
    score_computable,
    score_not_above_rule,
    score_within_weight,
    target_not_exceeded_far,
    units_agree,
)
from .stages import assessment_has_actuals, body_has_both_texts, body_has_no_images, plan_has_no_results
from .totals import mof_weight_policy, typed_grade_matches, typed_total_matches, weights_add_to_100

RULES: list[Rule] = [
    body_has_both_texts,
    body_has_no_images,
    funding_parts_add_up,
    executed_within_budget,
    budget_present_and_nonzero,
    typed_execution_rate_matches,
    typed_execution_score_matches,
    typed_total_matches,
    weights_add_to_100,
    typed_grade_matches,
    mof_weight_policy,
    score_within_weight,
    deduction_has_reason,
    no_full_marks_on_missed_target,
    score_not_above_rule,
    qualitative_not_above_band,
    qualitative_not_below_band,
    units_agree,
    target_not_exceeded_far,
    qualitative_band_stated,
    score_computable,
    actual_is_quantity,
    plan_has_no_results,
    assessment_has_actuals,
]


def catalogue() -> dict[str, Code]:
    """Every code perfdoc can say, in code order: the fixed ones and those the rules above declare."""
    return dict(sorted(declared().items()))


def rule_codes() -> frozenset[str]:
    """The codes a project may switch off or re-grade in perfdoc.toml: the validation rules, and PD209."""
    return frozenset({r.code for r in RULES} | {"PD209"})


def validate(ctx: RuleContext) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for r in RULES:
        out.extend(r(ctx))
    return out


__all__ = ["RULES", "Rule", "RuleContext", "catalogue", "rule_codes", "validate"]
