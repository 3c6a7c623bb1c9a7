"""What every validation rule is given, how it reports, and how it is declared: once, with its code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from ..diagnostics import Code, Diagnostic, Severity, register
from ..model import Assessment, Located
from ..numbers import fmt_amount, fmt_score, round2
from ..record import record
from ..scoring import Result
from ..source import Locus, Section
from ..vocabulary import ASSESSMENT, PLAN

if TYPE_CHECKING:  # the configuration is only read here, never imported at run time
    from ..config import Config

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO


@record
class RuleContext:
    """A form as written (``assessment``), what was computed from it (``result``), and the project's settings.

    Rules never see the file: they name a field of the model or a line of a body section, and the reader's
    source map places it when the diagnostic is shown.
    """

    assessment: Assessment
    result: Result
    config: Config

    def diag(self, code: str, message: str, node: Located, name: str | None = None) -> Diagnostic:
        """A finding on a field of a node (its value as written), or on the node when the field was not written."""
        fld = f"{node.field_path}.{name}" if name and node.field_path else (name or node.field_path)
        written = name is not None and name in node.keys
        raw_path = (*node.raw_path, node.keys[name]) if written and name is not None else node.raw_path
        return Diagnostic.make(code, message, fld, locus=Locus(raw_path)).with_path(self.assessment.path)

    def in_body(self, code: str, message: str, section: Section, line: int = 0, column: int = 1) -> Diagnostic:
        """A finding in a body section: at its heading (line 0) or at a line below it."""
        locus = Locus(section.raw_path, line=line, column=column)
        return Diagnostic.make(code, message, "body", locus=locus).with_path(self.assessment.path)

    def label(self, name: str) -> str:
        """A label as the form's profile prints it (权重 for 分值, 调整后预算数 for 全年预算数…), for messages."""
        return self.config.label(name)

    def amount(self, value: Decimal | None) -> str:
        return fmt_amount(value, self.config.places(self.assessment.money_unit))

    @staticmethod
    def num(value: Decimal | None) -> str:
        """A score as the form prints it, unless rounding would hide the figure (扣 0.001 分 is not 扣 0 分)."""
        if value is not None and value != round2(value):
            return format(value.normalize(), "f")
        return fmt_score(value)


RuleFunc = Callable[[RuleContext], Iterator[Diagnostic]]


class Rule(NamedTuple):
    code: str
    info: Code  # severity, title and rule text, as declared
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


def rule(
    code: str, severity: Severity, title: str, stages: tuple[str, ...] = (PLAN, ASSESSMENT)
) -> Callable[[RuleFunc], Rule]:
    """Declare a validation rule: its stable code, default severity and Chinese title here, and its rule in
    Chinese as the first paragraph of the function's docstring (shown by `perfdoc rules` and in docs/rules.md;
    later paragraphs are notes for maintainers). The catalogue of codes is derived from these declarations."""

    def wrap(func: RuleFunc) -> Rule:
        doc = (func.__doc__ or "").strip()
        if not doc:
            raise ValueError(f"rule {code} ({func.__name__}) has no docstring")
        summary = " ".join(doc.split("\n\n", 1)[0].split()).rstrip("。")
        info = Code(code, severity, title, summary)
        register(info)
        return Rule(code=code, info=info, func=func, stages=stages)

    return wrap


ASSESSMENT_ONLY = (ASSESSMENT,)
