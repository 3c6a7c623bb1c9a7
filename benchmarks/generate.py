"""Synthetic assessments for benchmarks and tests: realistic in size and in every scoring case.

Each form has 10–40 indicators spread over the real 一级/二级 hierarchy, long goal and outcome texts with
lists and bold, quantitative targets (positive, reverse, magnifiers, 以上/余 qualifiers), qualitative ones
(achieved by equality, by a stated band), self-assessed deductions with reasons, and figures that add up,
so each one checks clean. Deterministic: the same N and seed give the same files.

    python benchmarks/generate.py 1000 /tmp/forms
"""

from __future__ import annotations

import random
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SUBCATEGORIES = [
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("产出指标", "成本指标"),
    ("效益指标", "经济效益指标"),
    ("效益指标", "社会效益指标"),
    ("效益指标", "生态效益指标"),
    ("效益指标", "可持续影响指标"),
    ("满意度指标", "服务对象满意度指标"),
]
UNITS = ["次", "人", "家", "场", "份", "个", "项", "人次"]
SENTENCE = (
    "根据年初提出的项目计划目标和任务，按照规范的采购项目管理流程，组织各服务单位通力协作，"
    "确保了各项服务工作的安全正常运转，为入驻企业营造良好办公环境提供了坚实的基础保障。"
)


def q(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def weights(n: int, total: int, rng: random.Random) -> list[int]:
    """n positive integer weights adding to total."""
    cuts = sorted(rng.sample(range(1, total), n - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def indicator(k: int, sub: str, weight: int, rng: random.Random) -> tuple[str, Decimal]:
    """One indicator as YAML lines, and the score it gets."""
    case = rng.choice(
        ["positive", "positive", "exceeded", "percent", "reverse", "qualitative", "band", "deduction", "magnifier"]
    )
    name = f"指标{k:02d}{sub[:2]}"
    score = Decimal(weight)
    reason = ""
    if sub == "成本指标":
        case = "reverse"
    if case == "positive":
        t = rng.randint(10, 500)
        unit = rng.choice(UNITS)
        target, actual = f"≥{t}{unit}", f"{t + rng.randint(0, t // 3)}{unit}"
    elif case == "exceeded":
        t = rng.randint(10, 300)
        unit = rng.choice(UNITS)
        target, actual = f"={t}{unit}", f"{t * 2}余{unit}"
    elif case == "percent":
        target, actual = "≥90%", f"{rng.randint(90, 100)}%以上"
    elif case == "reverse":
        t = rng.randint(20, 90)
        target, actual = f"≤{t}万元", f"{t - rng.randint(0, 10)}万元"
    elif case == "qualitative":
        word = rng.choice(["安全", "规范", "良好", "有效", "建立"])
        target, actual = word, word
    elif case == "band":
        target, actual = "与上一年度相比提升", "部分提升"
        score = q(weight * 0.7)
        reason = "部分服务对象需求尚未覆盖，下一年度扩大覆盖范围。"
    elif case == "deduction":
        t = 100
        got = rng.randint(80, 99)
        target, actual = "=100%", f"{got}%"
        score = q(Decimal(got) / t * weight - Decimal("0.5")).max(Decimal(0))
        reason = "受外部因素影响未全部完成，已制定整改计划。"
    else:
        t = rng.randint(10, 60)
        target, actual = f"{t}亿元", f"{t + rng.randint(1, 20)}.{rng.randint(10, 99)}亿"
    lines = [
        f"      - 三级指标: {name}",
        f'        年度指标值: "{target}"',
        f'        实际完成值: "{actual}"',
        f"        分值: {weight}",
    ]
    if case == "band":
        lines.append("        达成情况: 部分达成")
    if score != weight or rng.random() < 0.3:
        lines.append(f"        得分: {score}")
    if reason:
        lines.append(f"        偏差原因分析及改进措施: {reason}")
    return "\n".join(lines), score


def assessment(i: int, rng: random.Random, year: int = 2024) -> str:
    n = rng.randint(10, 40)
    ws = weights(n, 90, rng) if n <= 90 else [1] * n
    budget = q(rng.randint(200_000, 20_000_000))
    executed = q(budget * Decimal(rng.randint(850, 1000)) / 1000)
    groups: dict[tuple[str, str], list[str]] = {}
    total = q(min(executed / budget, Decimal(1)) * 10)
    for k, w in enumerate(ws):
        cat, sub = SUBCATEGORIES[min(k * len(SUBCATEGORIES) // n, len(SUBCATEGORIES) - 1)]
        text, score = indicator(k, sub, w, rng)
        groups.setdefault((cat, sub), []).append(text)
        total += score
    lines = [
        "---",
        f"年度: {year}",
        f"项目名称: 合成项目{i:05d}",
        "主管部门: 某市财政局",
        f"实施单位: 某市第{i % 37 + 1}中心",
        "项目资金:",
        f"  当年财政拨款: {{年初预算数: {budget}, 全年预算数: {budget}, 全年执行数: {executed}}}",
        "绩效指标:",
    ]
    current = ""
    for (cat, sub), items in groups.items():
        if cat != current:
            lines.append(f"  {cat}:")
            current = cat
        lines.append(f"    {sub}:")
        lines.extend(items)
    lines.append(f"总分: {q(total)}")
    lines.append("---")
    goal = "\n\n".join(SENTENCE * rng.randint(1, 3) for _ in range(rng.randint(1, 3)))
    outcome = (
        f"**{i}号项目**全年完成情况如下：\n\n"
        + "\n".join(f"{k}. {SENTENCE}" for k in range(1, rng.randint(3, 7)))
        + "\n\n"
        + SENTENCE * rng.randint(2, 6)
    )
    return "\n".join(lines) + f"\n\n## 预算目标\n\n{goal}\n\n## 实际完成情况\n\n{outcome}\n"


def generate(n: int, folder: Path, seed: int = 20241127) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"form-{i:05d}.md"
        p.write_text(assessment(i, rng), encoding="utf-8")
        paths.append(p)
    return paths


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
