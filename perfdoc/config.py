"""Project configuration: what differs between jurisdictions, read from perfdoc.toml or [tool.perfdoc].

Defaults follow Shanghai's practice (the seed forms): amounts in 元, the label 预算目标, execution weight 10,
grades 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差, and no weight policy.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .diagnostics import ConfigError, Diagnostic, Severity
from .record import field, record, record_fields
from .vocabulary import (
    ALL_SUBCATEGORIES,
    DEFAULT_PROFILE,
    FUNDING_ROWS,
    FUNDS_BLOCK_COLUMNS,
    FUNDS_BLOCK_OPTIONAL,
    HIERARCHY,
    LABELS,
    NOTE_ROWS,
    REPORT_OUTLINE,
    SECTION_TITLES,
)

CONFIG_FILE = "perfdoc.toml"
MAX_CONFIG_BYTES = 256 * 1024
MAX_PLACES = 6  # amounts printed with at most 6 decimals (万元 to the cent)


class RuleSettings(NamedTuple):
    """[rules] of perfdoc.toml: validation rules switched off, or said at another severity, as ruff does.

    ``ignore = ["PD408"]``, ``severity = { PD301 = "error" }``. Sorted tuples, so that the build cache's
    key (which includes the configuration's repr) is the same in every run.
    """

    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()

    def apply(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        if not self.ignore and not self.severity:
            return diagnostics
        changed = dict(self.severity)
        kept = [d for d in diagnostics if d.code not in self.ignore]
        for d in kept:
            if d.code in changed:
                d.severity = changed[d.code]
        return kept


@record
class Config:
    money_unit: str = "元"  # 元 (Shanghai) or 万元 (Ministry of Finance)
    amount_places: int | None = None  # decimals printed for amounts; by default 2 for 元 and 4 for 万元
    goal_label: str = "预算目标"  # or 预期目标 (Ministry of Finance)
    execution_weight: Decimal = Decimal(10)  # 分值 of the 预算执行率 row
    grade_bands: dict[str, Decimal] = field(
        default_factory=lambda: {"优": Decimal(90), "良": Decimal(80), "中": Decimal(60), "差": Decimal(0)}
    )
    weight_policy: bool = False  # check the first-level weights below (MOF: 产出 50 / 效益 30 / 满意度 10 / 执行率 10)
    category_weights: dict[str, Decimal] = field(
        default_factory=lambda: {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
    )
    funding_rows: tuple[str, ...] = ("total", "appropriation", "carryover", "other")  # the form's 项目资金 rows
    funding_columns: tuple[str, ...] = FUNDS_BLOCK_COLUMNS  # the 项目资金 block's printed columns, in order
    weight_before_target: bool = False  # print 分值 before 年度指标值 in the indicator table (安徽, 宁夏)
    execution_reason_below: Decimal = Decimal(0)  # 执行率 (%) below which 原因 must be written (四川: 90; 0: off)
    execution_reason_length: int = 0  # the most characters 原因 may have (四川: 100; 0: no limit)
    exceed_deduction: Decimal = Decimal(0)  # points lost by an indicator exceeding exceed_ratio × target (0: off)
    report_outline: tuple[str, ...] = REPORT_OUTLINE  # the 绩效自评报告's sections: ## 一、基本情况 …
    # [month, percent] pairs: by the end of that month at least that share of the budget is spent (PD604)
    monitor_thresholds: tuple[tuple[Decimal, Decimal], ...] = (
        (Decimal(4), Decimal(25)),
        (Decimal(6), Decimal(40)),
        (Decimal(8), Decimal(60)),
        (Decimal(10), Decimal(80)),
    )
    execution_caps: tuple[tuple[Decimal, Decimal], ...] = ()  # [rate below %, highest total] pairs (PD310)
    notes_required: tuple[str, ...] = ()  # rows that may not say 无 when points were lost (PD311)
    head_rows: tuple[str, ...] = ()  # rows printed under 项目名称 (项目编码, 项目类别): vocabulary.NOTE_ROWS
    tail_rows: tuple[str, ...] = ()  # rows printed after 总分 (评价结论, 存在问题, 改进措施, 填报人…)
    split_target: bool = False  # print 年度指标值 as 指标性质 / 指标值 / 度量单位 (云南, 四川, 海南)
    completion_column: bool = False  # print 完成率 (actual ÷ target, at most 100 %) after 实际完成值 (海南)
    band_achieved: Decimal = Decimal("0.8")  # a qualitative 达成 scores from 80 % of 分值
    band_partial: Decimal = Decimal("0.6")  # 部分达成 from 60 % (some district templates: 50 %)
    exceed_ratio: Decimal = Decimal("1.3")  # actual ≥ ratio × target suggests the target was set too low
    content_dir: str = "content"
    build_dir: str = "build"
    templates_dir: str = "templates"
    rules: RuleSettings = field(default_factory=RuleSettings)
    project_values: dict[str, object] = field(default_factory=dict)  # as perfdoc.toml wrote them
    profile: str = DEFAULT_PROFILE  # the form's layout and vocabulary: perfdoc/profiles/<name>.toml
    labels: dict[str, str] = field(default_factory=dict)  # printed labels the profile changes (vocabulary.LABELS)
    aliases: dict[str, str] = field(default_factory=dict)  # group names this form writes → the vocabulary's
    root: Path = field(default_factory=Path.cwd)  # the folder holding the config file

    def places(self, money_unit: str | None = None) -> int:
        """Decimals to print for amounts of a form in money_unit (the configured unit when None)."""
        if self.amount_places is not None:
            return self.amount_places
        return 4 if (money_unit or self.money_unit) == "万元" else 2

    def label(self, name: str) -> str:
        return self.labels.get(name, LABELS[name])

    def grade(self, total: Decimal) -> str:
        for name, floor in sorted(self.grade_bands.items(), key=lambda kv: kv[1], reverse=True):
            if total >= floor:
                return name
        return list(self.grade_bands)[-1]


def _read_toml(path: Path) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    from .load import NotARegularFile, read_bounded

    try:
        raw = read_bounded(path, MAX_CONFIG_BYTES)
    except NotARegularFile:
        raise ConfigError(f"{path}: 不是普通文件，无法作为配置文件读取") from None
    except OSError as exc:
        raise ConfigError(f"{path}: 配置文件无法读取：{exc.strerror or exc}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: 配置文件超过 {MAX_CONFIG_BYTES // 1024} KB，不像是 perfdoc 的配置")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: 配置文件不是 UTF-8 编码（可能是 GBK），请在编辑器中以 UTF-8 另存") from None
    try:
        data: dict[str, object] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: 配置文件格式错误（TOML）：{exc}") from None


def find_config(start: Path) -> tuple[Path | None, dict[str, object]]:
    """The nearest perfdoc.toml, or pyproject.toml with [tool.perfdoc], from start upwards."""
    for candidate in config_candidates(start):
        if not candidate.is_file():
            continue
        data = _read_toml(candidate)
        if candidate.name == CONFIG_FILE:
            section = data.get("perfdoc", data)
            return candidate, dict(section) if isinstance(section, dict) else {}
        tool = data.get("tool", {})
        if isinstance(tool, dict) and "perfdoc" in tool:
            return candidate, dict(tool["perfdoc"])
    return None, {}


def config_candidates(start: Path) -> Iterator[Path]:
    """The files find_config looks at, in its order: perfdoc.toml, then pyproject.toml, from start upwards."""
    start = start.resolve()
    for folder in [start, *start.parents]:
        yield folder / CONFIG_FILE
        yield folder / "pyproject.toml"


def load_config(start: Path | None = None, explicit: Path | None = None) -> Config:
    if explicit is not None:
        data = _read_toml(explicit)
        path: Path | None = explicit
        tool = data.get("tool", {})
        section = data.get("perfdoc", tool.get("perfdoc", data) if isinstance(tool, dict) else data)
        values = dict(section) if isinstance(section, dict) else {}
    else:
        path, values = find_config(start or Path.cwd())
    cfg = Config(root=path.parent if path else (start or Path.cwd()).resolve())
    name = values.get("profile", cfg.profile)
    if not isinstance(name, str):
        raise ConfigError(f"{path}: profile 应为表式名称（perfdoc profiles 列出可用的表式）")
    _apply_profile(cfg, name, path)
    _apply(cfg, {k: v for k, v in values.items() if k != "profile"}, path)
    cfg.project_values = dict(values)
    return cfg


def _apply(cfg: Config, values: dict[str, object], path: Path | None) -> None:
    """Set configuration values (from perfdoc.toml or a profile), each checked and named when wrong."""
    known = set(record_fields(Config)) - {"root", "project_values"}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{path}: 未知配置项 {key}（可用：{', '.join(sorted(known))}）")
        if key == "rules":
            cfg.rules = _rule_settings(path, value)
        elif key in ("labels", "aliases"):
            setattr(cfg, key, {**getattr(cfg, key), **_text_table(path, key, value)})
        else:
            setattr(cfg, key, _coerce(path, key, value, getattr(cfg, key)))
    _check_ranges(path, cfg)
    if cfg.money_unit not in ("元", "万元"):
        raise ConfigError(f"{path}: money_unit 只能是 元 或 万元，而不是 {cfg.money_unit}")
    titles = [t for t in SECTION_TITLES["goal"] if not t.isascii()]
    if cfg.goal_label not in titles:
        raise ConfigError(f"{path}: goal_label 只能是 {'、'.join(titles)} 之一，而不是 {cfg.goal_label}")


def _text_table(path: Path | None, key: str, value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ConfigError(f'{path}: [{key}] 应为 名称 = "文字" 的表')
    for name, text in value.items():
        if key == "labels" and name not in LABELS:
            raise ConfigError(f"{path}: [labels] 中没有「{name}」（可用：{'、'.join(LABELS)}）")
        if key == "aliases" and text not in (*HIERARCHY, *ALL_SUBCATEGORIES):
            raise ConfigError(f"{path}: [aliases] 中「{name}」应对应一个一级或二级指标，而不是「{text}」")
        if not text.strip() or text != text.strip() or len(text) > 60 or not text.isprintable():
            raise ConfigError(f"{path}: [{key}] 中「{name}」的文字应为 1 至 60 个可见字符，前后不留空格")
    return dict(value)


# -- profiles: the presets of the form's family, as data ------------------------------------------------------

PACKAGED_PROFILES = Path(__file__).resolve().parent / "profiles"
PROFILE_META = ("title", "follows")  # what a profile says of itself; the rest are configuration values


def profile_path(name: str, root: Path) -> Path | None:
    """A project's own profiles/<name>.toml first, then the packaged one."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    for folder in (root / "profiles", PACKAGED_PROFILES):
        candidate = folder / f"{name}.toml"
        if candidate.is_file():
            return candidate
    return None


def available_profiles(root: Path) -> dict[str, tuple[str, str, Path]]:
    """name → (title, the real form it follows, its file): the packaged ones and the project's own."""
    found: dict[str, tuple[str, str, Path]] = {}
    for folder in (PACKAGED_PROFILES, root / "profiles"):
        if folder.is_dir():
            for p in sorted(folder.glob("*.toml")):
                data = _read_toml(p)
                found[p.stem] = (str(data.get("title", "")), str(data.get("follows", "")), p)
    return found


@lru_cache(maxsize=32)
def _profile_data(path: Path, mtime_ns: int) -> dict[str, object]:
    """A profile file, read once per process while it is unchanged: forms naming their own 表式 reuse it."""
    return _read_toml(path)


def _apply_profile(cfg: Config, name: str, origin: Path | None) -> None:
    found = profile_path(name, cfg.root)
    if found is None:
        known = "、".join(available_profiles(cfg.root))
        raise ConfigError(f"{origin}: 没有表式「{name}」（可用：{known}；项目自己的表式放在 profiles/{name}.toml）")
    data = _profile_data(found, found.stat().st_mtime_ns)
    values = {k: v for k, v in data.items() if k not in PROFILE_META}
    if "profile" in values:
        raise ConfigError(f"{found}: 表式文件中不能再写 profile")
    _apply(cfg, values, found)
    cfg.profile = name


def with_profile(cfg: Config, name: str) -> Config:
    """The configuration of a form that names its own 表式: that profile, with the project's folders, rules and
    explicit settings kept (a department's choices hold for every form it keeps)."""
    if name == cfg.profile:
        return cfg
    other = Config(root=cfg.root)
    _apply_profile(other, name, cfg.root / CONFIG_FILE)
    _apply(other, {k: v for k, v in cfg.project_values.items() if k != "profile"}, cfg.root / CONFIG_FILE)
    other.project_values = cfg.project_values
    return other


def _check_ranges(path: Path | None, cfg: Config) -> None:
    """Values of the right type that no form can use: each named by its key, with what it may be."""
    if cfg.amount_places is not None and not 0 <= cfg.amount_places <= MAX_PLACES:
        raise ConfigError(f"{path}: amount_places 应为 0 至 {MAX_PLACES} 之间的整数，而不是 {cfg.amount_places}")
    if not (cfg.execution_weight.is_finite() and 0 <= cfg.execution_weight <= 100):
        raise ConfigError(f"{path}: execution_weight 应为 0 至 100 之间的数，而不是 {cfg.execution_weight}")
    if not (cfg.exceed_ratio.is_finite() and 1 <= cfg.exceed_ratio <= 1000):
        raise ConfigError(f"{path}: exceed_ratio 应为 1 至 1000 之间的数，而不是 {cfg.exceed_ratio}")
    for name, floor in cfg.grade_bands.items():
        if not name.strip() or len(name) > 10 or not name.isprintable():
            raise ConfigError(f"{path}: grade_bands 的等级名「{name}」应为 1 至 10 个可见字符")
        if not (floor.is_finite() and 0 <= floor <= 100):
            raise ConfigError(f"{path}: grade_bands 中「{name}」的分数线应为 0 至 100 之间的数，而不是 {floor}")
    if not (0 < cfg.band_partial < cfg.band_achieved <= 1):
        raise ConfigError(
            f"{path}: 定性指标档次下限应满足 0 < band_partial < band_achieved ≤ 1"
            f"（如 0.6 与 0.8），而不是 {cfg.band_partial} 与 {cfg.band_achieved}"
        )
    rows = cfg.funding_rows
    unknown = [r for r in rows if r not in FUNDING_ROWS]
    if unknown or rows[:1] != ("total",) or len(set(rows)) != len(rows):
        raise ConfigError(
            f'{path}: funding_rows 应以 "total" 开头，再列出其中各项（可用：{"、".join(FUNDING_ROWS)}），'
            f"不重复，而不是 {list(rows)}"
        )
    columns = cfg.funding_columns
    known = (*FUNDS_BLOCK_COLUMNS, *FUNDS_BLOCK_OPTIONAL)
    if (
        any(c not in known for c in columns)
        or len(set(columns)) != len(columns)
        or not {"budget", "executed"} <= set(columns)
    ):
        raise ConfigError(
            f"{path}: funding_columns 应列出资金栏（可用：{'、'.join(known)}），须有 budget 与 executed，"
            f"不重复，而不是 {list(columns)}"
        )
    if not (cfg.execution_reason_below.is_finite() and 0 <= cfg.execution_reason_below <= 100):
        raise ConfigError(
            f"{path}: execution_reason_below 应为 0 至 100 之间的执行率（%），而不是 {cfg.execution_reason_below}"
        )
    if not 0 <= cfg.execution_reason_length <= 10000:
        raise ConfigError(
            f"{path}: execution_reason_length 应为 0 至 10000 之间的字数，而不是 {cfg.execution_reason_length}"
        )
    if not (cfg.exceed_deduction.is_finite() and 0 <= cfg.exceed_deduction <= 100):
        raise ConfigError(f"{path}: exceed_deduction 应为 0 至 100 之间的分数，而不是 {cfg.exceed_deduction}")
    for month, share in cfg.monitor_thresholds:
        if not (1 <= month <= 12 and 0 <= share <= 100):
            raise ConfigError(
                f"{path}: monitor_thresholds 中的 [{month}, {share}] 应为 [月份（1–12）, 应达到的执行进度（%）]"
            )
    for below, cap in cfg.execution_caps:
        if not (0 < below <= 100 and 0 <= cap <= 100):
            raise ConfigError(
                f"{path}: execution_caps 中的 [{below}, {cap}] 应为 [执行率低于（%）, 总分上限]，均在 0 至 100 之间"
            )
    for key in ("head_rows", "tail_rows", "notes_required"):
        bad = [r for r in getattr(cfg, key) if r not in NOTE_ROWS]
        if bad:
            raise ConfigError(f"{path}: {key} 中没有 {bad}（可用：{'、'.join(NOTE_ROWS)}）")
    for name, weight in cfg.category_weights.items():
        if not (weight.is_finite() and 0 <= weight <= 100):
            raise ConfigError(f"{path}: category_weights 中「{name}」的权重应为 0 至 100 之间的数，而不是 {weight}")
    for key in ("content_dir", "build_dir", "templates_dir"):
        value = getattr(cfg, key)
        if not value.strip() or "\0" in value:
            raise ConfigError(f"{path}: {key} 不能为空")


_SEVERITY_WORDS = {
    "error": Severity.ERROR,
    "错误": Severity.ERROR,
    "warning": Severity.WARNING,
    "警告": Severity.WARNING,
    "info": Severity.INFO,
    "提示": Severity.INFO,
}


def _rule_settings(path: Path | None, value: object) -> RuleSettings:
    from .rules import rule_codes

    if not isinstance(value, dict) or set(value) - {"ignore", "severity"}:
        raise ConfigError(f"{path}: [rules] 只能有 ignore（关闭的规则列表）与 severity（规则 = 级别）两项")
    configurable = rule_codes()

    def code_of(code: object) -> str:
        text = str(code).strip().upper()
        if text not in configurable:
            known = "、".join(sorted(configurable))
            raise ConfigError(
                f"{path}: [rules] 中的 {code!r} 不是可配置的校验规则（读取与结构错误不能关闭；可配置：{known}）"
            )
        return text

    ignore = value.get("ignore", [])
    if not isinstance(ignore, list):
        raise ConfigError(f'{path}: [rules] ignore 应为规则代码的列表，如 ignore = ["PD408"]')
    severity = value.get("severity", {})
    if not isinstance(severity, dict):
        raise ConfigError(f'{path}: [rules] severity 应为 规则 = 级别 的表，如 severity = {{ PD301 = "error" }}')
    levels: dict[str, Severity] = {}
    for code, level in severity.items():
        if not isinstance(level, str) or level.strip().lower() not in _SEVERITY_WORDS:
            raise ConfigError(f"{path}: [rules] severity 中 {code} 的级别应为 error、warning 或 info，而不是 {level!r}")
        levels[code_of(code)] = _SEVERITY_WORDS[level.strip().lower()]
    return RuleSettings(tuple(sorted({code_of(c) for c in ignore})), tuple(sorted(levels.items())))


def _coerce(path: Path | None, key: str, value: object, default: object) -> object:
    try:
        if key in ("execution_caps", "monitor_thresholds"):
            pairs = []
            for pair in value if isinstance(value, list) else [None]:
                if not isinstance(pair, list) or len(pair) != 2:
                    raise TypeError
                if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in pair):
                    raise TypeError
                pairs.append((Decimal(str(pair[0])), Decimal(str(pair[1]))))
            return tuple(pairs)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise TypeError
            return tuple(value)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise TypeError
            return value
        if isinstance(default, Decimal):
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise TypeError
            return Decimal(str(value))
        if default is None or isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            return value
        if isinstance(default, dict):
            if not isinstance(value, dict) or not value:
                raise TypeError
            if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value.values()):
                raise TypeError
            return {str(k): Decimal(str(v)) for k, v in value.items()}
        if not isinstance(value, str):
            raise TypeError
        return value
    except (TypeError, ArithmeticError, ValueError):
        raise ConfigError(f"{path}: 配置项 {key} 的值 {value!r} 类型不对（应与默认值 {default!r} 同类）") from None
