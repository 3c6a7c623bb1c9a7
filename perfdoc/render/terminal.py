"""The year summary as a table for the terminal (`perfdoc summary`), aligned for Chinese text."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config
    from ..summary import Summary


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def terminal_table(summary: Summary, config: Config) -> str:
    from ..summary import view

    v = view(summary, config)
    head = [
        "序号",
        "项目名称",
        "实施单位",
        f"全年预算数（{v['money_unit']}）",
        f"全年执行数（{v['money_unit']}）",
        "执行率",
        "总分",
        "等级",
        "警告",
        "扣分",
    ]
    rows = [
        [
            str(r["no"]),
            r["project"],
            r["unit"],
            r["budget"],
            r["executed"],
            r["execution_rate"],
            r["total_score"],
            r["grade"],
            str(r["warnings"]),
            r["deductions"],
        ]
        for r in v["rows"]
    ]
    rows.append(
        [
            "合计",
            f"{v['count']} 个项目",
            "",
            v["budget"],
            v["executed"],
            v["execution_rate"],
            "",
            "",
            "",
            f"共扣 {v['deducted']} 分" if summary.deducted else "无扣分",
        ]
    )
    numeric = {0, 3, 4, 5, 6, 8}
    widths = [max(_width(r[i]) for r in [head, *rows[:]]) if i != 9 else 0 for i in range(len(head))]
    lines = [f"{summary.year} 年度项目支出绩效自评汇总表"]
    for r in [head, *rows]:
        cells = [_pad(c, widths[i], right=i in numeric and r is not head) if i != 9 else c for i, c in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
    lines.append(f"等级分布：{v['grades']}")
    for item in v["excluded"]:
        lines.append(f"未纳入（有 {item['errors']} 个错误）：{item['source']}")
    return "\n".join(lines)
