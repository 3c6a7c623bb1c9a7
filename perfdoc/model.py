"""The domain objects: an assessment (绩效自评表) and its parts, with the Chinese label beside each field.

Plain data, exactly what the author wrote: no configured default and no computed figure is stored here
(those live in ``scoring.Result``). Each object remembers where it was written (``raw_path``) and the key
spelling the author used for each field (``keys``), so a diagnostic can name its logical place.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .record import field, record
from .source import RawPath, Section
from .vocabulary import ASSESSMENT, DEFAULT_FUNDING_ROWS, FUNDING_ROWS, STAGE_LABELS


@record
class Located:
    raw_path: RawPath = ()
    field_path: str = ""  # English path used in diagnostics and JSON: indicators[4] (the fourth)
    keys: dict[str, str] = field(default_factory=dict)  # field name → key as the author wrote it


@record
class FundingRow(Located):
    name: str = ""  # total / appropriation / carryover / other
    label: str = ""  # 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金
    initial_budget: Decimal | None = None  # 年初预算数
    budget: Decimal | None = None  # 全年预算数
    executed: Decimal | None = None  # 全年执行数

    def amount(self, column: str) -> Decimal | None:
        return getattr(self, column)  # type: ignore[no-any-return]


def funding_rows(names: tuple[str, ...] = DEFAULT_FUNDING_ROWS) -> dict[str, FundingRow]:
    """The rows of 项目资金 the form has (its profile's), empty: a form prints them whether filled or not."""
    return {name: FundingRow(name=name, label=FUNDING_ROWS[name], field_path=f"funds.{name}") for name in names}


@record
class Funds(Located):
    rows: dict[str, FundingRow] = field(default_factory=lambda: funding_rows())
    weight: Decimal | None = None  # 分值 of the execution row, as typed (the configured one applies when absent)
    execution_rate: Decimal | None = None  # 执行率 as typed (percent), checked against the computed one
    score: Decimal | None = None  # 得分 as typed, checked
    reason: str | None = None  # 原因 of a low execution rate (四川's 原因 column)

    @property
    def total(self) -> FundingRow:
        return self.rows["total"]

    @property
    def parts(self) -> list[FundingRow]:
        return [row for name, row in self.rows.items() if name != "total"]


@record
class Indicator(Located):
    category: str = ""  # 一级指标
    subcategory: str = ""  # 二级指标
    name: str = ""  # 三级指标
    target: str | None = None  # 年度指标值 (composed from 指标性质 / 指标值 / 度量单位 when written split)
    nature: str | None = None  # 指标性质 as written on a split form: ≥ ≤ = 定性
    unit: str | None = None  # 度量单位 as written on a split form
    actual: str | None = None  # 实际完成值
    weight: Decimal | None = None  # 分值
    score: Decimal | None = None  # 得分 as typed (optional: computed by the rules when absent)
    deviation_reason: str | None = None  # 偏差原因分析及改进措施
    achievement: str | None = None  # 达成情况 of a qualitative indicator: 达成 / 部分达成 / 未达成
    direction: str | None = None  # 指标方向: 正向 / 反向, when the comparator does not say it
    explanation: str | None = None  # 指标解释 (绩效目标申报表)
    standard: str | None = None  # 评（扣）分标准 (绩效目标申报表)
    to_date: str | None = None  # 监控值: the value at the monitoring date
    expected: str | None = None  # 全年预计: the expected full-year value
    cause: str | None = None  # 偏差原因类别: 经费保障 / 制度保障 / 人员保障 / 硬件条件保障 / 其他
    likelihood: str | None = None  # 完成可能性: 确定能 / 有可能 / 完全不可能
    remedy: str | None = None  # 纠偏措施


@record
class Monitoring(Located):
    """The 监控 block of a mid-year file: the date it is as of, and the amount executed by then."""

    as_of: date | None = None  # 截至
    executed: Decimal | None = None  # 执行数, of the 年度资金总额


@record
class Assessment(Located):
    path: str = ""
    year: int | None = None  # 年度
    project: str = ""  # 项目名称
    department: str = ""  # 主管部门
    unit: str = ""  # 实施单位
    money_unit: str | None = None  # 金额单位, when this form's differs from the project's configuration
    profile: str | None = None  # 表式, when this form names its own
    stage: str = ASSESSMENT  # 阶段
    stage_declared: bool = False
    funds: Funds = field(default_factory=Funds)  # 项目资金
    indicators: list[Indicator] = field(default_factory=list)  # 绩效指标
    total_score: Decimal | None = None  # 总分 as typed, checked
    empty_groups: list[tuple[int, str, str]] = field(default_factory=list)  # (place, 一级, 二级) with no indicator
    notes: dict[str, str] = field(default_factory=dict)  # rows around the tables: 评价结论, 填报人… (NOTE_ROWS)
    block_weights: dict[str, Decimal] = field(default_factory=dict)  # 分值 a block's label declares: 产出指标(40分)
    partial: bool = False  # read from a form that ends before its 总分: no total or 分值 sum is concluded
    printed: bool = False  # read from a printed form: fields the form has no column for (达成情况) cannot be asked
    grade: str | None = None  # 等级 as typed, checked
    long_term: Section | None = None  # 中长期目标 (绩效目标申报表)
    goal: Section | None = None  # 预算目标 / 预期目标
    outcome: Section | None = None  # 实际完成情况
    monitoring: Monitoring | None = None  # 监控: the mid-year figures, when the file has reached that stage
    report_sections: list[Section] = field(default_factory=list)  # ## 一、基本情况 …: the 绩效自评报告's prose
    extra_sections: list[Section] = field(default_factory=list)

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    def groups(self) -> list[tuple[str, list[tuple[str, list[Indicator | None]]]]]:
        """Indicators grouped 一级 → 二级 in order of first appearance, for merged cells; an empty group the
        author kept from the blank template stands in its place as one row with None."""
        entries: list[tuple[str, str, Indicator | None]] = []
        empty = sorted(self.empty_groups)
        for i, ind in enumerate(self.indicators):
            while empty and empty[0][0] <= i:
                _, cat, sub = empty.pop(0)
                entries.append((cat, sub, None))
            entries.append((ind.category, ind.subcategory, ind))
        entries += [(cat, sub, None) for _, cat, sub in empty]
        out: list[tuple[str, list[tuple[str, list[Indicator | None]]]]] = []
        for cat, sub, entry in entries:
            if not out or out[-1][0] != cat:
                out.append((cat, []))
            subs = out[-1][1]
            if not subs or subs[-1][0] != sub or entry is None:
                subs.append((sub, []))
            subs[-1][1].append(entry)
        return out
