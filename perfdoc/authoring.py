"""Authoring commands: `new` (an empty form to fill), `init` (a project), `rollover` (next year's plan).

These are the only commands besides `import` that write into a project, and they only ever create files:
an existing file is never overwritten.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

from .config import CONFIG_FILE, Config
from .diagnostics import PerfdocError
from .emit import source_text
from .load import CONTROL
from .model import Assessment
from .numbers import round2
from .scoring import Result
from .vocabulary import FUNDING_ROW_KEYS, HIERARCHY
from .write import safe_filename, write_atomic

NEW_FORM = """---
# {title}。字段说明与示例见 docs/format.md；能算出的数（执行率、得分、总分、等级）不必填写。
# 值以 > | * & ! % @ 开头时须加引号，如 ">=400次"；也可以用全角比较符 ≥ ≤，不必加引号。
年度: {year}                          # 评价年度
项目名称: {project}                   # 与预算批复一致
主管部门:                             # 如：上海市科学技术委员会
实施单位:                             # 如：上海市科技创业中心
# 阶段: 绩效目标                      # 绩效目标（预算阶段）或 绩效自评；不填时按是否有实际完成值判断
{profile_line}

项目资金:                             # 单位：{unit}
{funding_lines}
  # 分值: {weight}                     # 预算执行率的分值，默认 {weight}

绩效指标:                             # 一级：{categories}；分值合计 + 执行率分值 = 100
  产出指标:                           # 二级：{output_subs}
    数量指标:
      - 三级指标:                     # 如：孵化基地零星修建改造完成率
        年度指标值:                   # 如：=100%、≥400次、≤30万元、40亿元、安全
        实际完成值:                   # 年度终了后填写，如：100%、731次、1000余次、安全
        分值:                         # 如：5（可为小数 12.5）
        # 得分:                       # 可不填，按评分规则计算；自评扣分时填写
        # 偏差原因分析及改进措施:     # 得分低于分值时必填
        # 达成情况:                   # 定性指标：达成 / 部分达成 / 未达成
  效益指标:                           # 二级：{effect_subs}
    社会效益指标:
      - 三级指标:                     # 如：保障基地安全
        年度指标值:                   # 如：安全
        实际完成值:
        分值:
  满意度指标:
    服务对象满意度指标:
      - 三级指标:                     # 如：入驻人员满意度
        年度指标值:                   # 如：≥90%
        实际完成值:
        分值:
---

## {goal_label}

## 实际完成情况
"""

CONFIG_TEMPLATE = """# perfdoc 项目配置。表式（profile）给出本地表的标签与计分参数，perfdoc profiles 列出可用的表式；
# 下面注释掉的是该表式的取值，本单位做法不同时去掉 # 改写即可（写了的项以此处为准）。
profile = "{profile}"          # {title}
# money_unit = "{money_unit}"              # 元 或 万元
# goal_label = "{goal_label}"         # 预算目标、预期目标、年初设定目标……
# execution_weight = {execution_weight}          # 预算执行率分值
# weight_policy = false          # true：按表式的一级指标权重（默认财政部 产出50/效益30/满意度10/执行率10）检查
# exceed_ratio = 1.3             # 实际 ≥ 1.3 倍指标值时提示指标值可能偏低
# grade_bands = {{ "优" = 90, "良" = 80, "中" = 60, "差" = 0 }}
content_dir = "content"
build_dir = "build"
templates_dir = "templates"
# [rules]                      # 关闭校验规则或改变级别（可配置的规则见 perfdoc rules）
# ignore = ["PD408"]
# severity = {{ PD301 = "error" }}
"""


def new_form(
    config: Config, name: str | None, year: int, folder: Path | None = None, profile: str | None = None
) -> Path:
    """content/<year>/<name>.md with every field present and commented, ready to fill; in another profile than
    the project's when asked (the file then names it: 表式: sichuan)."""
    from .config import with_profile

    own = with_profile(config, profile) if profile else config
    if own.profile != config.profile:
        profile_line = f"表式: {own.profile}                      # 本表的表式（与项目配置不同）"
    else:
        profile_line = (
            f"# 表式: {own.profile}                    # 本表的表式；不写时取项目配置（perfdoc profiles 列出可用的）"
        )
    project = (name or "").strip()
    if CONTROL.search(project) or any(ch in project for ch in "\t\n\r"):  # a name is one line
        raise PerfdocError("项目名称不能含换行、制表符或其他控制字符")
    if not 1990 <= year <= 2100:
        raise PerfdocError(f"年度应为 1990 至 2100 之间的四位年份，而不是 {year}")
    target_dir = folder or (config.root / config.content_dir / str(year))
    target = target_dir / f"{safe_filename(project or '新项目')}.md"
    text = NEW_FORM.format(
        year=year,
        project=yaml_scalar(project),
        title=own.label("title"),
        funding_lines=_funding_lines(own),
        profile_line=profile_line,
        unit=own.money_unit,
        weight=own.execution_weight,
        goal_label=own.goal_label,
        categories=" ".join(HIERARCHY),
        output_subs=" ".join(HIERARCHY["产出指标"]),
        effect_subs=" ".join(HIERARCHY["效益指标"]),
    )
    _create(target, text)
    return target


def _funding_lines(config: Config) -> str:
    """The 项目资金 rows of the form's profile, the total and the first part with their three amounts."""
    amounts = "{年初预算数: , 全年预算数: , 全年执行数: }"
    notes = ["   # 可不填：由其中各项相加", "   # 如：{年初预算数: 7300000, 全年预算数: 7300000}"]
    lines = []
    for i, name in enumerate(config.funding_rows):
        key = FUNDING_ROW_KEYS[name]
        lines.append(f"  {key}: {amounts}{notes[i]}" if i < len(notes) else f"  {key}: {{}}")
    return "\n".join(lines)


def yaml_scalar(text: str) -> str:
    """A value for a YAML line as perfdoc's loader reads it: plain when it reads back as itself, else quoted
    (a name such as `a: b`, `#1 项目`, `[x]` or `'` would otherwise break the file or lose its end)."""
    import json

    import yaml

    if not text:
        return ""
    try:
        plain = yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        plain = False
    if plain and "#" not in text and text == text.strip():
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def init_project(folder: Path, templates: bool, profile: str = "shanghai") -> list[Path]:
    """perfdoc.toml naming its profile, content/, .gitignore for build/, and with templates=True a copy of the
    templates (the profile's own where it has them)."""
    from .config import available_profiles, with_profile
    from .render.templates import PACKAGED_TEMPLATES

    preset = with_profile(Config(root=folder.resolve()), profile)
    title = available_profiles(folder.resolve())[profile][0]
    created = []
    config = folder / CONFIG_FILE
    _create(
        config,
        CONFIG_TEMPLATE.format(
            profile=profile,
            title=title,
            money_unit=preset.money_unit,
            goal_label=preset.goal_label,
            execution_weight=preset.execution_weight,
        ),
    )
    created.append(config)
    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    created.append(content)
    ignore = folder / ".gitignore"
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.is_file() else []
    if "build/" not in lines:
        write_atomic(ignore, ("\n".join([*lines, "build/"]) + "\n").encode("utf-8"))
        created.append(ignore)
    if templates:
        dst = folder / "templates"
        dst.mkdir(exist_ok=True)
        chosen: dict[str, Path] = {}  # file name → the profile's own template, else the packaged default
        for src_dir in (PACKAGED_TEMPLATES / "profiles" / profile, PACKAGED_TEMPLATES):
            if src_dir.is_dir():
                for src in sorted(src_dir.iterdir()):
                    if src.is_file() and src.suffix in (".docx", ".j2", ".css", ".js"):
                        chosen.setdefault(src.name, src)
        for name, src in sorted(chosen.items()):
            if not (dst / name).exists():
                shutil.copyfile(src, dst / name)
                created.append(dst / name)
    return created


def targets_to_review(result: Result, exceed_ratio: Decimal) -> list[str]:
    """This year's targets that next year's plan should not copy unthinkingly: far exceeded (set too low:
    raise them) and missed (justify keeping them, or change them)."""
    out = []
    for r in result.indicators:
        ind = r.indicator
        if r.exceeds(exceed_ratio) and r.ratio is not None:
            out.append(
                f"「{ind.name}」上年实际 {ind.actual}，是指标值 {ind.target} 的 {round2(r.ratio)} 倍：建议提高指标值"
            )
        elif r.achieved is False:
            out.append(f"「{ind.name}」上年未完成（指标值 {ind.target}，实际 {ind.actual}）：请说明理由或调整指标值")
    return out


def rollover(a: Assessment, year: int, target: Path, review: list[str] | None = None) -> Path:
    """Next year's plan from this year's assessment: same project, units, indicators, targets and weights;
    no actuals, scores, reasons, bands or amounts. A new file: this year's stays as it is. The targets to
    review (targets_to_review) are written as comments at its top."""
    data: dict[str, Any] = {"年度": year, "项目名称": a.project, "主管部门": a.department, "实施单位": a.unit}
    if a.profile:
        data["表式"] = a.profile
    if a.money_unit:
        data["金额单位"] = a.money_unit
    data["阶段"] = "绩效目标"
    data["项目资金"] = {FUNDING_ROW_KEYS[name]: {} for name in a.funds.rows}
    if a.funds.weight is not None:  # typed by the author (the model holds no configured default)
        data["项目资金"]["分值"] = a.funds.weight
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for ind in a.indicators:
        item: dict[str, Any] = {"三级指标": ind.name, "年度指标值": ind.target}
        if ind.direction:
            item["指标方向"] = ind.direction
        item["分值"] = ind.weight if ind.weight is not None else Decimal(0)
        groups.setdefault(ind.category, {}).setdefault(ind.subcategory, []).append(item)
    for _, category, subcategory in a.empty_groups:  # groups the form keeps empty stay in next year's plan
        groups.setdefault(category, {}).setdefault(subcategory, [])
    data["绩效指标"] = groups
    goal = a.goal.text if a.goal else ""
    note = f"{year} 年度绩效目标，由 perfdoc rollover 自 {Path(a.path).as_posix()} 生成：请核对指标值与分值，填写预算数"
    if review:
        note += "\n需要复核的指标值：\n" + "\n".join(f"- {line}" for line in review)
    _create(target, source_text(data, goal, "", note))
    return target


def rollover_target(source: Path, year: int, old_year: int | None) -> Path:
    """content/2020/x.md → content/2021/x.md; a file outside a year folder gets the year in its name."""
    if old_year is not None and source.parent.name == str(old_year):
        return source.parent.parent / str(year) / source.name
    return source.with_name(f"{source.stem}-{year}{source.suffix}")


def _create(path: Path, text: str) -> None:
    if path.exists():
        raise PerfdocError(f"{path} 已存在，未覆盖")
    write_atomic(path, text.encode("utf-8"))
