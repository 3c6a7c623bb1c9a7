"""What every validation rule is given, and how it reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..config import Config
from ..diagnostics import CATALOGUE, Diagnostic, Position
from ..load import RawDocument
from ..model import ASSESSMENT, PLAN, Assessment, Located
from ..numbers import fmt_amount, fmt_score, round2
from ..schema import position_of
from ..scoring import Result


@dataclass
class RuleContext:
    assessment: Assessment
    result: Result
    config: Config
    raw: RawDocument

    def at(self, node: Located, name: str | None = None) -> Position:
        """Where a field of a node was written; the node itself when the field was not written."""
        if name is not None and name in node.keys:
            return position_of(self.raw, (*node.raw_path, node.keys[name]))
        return position_of(self.raw, node.raw_path)

    def diag(self, code: str, message: str, node: Located, name: str | None = None) -> Diagnostic:
        fld = f"{node.field_path}.{name}" if name and node.field_path else (name or node.field_path)
        return Diagnostic.make(code, message, fld, self.at(node, name)).with_path(self.raw.path)

    def amount(self, value: Decimal | None) -> str:
        return fmt_amount(value, self.config.places(self.assessment.money_unit))

    @staticmethod
    def num(value: Decimal | None) -> str:
        """A score as the form prints it, unless rounding would hide the figure (扣 0.001 分 is not 扣 0 分)."""
        if value is not None and value != round2(value):
            return format(value.normalize(), "f")
        return fmt_score(value)


RuleFunc = Callable[[RuleContext], Iterator[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    code: str
    func: RuleFunc
    stages: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.func.__name__

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()

    def __call__(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        if ctx.assessment.stage in self.stages:
            yield from self.func(ctx)


def rule(code: str, stages: tuple[str, ...] = (PLAN, ASSESSMENT)) -> Callable[[RuleFunc], Rule]:
    """Mark a function as the check for one catalogue code; the registry in __init__ lists them."""
    if code not in CATALOGUE:
        raise KeyError(code)

    def wrap(func: RuleFunc) -> Rule:
        return Rule(code=code, func=func, stages=stages)

    return wrap


ASSESSMENT_ONLY = (ASSESSMENT,)
