"""Pipeline stage 2 — parse: a raw tree (from a Markdown source or a Word form) → an ``Assessment``.

Authors write the form's own labels as keys (``项目名称: 创业孵化基地运行保障``); the English names of the
glossary are accepted too (both come from ``perfdoc.vocabulary``). ``parse_assessment`` reports every
missing, unknown or mistyped field at its logical place. It stores what was written and nothing else: no
configured default (the execution 分值 comes from the configuration at scoring time) and no computed figure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from .diagnostics import Diagnostic
from .model import Assessment, Funds, Indicator, Located, Monitoring, funding_rows
from .numbers import MAX_DIGITS, clip, parse_decimal
from .quantity import compose_target
from .source import Locus, RawDocument, RawPath
from .vocabulary import (
    ALL_SUBCATEGORIES,
    ASSESSMENT,
    CHOICE_WORDS,
    DEFAULT_FUNDING_ROWS,
    FUNDING_ROWS,
    FUNDS_KEYS,
    GRADE_NAMES,
    HIERARCHY,
    INDICATOR_FIELDS,
    INDICATOR_KEYS,
    MONITOR,
    MONITOR_KEYS,
    PLAN,
    REPORT_OUTLINE,
    REQUIRED_TOP,
    ROW_KEYS,
    SECTION_HEADINGS,
    SECTION_TITLES,
    TOP_FIELDS,
    TOP_KEYS,
    FieldSpec,
    field_spec,
)

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_LONG_NUMBER = re.compile(rf"[0-9]{{{MAX_DIGITS + 1},}}")
MAX_AMOUNT = Decimal(10) ** 13  # 10 万亿: no single project comes near it; a larger figure is a typo
MAX_WEIGHT = Decimal(100)


def canonical_label(written: str, known: Iterable[str], aliases: dict[str, str] | None = None) -> str:
    """产出 → 产出指标, 社会效益 → 社会效益指标, 「产出指标 」→ 产出指标: the names forms write, as the vocabulary
    knows them; ``aliases`` are a profile's own words (服务对象满意度指标等). Anything else is returned as
    written, for the did-you-mean of the error."""
    label = re.sub(r"\s+", "", unicodedata.normalize("NFKC", written))
    known = set(known)
    for candidate in (label, label + "指标"):
        if aliases and candidate in aliases and aliases[candidate] in known:
            return aliases[candidate]
        if candidate in known:
            return candidate
    return written


# Patterns of what only some forms hold (a report's numbered headings, a date) are compiled on first use, not at
# every start (re caches them).
_NUMBERING = r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|\d+\s*[、.．])\s*"


def outline_title(title: str, outline: tuple[str, ...]) -> str | None:
    """The outline's title a heading stands for: 一、基本情况, 基本情况 and 1. 基本情况 are one section."""
    bare = re.sub(_NUMBERING, "", title).replace(" ", "")
    return next((t for t in outline if re.sub(_NUMBERING, "", t).replace(" ", "") == bare), None)


def _month_end(year: int, month: int) -> int:
    """The last day of a month; 0 (an invalid date) for a month that does not exist."""
    if not 1 <= month <= 12:
        return 0
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def did_you_mean(word: str, candidates: list[str]) -> str:
    import difflib  # only for a mistyped key; a clean file never needs it

    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.4)
    return f"，是否应为「{close[0]}」？" if close else ""


class _Parser:
    def __init__(
        self,
        raw: RawDocument,
        grade_names: tuple[str, ...] = GRADE_NAMES,
        aliases: dict[str, str] | None = None,
        rows: tuple[str, ...] = DEFAULT_FUNDING_ROWS,
        outline: tuple[str, ...] = REPORT_OUTLINE,
    ):
        self.raw = raw
        self.outline = outline  # the report's section titles (profile report_outline)
        self.diagnostics: list[Diagnostic] = []
        self.grade_names = grade_names  # the configured grade_bands decide what 等级 may say
        self.aliases = aliases or {}  # the profile's own group names
        self.rows = rows  # the funding rows of the profile's form
        self.empty_groups: list[tuple[int, str, str]] = []  # (indicators before it, 一级, 二级)

    def report(self, code: str, message: str, field_path: str, raw_path: RawPath, key: bool = False) -> None:
        """A finding at a logical place of the raw tree; the reader's source map places it when shown."""
        locus = Locus(raw_path, key=key)
        self.diagnostics.append(Diagnostic.make(code, message, field_path, locus=locus).with_path(self.raw.path))

    # -- generic field handling --------------------------------------------------------------------

    def fields(
        self, data: object, raw_path: RawPath, field_path: str, index: dict[str, FieldSpec], what: str
    ) -> dict[str, tuple[FieldSpec, object, RawPath, str]]:
        """Match a mapping's keys against the specs: name → (spec, value, raw path, key as written)."""
        out: dict[str, tuple[FieldSpec, object, RawPath, str]] = {}
        if not isinstance(data, dict):
            self.report("PD202", f"{what}应为“字段: 值”的映射，而不是{_kind(data)}", field_path, raw_path)
            return out
        for key, value in data.items():
            spec = index.get(key)
            child = (*raw_path, key)
            if spec is None:
                labels = sorted({spec.label for spec in index.values()})
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
        if spec.kind in ("text", "note"):
            long_number = _LONG_NUMBER.search(text.replace(",", "")) if spec.name in ("target", "actual") else None
            if long_number:
                self.report(
                    "PD206",
                    f"「{spec.label}」中的数字有 {len(long_number.group())} 位，超出上限 {MAX_DIGITS} 位，请检查位数",
                    field_path,
                    raw_path,
                )
                return None
            return text or None
        if spec.kind == "date":
            m = re.fullmatch(_DATE, text.translate(_FULLWIDTH_DIGITS))
            try:
                if m is None:
                    raise ValueError(text)
                year, month = int(m.group(1)), int(m.group(2))
                # 2020-07 and 2020年7月底 are as of the month's end
                day = int(m.group(3)) if m.group(3) else _month_end(year, month)
                return date(year, month, day)
            except ValueError:
                self.report(
                    "PD206", f"「{spec.label}」应为日期（如 2020-07-31），而不是「{clip(value)}」", field_path, raw_path
                )
                return None
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
            table = CHOICE_WORDS.get(spec.name)
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
        if spec.kind == "rate" and 0 < number <= 1 and not text.endswith(("%", "％")):
            # 0.958 is a fraction as spreadsheets write it; the exponent keeps what the author typed (0.1 is 1E+1 %)
            number = number.scaleb(2)
            self.report(
                "PD211",
                f"「{spec.label}」{text} 没有百分号，按小数理解为 {format(number, 'f')}%；请写百分数",
                field_path,
                raw_path,
            )
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
        top = self.fields(self.raw.data, (), "", TOP_KEYS, "前置数据")
        notes = tuple(name for name, (spec, *_rest) in top.items() if spec.kind == "note")
        self.assign(a, top, "", skip=("funds", "indicators", "block_weights", "monitoring", *notes))
        if "monitoring" in top:
            a.monitoring = self.monitoring(*top["monitoring"][1:3])
        a.partial, a.printed = self.raw.incomplete, self.raw.printed
        if "block_weights" in top:
            a.block_weights = self.block_weights(*top["block_weights"][:3])
        for name in notes:
            spec, value, child, _ = top[name]
            text = self.value(spec, value, child, name)
            if isinstance(text, str) and text:
                a.notes[name] = text
        for name in ("project", "department", "unit"):
            if getattr(a, name) is None:  # written but blank: the model keeps text fields as text
                setattr(a, name, "")
        for name in REQUIRED_TOP:
            required = field_spec(TOP_FIELDS, name)
            written = top[name][1] if name in top else None
            if name not in top:
                self.report("PD201", f"缺少「{required.label}」（{required.description}）", name, ())
            elif written is None or (isinstance(written, str) and not written.strip()):
                # present but empty, "" or only white space: a nameless form must never be built
                self.report(
                    "PD201", f"「{required.label}」为空，须填写（{required.description}）", name, (top[name][3],)
                )
        a.funds = self.funds(top.get("funds"))
        if "indicators" in top:
            _, value, child, _ = top["indicators"]
            a.indicators = self.indicators(value, child)
            a.empty_groups = list(self.empty_groups)
        elif not a.partial:  # a page cut off before the indicators: PD117 has said so
            self.report("PD201", "缺少「绩效指标」（一级指标 → 二级指标 → 三级指标列表）", "indicators", ())
        declared = a.stage if "stage" in top else None
        a.stage_declared = declared in (PLAN, MONITOR, ASSESSMENT)
        a.stage = declared if a.stage_declared else infer_stage(a)  # type: ignore[assignment]
        self.sections(a)
        return a

    def monitoring(self, data: object, raw_path: RawPath) -> Monitoring:
        """监控: {截至: 2020-07-31, 执行数: 4100000}."""
        block = Monitoring(raw_path=raw_path, field_path="monitoring")
        if data is None:
            return block
        self.assign(block, self.fields(data, raw_path, "monitoring", MONITOR_KEYS, "「监控」"), "monitoring")
        return block

    def block_weights(self, spec: FieldSpec, data: object, raw_path: RawPath) -> dict[str, Decimal]:
        """一级指标分值: {产出指标: 40, …}, each a known 一级指标 with a 分值."""
        out: dict[str, Decimal] = {}
        if not isinstance(data, dict):
            self.report("PD202", f"「{spec.label}」应为 一级指标: 分值 的映射", "block_weights", raw_path)
            return out
        weight = field_spec(INDICATOR_FIELDS, "weight")
        for written, value in data.items():
            category = canonical_label(str(written), HIERARCHY, self.aliases)
            number = self.value(weight, value, (*raw_path, written), f"block_weights.{category}")
            if isinstance(number, Decimal):
                out[category] = number
        return out

    def funds(self, entry: tuple[FieldSpec, object, RawPath, str] | None) -> Funds:
        label = field_spec(TOP_FIELDS, "funds").label
        funds = Funds(raw_path=(label,), field_path="funds", rows=funding_rows(self.rows))
        if entry is None:
            return funds
        _, data, raw_path, _ = entry
        funds.raw_path = raw_path
        matched = self.fields(data, raw_path, "funds", FUNDS_KEYS, "项目资金")
        for name, (spec, value, child, key) in matched.items():
            funds.keys[name] = key
            if spec.kind == "row":
                if name not in funds.rows:  # a row of another province's form
                    shown = "、".join(FUNDING_ROWS[r] for r in self.rows)
                    self.report(
                        "PD203",
                        f"「{spec.label}」不是本表式的资金行（本表式：{shown}）；"
                        "若本表是别的表式，请写明「表式」（如 表式: hainan）",
                        f"funds.{name}",
                        child,
                        key=True,
                    )
                    continue
                row = funds.rows[name]
                row.raw_path, row.keys = child, {}
                if value is not None:
                    self.assign(
                        row, self.fields(value, child, row.field_path, ROW_KEYS, f"「{spec.label}」"), row.field_path
                    )
            else:
                setattr(funds, name, self.value(spec, value, child, f"funds.{name}"))
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
            category = canonical_label(written, HIERARCHY, self.aliases)
            if category not in HIERARCHY:
                self.report(
                    "PD204",
                    f"未知的一级指标「{category}」{did_you_mean(category, list(HIERARCHY))}"
                    f"（可用：{'、'.join(HIERARCHY)}）",
                    f"indicators.{category}",
                    cpath,
                    key=True,
                )  # its indicators are still read and scored: a reviewer wants every figure of the form
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
                sub = canonical_label(written_sub, ALL_SUBCATEGORIES, self.aliases)
                if category in HIERARCHY:  # under an unknown 一级, PD204 has said it
                    self.check_subcategory(category, sub, f"indicators.{category}.{sub}", spath)
                if isinstance(items, dict):
                    items = [items]
                if items is None or items == []:
                    # A group the blank template carries with nothing under it (生态效益指标 with no indicator):
                    # not an indicator and not an error; the form prints its row empty, as published.
                    self.empty_groups.append((len(out), category, sub))
                    continue
                if not isinstance(items, list):
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
        matched = self.fields(item, raw_path, field_path, INDICATOR_KEYS, "三级指标")
        if not isinstance(item, dict):
            return
        self.assign(ind, matched, field_path)
        if ind.nature is not None or ind.unit is not None:  # a split form: ≥ / 400 / 次 is the target ≥400次
            ind.target = compose_target(ind.nature or "", ind.target or "", ind.unit or "") or None
        if category is None:
            category = canonical_label(ind.category or "", HIERARCHY, self.aliases)
            sub = canonical_label(ind.subcategory or "", ALL_SUBCATEGORIES, self.aliases)
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
            else:
                self.check_subcategory(
                    category, sub, f"{field_path}.subcategory", (*raw_path, matched["subcategory"][3])
                )
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
            if not kind and outline_title(section.title, self.outline):
                a.report_sections.append(section)  # the 绩效自评报告's prose, in the profile's outline
                continue
            a.extra_sections.append(section)
            if not section.title:
                msg = (
                    f"正文开头的文字不属于任何章节，请放在「## {SECTION_HEADINGS['goal']}」"
                    f"或「## {SECTION_HEADINGS['outcome']}」标题下"
                )
            elif kind:
                msg = f"章节「{section.title}」重复，只使用第一个"
            else:
                known = [*SECTION_TITLES["goal"], *SECTION_TITLES["outcome"]]
                msg = (
                    f"未识别的章节「{section.title}」{did_you_mean(section.title, known)}"
                    f"（表只用「## {SECTION_HEADINGS['goal']}」与「## {SECTION_HEADINGS['outcome']}」两节；"
                    f"自评报告的章节为 {'、'.join(self.outline)}），该节不会出现在表中"
                )
            self.diagnostics.append(
                Diagnostic.make("PD209", msg, "body", locus=Locus(section.raw_path)).with_path(self.raw.path)
            )


_ATTR = {"indicator": "name"}


def name_given(matched: dict[str, tuple[FieldSpec, object, RawPath, str]], name: str) -> bool:
    """The field was written with a value (which may have been reported invalid already)."""
    return name in matched and matched[name][1] is not None


_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?)?\s*(?:月底|月末|月)?"


def infer_stage(a: Assessment) -> str:
    """A file with any actual value, executed amount, score or outcome text is an assessment; one with a 监控
    block and none of those is at mid-year; the rest are plans."""
    if any(i.actual is not None or i.score is not None for i in a.indicators):
        return ASSESSMENT
    if any(row.executed is not None for row in a.funds.rows.values()):
        return ASSESSMENT
    if a.total_score is not None or a.funds.execution_rate is not None or a.funds.score is not None:
        return ASSESSMENT
    return MONITOR if a.monitoring is not None else PLAN


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
    raw: RawDocument,
    grade_names: tuple[str, ...] = GRADE_NAMES,
    aliases: dict[str, str] | None = None,
    rows: tuple[str, ...] = DEFAULT_FUNDING_ROWS,
    outline: tuple[str, ...] = REPORT_OUTLINE,
) -> tuple[Assessment, list[Diagnostic]]:
    """The raw tree as an assessment, exactly as written, with every finding about its shape (PD2xx)."""
    parser = _Parser(raw, grade_names, aliases, rows, outline)
    assessment = parser.parse()
    return assessment, parser.diagnostics


__all__ = ["canonical_label", "did_you_mean", "parse_assessment"]
