"""Pipeline stage 2 — the schema: the one place where the form's labels meet the names code uses.

Authors write the form's own labels as keys (``项目名称: 创业孵化基地运行保障``); the English names of the
glossary are accepted too. ``parse_assessment`` turns a ``RawDocument`` into an ``Assessment``, reporting
every missing, unknown or mistyped field with its position; ``json_schema`` describes the same format for
editors.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .diagnostics import Diagnostic, Position
from .load import RawDocument, RawPath, format_raw_path
from .model import (
    ACHIEVED,
    ASSESSMENT,
    FUNDING_ROWS,
    MISSED,
    PARTIAL,
    PLAN,
    POSITIVE,
    REVERSE,
    Assessment,
    FundingRow,
    Funds,
    Indicator,
    Located,
)
from .numbers import MAX_DIGITS, clip, parse_decimal

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_LONG_NUMBER = re.compile(rf"[0-9]{{{MAX_DIGITS + 1},}}")
MAX_AMOUNT = Decimal(10) ** 13  # 10 万亿: no single project comes near it; a larger figure is a typo
MAX_WEIGHT = Decimal(100)


@dataclass(frozen=True)
class FieldSpec:
    name: str  # English name (glossary)
    label: str  # the form's label, the key authors write
    kind: str  # text / year / amount / decimal / rate / choice / funds / indicators / row
    description: str
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.label, self.name, *self.aliases)


GRADE_NAMES = ("优", "良", "中", "差")  # the default grade_bands; a project may configure its own names

STAGE_WORDS = {
    "绩效目标": PLAN,
    "目标": PLAN,
    "预算": PLAN,
    "plan": PLAN,
    "绩效自评": ASSESSMENT,
    "自评": ASSESSMENT,
    "assessment": ASSESSMENT,
}
BAND_WORDS = {
    "达成": ACHIEVED,
    "达成年度指标": ACHIEVED,
    "achieved": ACHIEVED,
    "部分达成": PARTIAL,
    "部分达成年度指标并具有一定效果": PARTIAL,
    "partial": PARTIAL,
    "未达成": MISSED,
    "未达成年度指标且效果较差": MISSED,
    "missed": MISSED,
}
DIRECTION_WORDS = {"正向": POSITIVE, "positive": POSITIVE, "反向": REVERSE, "reverse": REVERSE}

TOP_FIELDS = [
    FieldSpec("year", "年度", "year", "评价年度，如 2020"),
    FieldSpec("project", "项目名称", "text", "项目名称，与预算批复一致"),
    FieldSpec("department", "主管部门", "text", "主管部门（预算主管部门）"),
    FieldSpec("unit", "实施单位", "text", "项目实施单位"),
    FieldSpec(
        "money_unit",
        "金额单位",
        "choice",
        "本表金额的单位：元 或 万元；不填时取配置 money_unit",
        choices=("元", "万元"),
    ),
    FieldSpec(
        "stage",
        "阶段",
        "choice",
        "绩效目标（预算阶段，只填指标、指标值、分值）或 绩效自评（年度终了后）；不填时由是否有实际完成值推断",
        choices=tuple(STAGE_WORDS),
    ),
    FieldSpec("funds", "项目资金", "funds", "项目资金：年度资金总额及其中各项的年初预算数、全年预算数、全年执行数"),
    FieldSpec("indicators", "绩效指标", "indicators", "绩效指标：一级指标 → 二级指标 → 三级指标列表"),
    FieldSpec("total_score", "总分", "decimal", "总分（可不填，由 perfdoc 计算；填写时校验）"),
    FieldSpec(
        "grade",
        "等级",
        "choice",
        "等级 优/良/中/差（可不填，由总分计算；填写时校验）",
        choices=GRADE_NAMES,
    ),
]
ROW_FIELDS = [
    FieldSpec("initial_budget", "年初预算数", "amount", "年初预算数"),
    FieldSpec("budget", "全年预算数", "amount", "全年预算数（含年中调整），执行率的分母"),
    FieldSpec("executed", "全年执行数", "amount", "全年执行数"),
]
FUNDS_FIELDS = [
    FieldSpec("total", "年度资金总额", "row", "年度资金总额（可不填，由其中各项相加）"),
    FieldSpec(
        "appropriation",
        "当年财政拨款",
        "row",
        "其中：当年财政拨款",
        aliases=("其中：当年财政拨款", "其中:当年财政拨款", "本年财政拨款", "其中：本年财政拨款", "财政拨款"),
    ),
    FieldSpec("carryover", "上年结转资金", "row", "上年结转资金", aliases=("上年结转",)),
    FieldSpec("other", "其他资金", "row", "其他资金"),
    FieldSpec("weight", "分值", "decimal", "预算执行率的分值（默认取配置 execution_weight，上海为 10）"),
    FieldSpec("execution_rate", "执行率", "rate", "执行率（可不填，由 全年执行数 ÷ 全年预算数 计算；填写时校验）"),
    FieldSpec("score", "得分", "decimal", "预算执行得分（可不填；填写时校验）"),
]
INDICATOR_FIELDS = [
    FieldSpec("indicator", "三级指标", "text", "三级指标名称", aliases=("指标名称",)),
    FieldSpec(
        "target",
        "年度指标值",
        "text",
        "年度指标值，按表上写法：=100%、≥400次、≤30万元、40亿元、安全",
        aliases=("指标值", "预期指标值"),
    ),
    FieldSpec("actual", "实际完成值", "text", "实际完成值：100%、731次、1000余次、66.16亿、90%以上、安全"),
    FieldSpec("weight", "分值", "decimal", "分值（权重），可为小数如 12.5"),
    FieldSpec("score", "得分", "decimal", "得分（可不填，按评分规则计算；自评扣分时填写并说明原因）"),
    FieldSpec(
        "deviation_reason",
        "偏差原因分析及改进措施",
        "text",
        "得分低于分值时必填",
        aliases=("偏差原因", "未完成原因及拟采取的改进措施", "未完成原因分析"),
    ),
    FieldSpec(
        "achievement",
        "达成情况",
        "choice",
        "定性指标的达成档次：达成（80%–100%）、部分达成（60%–80%）、未达成（0–60%）",
        choices=tuple(BAND_WORDS),
    ),
    FieldSpec(
        "direction",
        "指标方向",
        "choice",
        "正向（越大越好）或 反向（越小越好，如成本、投诉率）；一般由比较符推断",
        choices=tuple(DIRECTION_WORDS),
    ),
    FieldSpec("category", "一级指标", "text", "一级指标（仅在平铺列表写法中使用）"),
    FieldSpec("subcategory", "二级指标", "text", "二级指标（仅在平铺列表写法中使用）"),
]

# The hierarchy of docs/scoring.md; 成本指标 also stands as a 一级指标 on forms after 2021.
HIERARCHY: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "环境效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
}

SECTION_TITLES = {
    "goal": ("预算目标", "预期目标", "年度目标", "年初设定目标", "年度绩效目标", "总体目标", "goal"),
    "outcome": ("实际完成情况", "完成情况", "完成情况综述", "年度总体目标完成情况", "outcome"),
}


REQUIRED_TOP = ("year", "project", "department", "unit")
ALL_SUBCATEGORIES = {s for subs in HIERARCHY.values() for s in subs}


def canonical_label(written: str, known: Iterable[str]) -> str:
    """产出 → 产出指标, 社会效益 → 社会效益指标, 「产出指标 」→ 产出指标: the names forms write, as the schema
    knows them. Anything else is returned as written, for the did-you-mean of the error."""
    label = re.sub(r"\s+", "", unicodedata.normalize("NFKC", written))
    known = set(known)
    for candidate in (label, label + "指标"):
        if candidate in known:
            return candidate
    return written


def _index(specs: list[FieldSpec]) -> dict[str, FieldSpec]:
    return {key: spec for spec in specs for key in spec.keys}


_TOP, _FUNDS, _ROW, _IND = (_index(s) for s in (TOP_FIELDS, FUNDS_FIELDS, ROW_FIELDS, INDICATOR_FIELDS))


def known_keys() -> set[str]:
    """Every key the format knows, in every accepted spelling, for the loader's hints."""
    specs = [*TOP_FIELDS, *FUNDS_FIELDS, *ROW_FIELDS, *INDICATOR_FIELDS]
    return {key for spec in specs for key in spec.keys} | set(HIERARCHY) | ALL_SUBCATEGORIES


def did_you_mean(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.4)
    return f"，是否应为「{close[0]}」？" if close else ""


class _Parser:
    def __init__(self, raw: RawDocument, execution_weight: Decimal, grade_names: tuple[str, ...] = GRADE_NAMES):
        self.raw = raw
        self.diagnostics: list[Diagnostic] = []
        self.execution_weight = execution_weight
        self.grade_names = grade_names  # the configured grade_bands decide what 等级 may say

    # -- positions and reporting -------------------------------------------------------------------

    def position(self, raw_path: RawPath, key: bool = False) -> Position:
        table = self.raw.key_pos if key else self.raw.value_pos
        path = raw_path
        while path:
            if path in table:
                return table[path]
            if path in self.raw.value_pos:
                return self.raw.value_pos[path]
            path = path[:-1]
        return self.raw.value_pos.get((), Position(self.raw.front_matter_line + 1, 1))

    def report(self, code: str, message: str, field_path: str, raw_path: RawPath, key: bool = False) -> None:
        self.diagnostics.append(
            Diagnostic.make(code, message, field_path, self.position(raw_path, key)).with_path(self.raw.path)
        )

    # -- generic field handling --------------------------------------------------------------------

    def fields(
        self, data: object, raw_path: RawPath, field_path: str, index: dict[str, FieldSpec], what: str
    ) -> dict[str, tuple[FieldSpec, object, RawPath, str]]:
        """Match a mapping's keys against the specs: name → (spec, value, raw path, key as written)."""
        out: dict[str, tuple[FieldSpec, object, RawPath, str]] = {}
        if not isinstance(data, dict):
            self.report("PD202", f"{what}应为“字段: 值”的映射，而不是{_kind(data)}", field_path, raw_path)
            return out
        labels = sorted({spec.label for spec in index.values()})
        for key, value in data.items():
            spec = index.get(key)
            child = (*raw_path, key)
            if spec is None:
                hint = did_you_mean(key, labels) or f"（{what}可用字段：{'、'.join(labels)}）"
                if re.fullmatch(r"[0-9]{3}(\.[0-9]*)?", key):  # {全年预算数: 7,300,000}: the commas split the mapping
                    hint = (
                        "：花括号 {…} 中的逗号是字段分隔符，带千位分隔符的金额须加引号，"
                        '如 全年预算数: "7,300,000"，或不写逗号 7300000'
                    )
                self.report("PD203", f"未知字段「{key}」{hint}", _join(field_path, key), child, key=True)
                continue
            if spec.name in out:
                self.report(
                    "PD103",
                    f"「{spec.label}」重复（写法「{out[spec.name][3]}」与「{key}」指同一字段）",
                    _join(field_path, spec.name),
                    child,
                    key=True,
                )
                continue
            out[spec.name] = (spec, value, child, key)
        return out

    def value(self, spec: FieldSpec, value: object, raw_path: RawPath, field_path: str) -> object:
        """Coerce one scalar by its spec; report and return None when it does not fit."""
        if value is None:
            return None
        if not isinstance(value, str):
            self.report("PD202", f"「{spec.label}」应为{_expect(spec)}，而不是{_kind(value)}", field_path, raw_path)
            return None
        text = value.strip()
        if spec.kind == "text":
            long_number = _LONG_NUMBER.search(text.replace(",", ""))
            if long_number and spec.name in ("target", "actual"):
                self.report(
                    "PD206",
                    f"「{spec.label}」中的数字有 {len(long_number.group())} 位，超出上限 {MAX_DIGITS} 位，请检查位数",
                    field_path,
                    raw_path,
                )
                return None
            return text or None
        if spec.kind == "year":
            # Full-width digits (２０２１) are typed on Chinese keyboards; superscripts and other scripts are not years.
            digits = text.translate(_FULLWIDTH_DIGITS)
            if not re.fullmatch(r"[0-9]{4}", digits) or not 1990 <= int(digits) <= 2100:
                self.report(
                    "PD206", f"「{spec.label}」应为四位年份（如 2020），而不是「{clip(value)}」", field_path, raw_path
                )
                return None
            return int(digits)
        if spec.kind == "choice":
            table = {"阶段": STAGE_WORDS, "达成情况": BAND_WORDS, "指标方向": DIRECTION_WORDS}.get(spec.label)
            choices = self.grade_names if spec.name == "grade" else spec.choices
            mapped = table.get(text) if table else (text if text in choices else None)
            if mapped is None:
                options = "、".join(dict.fromkeys(c for c in choices if not c.isascii()))
                self.report("PD207", f"「{spec.label}」只能是 {options}，而不是「{value}」", field_path, raw_path)
            return mapped
        try:
            number = parse_decimal(text, percent=spec.kind == "rate")
        except ValueError as exc:
            self.report("PD206", f"「{spec.label}」{exc}", field_path, raw_path)
            return None
        if number is None:
            return None
        if number < 0:
            self.report("PD206", f"「{spec.label}」不能为负数（{value}）", field_path, raw_path)
            return None
        limit = MAX_AMOUNT if spec.kind == "amount" else MAX_WEIGHT if spec.label in ("分值",) else None
        if spec.kind == "rate":
            limit = Decimal(1000)
        if limit is not None and number > limit:
            self.report(
                "PD206",
                f"「{spec.label}」{value} 超出合理范围（上限 {limit:,}），请检查单位和位数",
                field_path,
                raw_path,
            )
            return None
        return number

    def assign(
        self,
        target: Located,
        matched: dict[str, tuple[FieldSpec, object, RawPath, str]],
        field_path: str,
        skip: tuple[str, ...] = (),
    ) -> None:
        for name, (spec, value, child, key) in matched.items():
            target.keys[name] = key
            if name in skip:
                continue
            setattr(
                target,
                name if hasattr(target, name) else _ATTR.get(name, name),
                self.value(spec, value, child, _join(field_path, name)),
            )

    # -- the assessment ----------------------------------------------------------------------------

    def parse(self) -> Assessment:
        a = Assessment(path=self.raw.path, raw_path=(), field_path="")
        if not isinstance(self.raw.data, dict):
            self.report("PD202", f"前置数据应为“字段: 值”的映射，而不是{_kind(self.raw.data)}", "", ())
            return a
        top = self.fields(self.raw.data, (), "", _TOP, "前置数据")
        self.assign(a, top, "", skip=("funds", "indicators"))
        for name in ("project", "department", "unit"):
            if getattr(a, name) is None:  # written but blank: the model keeps text fields as text
                setattr(a, name, "")
        for name in REQUIRED_TOP:
            spec = next(s for s in TOP_FIELDS if s.name == name)
            written = top[name][1] if name in top else None
            if name not in top:
                self.report("PD201", f"缺少「{spec.label}」（{spec.description}）", name, ())
            elif written is None or (isinstance(written, str) and not written.strip()):
                # present but empty, "" or only white space: a nameless form must never be built
                self.report("PD201", f"「{spec.label}」为空，须填写（{spec.description}）", name, (top[name][3],))
        a.funds = self.funds(top.get("funds"))
        if "indicators" in top:
            _, value, child, _ = top["indicators"]
            a.indicators = self.indicators(value, child)
        else:
            self.report("PD201", "缺少「绩效指标」（一级指标 → 二级指标 → 三级指标列表）", "indicators", ())
        declared = a.stage if "stage" in top else None
        a.stage_declared = declared in (PLAN, ASSESSMENT)
        a.stage = declared if a.stage_declared else infer_stage(a)  # type: ignore[assignment]
        self.sections(a)
        return a

    def funds(self, entry: tuple[FieldSpec, object, RawPath, str] | None) -> Funds:
        funds = Funds(raw_path=("项目资金",), field_path="funds")
        funds.rows = {
            name: FundingRow(name=name, label=label, field_path=f"funds.{name}") for name, label in FUNDING_ROWS.items()
        }
        if entry is None:
            funds.weight = self.execution_weight
            return funds
        _, data, raw_path, _ = entry
        funds.raw_path = raw_path
        matched = self.fields(data, raw_path, "funds", _FUNDS, "项目资金")
        for name, (spec, value, child, key) in matched.items():
            funds.keys[name] = key
            if spec.kind == "row":
                row = funds.rows[name]
                row.raw_path, row.keys = child, {}
                if value is not None:
                    self.assign(
                        row, self.fields(value, child, row.field_path, _ROW, f"「{spec.label}」"), row.field_path
                    )
            else:
                setattr(funds, name, self.value(spec, value, child, f"funds.{name}"))
        if funds.weight is None:
            funds.weight = self.execution_weight
        return funds

    def indicators(self, data: object, raw_path: RawPath) -> list[Indicator]:
        out: list[Indicator] = []
        if isinstance(data, list):  # flat form: each item carries its 一级指标 and 二级指标
            for i, item in enumerate(data):
                self.indicator(item, (*raw_path, i), None, None, out)
            return out
        if not isinstance(data, dict):
            self.report(
                "PD202",
                f"「绩效指标」应为 一级指标 → 二级指标 → 指标列表 的映射，而不是{_kind(data)}",
                "indicators",
                raw_path,
            )
            return out
        for written, subs in data.items():
            cpath = (*raw_path, written)
            category = canonical_label(written, HIERARCHY)
            if category not in HIERARCHY:
                self.report(
                    "PD204",
                    f"未知的一级指标「{category}」{did_you_mean(category, list(HIERARCHY))}"
                    f"（可用：{'、'.join(HIERARCHY)}）",
                    f"indicators.{category}",
                    cpath,
                    key=True,
                )
                continue
            if not isinstance(subs, dict):
                self.report(
                    "PD202",
                    f"一级指标「{category}」下应为 二级指标: 指标列表 的映射，而不是{_kind(subs)}",
                    f"indicators.{category}",
                    cpath,
                )
                continue
            for written_sub, items in subs.items():
                spath = (*cpath, written_sub)
                sub = canonical_label(written_sub, ALL_SUBCATEGORIES)
                if not self.check_subcategory(category, sub, f"indicators.{category}.{sub}", spath):
                    continue
                if isinstance(items, dict):
                    items = [items]
                if not isinstance(items, list) or not items:
                    self.report(
                        "PD202",
                        f"二级指标「{sub}」下应为三级指标列表（每项以 - 开头）",
                        f"indicators.{category}.{sub}",
                        spath,
                    )
                    continue
                for i, item in enumerate(items):
                    self.indicator(item, (*spath, i), category, sub, out)
        return out

    def check_subcategory(self, category: str, sub: str, field_path: str, raw_path: RawPath) -> bool:
        if sub in HIERARCHY.get(category, ()):
            return True
        owner = next((c for c, subs in HIERARCHY.items() if sub in subs), None)
        if owner:
            msg = f"二级指标「{sub}」不属于一级指标「{category}」，应放在「{owner}」下"
        else:
            allowed = HIERARCHY.get(category, ())
            msg = (
                f"未知的二级指标「{sub}」{did_you_mean(sub, list(allowed))}"
                f"（「{category}」下可用：{'、'.join(allowed)}）"
            )
        self.report("PD205", msg, field_path, raw_path, key=True)
        return False

    def indicator(
        self, item: object, raw_path: RawPath, category: str | None, sub: str | None, out: list[Indicator]
    ) -> None:
        field_path = f"indicators[{len(out) + 1}]"  # counted from 1, as a person counts: [4] is the fourth
        ind = Indicator(raw_path=raw_path, field_path=field_path)
        matched = self.fields(item, raw_path, field_path, _IND, "三级指标")
        if not isinstance(item, dict):
            return
        self.assign(ind, matched, field_path)
        if category is None:
            category = canonical_label(ind.category or "", HIERARCHY)
            sub = canonical_label(ind.subcategory or "", ALL_SUBCATEGORIES)
            for name, value in (("category", category), ("subcategory", sub)):
                if not value:
                    label = "一级指标" if name == "category" else "二级指标"
                    self.report("PD201", f"平铺写法的每个指标须有「{label}」", f"{field_path}.{name}", raw_path)
                    return
            if category not in HIERARCHY:
                self.report(
                    "PD204",
                    f"未知的一级指标「{category}」{did_you_mean(category, list(HIERARCHY))}",
                    f"{field_path}.category",
                    (*raw_path, matched["category"][3]),
                )
                return
            if not self.check_subcategory(
                category, sub, f"{field_path}.subcategory", (*raw_path, matched["subcategory"][3])
            ):
                return
        elif "category" in matched or "subcategory" in matched:
            self.report(
                "PD203", "分组写法中不需要「一级指标」「二级指标」字段，请删除（由所在分组决定）", field_path, raw_path
            )
        ind.category, ind.subcategory = category, sub or ""
        nth = (raw_path[-1] if isinstance(raw_path[-1], int) else len(out)) + 1
        shown = f"三级指标「{ind.name}」" if ind.name else f"{sub}下第 {nth} 个三级指标"
        for name, ok, message in (
            ("indicator", bool(ind.name), f"{sub}下第 {nth} 个指标缺少「三级指标」名称"),
            ("target", ind.target is not None, f"{shown}缺少「年度指标值」"),
            ("weight", ind.weight is not None or (name_given(matched, "weight")), f"{shown}缺少「分值」"),
        ):
            if not ok:
                # An empty field points at its own line; a missing one at the indicator.
                at = (*raw_path, matched[name][3]) if name in matched else raw_path
                self.report("PD201", message, f"{field_path}.{name}", at, key=name in matched)
        out.append(ind)

    def sections(self, a: Assessment) -> None:
        for section in self.raw.sections:
            kind = next((k for k, titles in SECTION_TITLES.items() if section.title in titles), None)
            if kind and getattr(a, kind) is None:
                setattr(a, kind, section)
                continue
            a.extra_sections.append(section)
            where = Position(section.line, 1)
            if not section.title:
                msg = "正文开头的文字不属于任何章节，请放在「## 预算目标」或「## 实际完成情况」标题下"
            elif kind:
                msg = f"章节「{section.title}」重复，只使用第一个"
            else:
                known = [*SECTION_TITLES["goal"], *SECTION_TITLES["outcome"]]
                msg = (
                    f"未识别的章节「{section.title}」{did_you_mean(section.title, known)}"
                    "（正文只需「## 预算目标」与「## 实际完成情况」两节），该节不会出现在表中"
                )
            self.diagnostics.append(Diagnostic.make("PD209", msg, "body", where).with_path(self.raw.path))


_ATTR = {"indicator": "name"}


def name_given(matched: dict[str, tuple[FieldSpec, object, RawPath, str]], name: str) -> bool:
    """The field was written with a value (which may have been reported invalid already)."""
    return name in matched and matched[name][1] is not None


def infer_stage(a: Assessment) -> str:
    """A file with any actual value, executed amount, score or outcome text is an assessment."""
    if any(i.actual is not None or i.score is not None for i in a.indicators):
        return ASSESSMENT
    if any(row.executed is not None for row in a.funds.rows.values()):
        return ASSESSMENT
    if a.total_score is not None or a.funds.execution_rate is not None or a.funds.score is not None:
        return ASSESSMENT
    return PLAN


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "映射（字段: 值）"
    if isinstance(value, list):
        return "列表"
    if value is None:
        return "空值"
    return f"文字「{value}」"


def _expect(spec: FieldSpec) -> str:
    return {
        "text": "文字",
        "year": "年份",
        "amount": "金额数字",
        "decimal": "数字",
        "rate": "百分比",
        "choice": "以下之一：" + "、".join(spec.choices),
    }.get(spec.kind, "单个值")


def parse_assessment(
    raw: RawDocument, execution_weight: Decimal = Decimal(10), grade_names: tuple[str, ...] = GRADE_NAMES
) -> tuple[Assessment, list[Diagnostic]]:
    parser = _Parser(raw, execution_weight, grade_names)
    assessment = parser.parse()
    return assessment, parser.diagnostics


def json_schema() -> dict[str, object]:
    """A JSON Schema (draft 2020-12) of the front matter, titles and descriptions in Chinese."""

    def props(specs: list[FieldSpec], skip: tuple[str, ...] = ()) -> dict[str, object]:
        out: dict[str, object] = {}
        for spec in specs:
            if spec.name in skip:
                continue
            node: dict[str, object] = {"title": spec.label, "description": spec.description}
            node.update(_json_type(spec))
            for key in spec.keys:
                out[key] = dict(node)
        return out

    row = {"type": ["object", "null"], "additionalProperties": False, "properties": props(ROW_FIELDS)}
    indicator = {
        "type": "object",
        "additionalProperties": False,
        "title": "三级指标",
        "required": ["三级指标", "年度指标值", "分值"],
        "properties": props(INDICATOR_FIELDS, skip=("category", "subcategory")),
    }
    funds_props = props(FUNDS_FIELDS)
    for spec in FUNDS_FIELDS:
        if spec.kind == "row":
            for key in spec.keys:
                funds_props[key] = {**row, "title": spec.label, "description": spec.description}
    categories = {
        cat: {
            "type": "object",
            "title": cat,
            "additionalProperties": False,
            "properties": {sub: {"type": "array", "title": sub, "items": indicator} for sub in subs},
        }
        for cat, subs in HIERARCHY.items()
    }
    top = props(TOP_FIELDS, skip=("funds", "indicators"))
    for key in ("项目资金", "funds"):
        top[key] = {"type": "object", "title": "项目资金", "additionalProperties": False, "properties": funds_props}
    for key in ("绩效指标", "indicators"):
        top[key] = {"type": "object", "title": "绩效指标", "additionalProperties": False, "properties": categories}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://perfdoc.invalid/schema/assessment.json",
        "title": "财政项目支出绩效自评表",
        "description": "perfdoc 源文件的 YAML 前置数据",
        "type": "object",
        "additionalProperties": False,
        "required": ["年度", "项目名称", "主管部门", "实施单位", "绩效指标"],
        "properties": top,
    }


def _json_type(spec: FieldSpec) -> dict[str, object]:
    number_text = {"type": ["number", "string", "null"]}
    if spec.kind == "year":
        return {"type": ["integer", "string"], "minimum": 1990, "maximum": 2100}
    if spec.kind in ("amount", "decimal", "rate"):
        return number_text
    if spec.kind == "choice":
        return {"enum": list(spec.choices)}
    return {"type": ["string", "number", "null"]}


def position_of(raw: RawDocument, raw_path: RawPath) -> Position:
    return _Parser(raw, Decimal(10)).position(raw_path)


__all__ = ["HIERARCHY", "format_raw_path", "json_schema", "parse_assessment", "position_of"]
