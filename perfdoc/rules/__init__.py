"""Pipeline stage 4 — validate: every rule of docs/scoring.md as a small named unit.

Each rule is a function declared with ``@rule(code, severity, title)`` in a module of this package, its rule
in Chinese as its docstring; ``RULES`` collects them all, in code order, so a rule can be read, run or
tested alone, and adding one touches only the module it is written in (and its snippet test). Reading
errors (PD1xx) and shape errors (PD2xx) come from the loader and the parser; PD501 (the same 项目名称 twice
in one year) looks across files in ``check``.
"""

from __future__ import annotations

import importlib
import os

from ..diagnostics import Code, Diagnostic, declared
from .base import Rule, RuleContext


def _discover() -> list[Rule]:
    """Every rule declared in a module of this package, in code order: adding a rule is writing it."""
    found: dict[str, Rule] = {}
    # The folder listed directly: pkgutil.iter_modules imports inspect, ~10 ms of every command's start.
    names = sorted(f.removesuffix(".py") for f in os.listdir(__path__[0]) if f.endswith(".py") and f[0] != "_")
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        for value in vars(module).values():
            if isinstance(value, Rule):
                if value.code in found and found[value.code] is not value:
                    raise ValueError(f"rule {value.code} is declared twice")
                found[value.code] = value
    return [found[code] for code in sorted(found)]


RULES: list[Rule] = _discover()


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
