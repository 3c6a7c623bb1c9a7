"""The view of an assessment that templates see: every figure formatted as the form prints it.

One context serves the Word and the HTML templates; merges are given as row spans (``category_span``:
the number of rows the 一级 cell covers on its first row, 0 on the rows it covers below).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model import Assessment, Indicator
from ..numbers import fmt_amount, fmt_rate, fmt_score
from ..quantity import split_target
from ..record import record
from ..scoring import IndicatorResult, Result
from ..vocabulary import FUNDING_COLUMNS, FUNDS_BLOCK_LABELS, LABEL_NAMES, NOTE_ROWS

if TYPE_CHECKING:  # the configuration is only read here, never imported at run time
    from ..config import Config

NO_DEVIATION = "无偏差"


def draft_banner(errors: int) -> str:
    """The mark of a form rendered with errors (build --draft, serve): never silent, never official."""
    return f"草稿：此表有 {errors} 个错误，数字未经核对，不能作为正式表报送（运行 perfdoc check 查看）"


@record
class IndicatorRow:
    category: str
    category_span: int
    subcategory: str
    subcategory_span: int
    name: str
    target: str
    actual: str
    weight: str
    score: str
    reason: str
    deducted: bool
    completion: str = ""  # 完成率: actual ÷ target, at most 100 %, for profiles that print it (海南)
    nature: str = ""  # the target in three columns, for profiles that print it split (split_target)
    value: str = ""
    unit: str = ""
    indicator: Indicator | None = None  # the indicator itself (None on an empty group's row), for other documents

    def with_groups(self, category: str, subcategory: str) -> IndicatorRow:
        """A copy with other 一级 / 二级 cells (a generic replace costs ~15 µs a row: a form has dozens)."""
        row = object.__new__(IndicatorRow)
        row.__dict__.update(self.__dict__, category=category, subcategory=subcategory)
        return row


def indicator_rows(result: Result, split: bool = False) -> list[IndicatorRow]:
    """The indicator table's rows; split: also the target in three columns (指标性质 / 指标值 / 度量单位)."""
    rows: list[IndicatorRow] = []
    by_id = {id(r.indicator): r for r in result.indicators}
    for category, subs in result.assessment.groups():
        first_of_category = True
        category_size = sum(len(items) for _, items in subs)
        for subcategory, items in subs:
            for k, ind in enumerate(items):
                if ind is None:  # a group kept empty from the blank template: its row, printed empty
                    rows.append(
                        IndicatorRow(
                            category=category,
                            category_span=category_size if first_of_category else 0,
                            subcategory=subcategory,
                            subcategory_span=1,
                            name="",
                            target="",
                            actual="",
                            weight="",
                            score="",
                            reason="",
                            deducted=False,
                        )
                    )
                    first_of_category = False
                    continue
                r = by_id[id(ind)]
                shown = r.score if r.score is not None else ind.score
                nature, value, unit = split_target(ind.target or "") if split else ("", "", "")
                rows.append(
                    IndicatorRow(
                        category=category,
                        category_span=category_size if first_of_category else 0,
                        subcategory=subcategory,
                        subcategory_span=len(items) if k == 0 else 0,
                        name=ind.name,
                        target=ind.target or "",
                        actual=ind.actual or "",
                        weight=fmt_score(ind.weight),
                        # a draft shows the typed 得分 where the rules could not compute one
                        score=fmt_score(r.score if r.score is not None else ind.score) if shown is not None else "",
                        reason=ind.deviation_reason or (NO_DEVIATION if r.score is not None else ""),
                        deducted=bool(r.deducted),
                        completion=_completion(r),
                        nature=ind.nature or nature,
                        value=value,
                        unit=ind.unit or unit,
                        indicator=ind,
                    )
                )
                first_of_category = False
    return rows


def _completion(r: IndicatorResult) -> str:
    if r.ratio is None:
        return "100.00%" if r.achieved else ""
    return fmt_rate(min(r.ratio, Decimal(1)) * 100)


def indicator_columns(config: Config) -> list[tuple[str, str, str]]:
    """The columns after 三级指标, as (row attribute, css class, label), when the profile's differ from the
    default form's (指标性质 / 指标值 / 度量单位, 完成率, 分值 before the target); [] for the default form's."""
    if not (config.split_target or config.completion_column or config.weight_before_target):
        return []
    if config.split_target:
        target = [("nature", "nature", "nature"), ("value", "target", "target"), ("unit", "unit", "unit")]
    else:
        target = [("target", "target", "target")]
    middle = [*target, ("actual", "actual", "actual")]
    if config.completion_column:
        middle.append(("completion", "completion", "completion"))
    weight = [("weight", "weight", "weight")]
    columns = [*weight, *middle] if config.weight_before_target else [*middle, *weight]
    columns += [("score", "score", "score"), ("reason", "reason", "deviation_reason")]
    return [(attr, css, config.label(name)) for attr, css, name in columns]


# Widths (% of the page) of the 项目资金 block's columns; a profile's set is scaled to the same total.
_INFO_LABEL_WIDTHS = (Decimal(7), Decimal(14))
_FUNDS_COLUMN_WIDTHS = {
    "initial_budget": Decimal(17),
    "budget": Decimal(17),
    "executed": Decimal(17),
    "weight": Decimal("6.5"),
    "execution_rate": Decimal(12),
    "score": Decimal("9.5"),
    "execution_reason": Decimal(14),
}


def info_spans(n: int) -> tuple[int, int, int]:
    """How the 主管部门 / 实施单位 row spreads over a 项目资金 block of n columns: (主管部门 cells, the 实施单位
    label's, 实施单位 cells); (2, 2, 2) on the default form's six."""
    label = 2 if n >= 4 else 1
    department = (n - label + 1) // 2
    return department, label, n - label - department


def info_widths(columns: tuple[str, ...]) -> list[str]:
    """The HTML widths of the first table's columns: the default form's, or the profile's scaled to 100 %."""
    widths = [_FUNDS_COLUMN_WIDTHS[c] for c in columns]
    room = Decimal(100) - sum(_INFO_LABEL_WIDTHS)
    scaled = [w * room / sum(widths) for w in widths]
    return [format(w.quantize(Decimal("0.1")).normalize(), "f") for w in (*_INFO_LABEL_WIDTHS, *scaled)]


_last_context: tuple[Result, Config, dict[str, Any]] | None = None


def form_context(result: Result, config: Config) -> dict[str, Any]:
    """Everything the form's templates print, formatted; a new dict each time (renderers add to it), computed
    once for the Word and the HTML page of the same form."""
    global _last_context
    if _last_context is None or _last_context[0] is not result or _last_context[1] is not config:
        _last_context = (result, config, _form_context(result, config))
    return dict(_last_context[2])


def _form_context(result: Result, config: Config) -> dict[str, Any]:
    a: Assessment = result.assessment
    places = config.places(a.money_unit)
    funds: dict[str, Any] = {
        name: {column: fmt_amount(result.amount(row, column), places) for column in FUNDING_COLUMNS}
        for name, row in a.funds.rows.items()
    }
    funds["weight"] = fmt_score(result.execution_weight)
    # Computed figures; the typed ones only where nothing could be computed (a draft of a form with errors).
    funds["execution_rate"] = fmt_rate(_first(result.execution_rate, a.funds.execution_rate))
    funds["execution_score"] = fmt_score(_first(result.execution_score, a.funds.score))
    funds["execution_reason"] = a.funds.reason or ""
    columns = config.funding_columns
    total = _first(result.total_score, a.total_score)
    return {
        "year": a.year,
        "project": a.project,
        "department": a.department or "",
        "unit": a.unit or "",
        "stage": a.stage_label,
        "money_unit": a.money_unit or config.money_unit,
        # The heading the author wrote (## 预期目标) decides the label of this form; the configuration otherwise.
        "goal_label": a.goal.title if a.goal is not None and not a.goal.title.isascii() else config.goal_label,
        "funds": funds,
        "goal_markdown": a.goal.text if a.goal else "",
        "outcome_markdown": a.outcome.text if a.outcome else "",
        "indicators": indicator_rows(result, split=config.split_target),
        "total_weight": fmt_score(result.weight_sum),
        "total_score": fmt_score(total) if total is not None else "",
        "grade": result.grade or a.grade or "",
        # The printed labels: the default form's, or those of the form's profile (表式).
        "labels": {name: config.label(name) for name in LABEL_NAMES},
        "split_target": config.split_target,
        "indicator_columns": indicator_columns(config),
        # The 项目资金 block: its columns as (name, label), split into the amounts and the execution's columns.
        "funding_columns": [(name, config.label(FUNDS_BLOCK_LABELS.get(name, name))) for name in columns],
        "amount_columns": [c for c in columns if c in FUNDING_COLUMNS],
        "execution_columns": [c for c in columns if c not in FUNDING_COLUMNS],
        "info_spans": info_spans(len(columns)),
        "info_widths": info_widths(columns),
        "funding_rows": list(a.funds.rows),
        # The rows around the tables the profile prints (评价结论, 填报人…), and what the author wrote in them.
        "notes": {name: a.notes.get(name, "") for name in NOTE_ROWS},
        "head_rows": [(NOTE_ROWS[name], a.notes.get(name, "")) for name in config.head_rows],
        "tail_rows": [(NOTE_ROWS[name], a.notes.get(name, "")) for name in config.tail_rows],
    }


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)
