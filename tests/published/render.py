"""Renders a published form's fixture (tests/published/*.yaml) as the .docx its unit sent: one table laid out
as the fixture's 版式 says (its columns in their order, its labels, merged cells as printed), every cell as
typed, blank cells blank, the rows the published page lost left out.

This is how a reviewer's inbox looks; perfdoc is tested by reading these files, never the fixtures directly.
Only python-docx is used here, so that nothing of perfdoc shapes what it is tested against.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from docx import Document

HERE = Path(__file__).parent


def fixtures() -> list[Path]:
    return sorted(HERE.glob("*.yaml"))


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _text(value: object) -> str:
    return "" if value is None else str(value)


class _Grid:
    """A table of `width` grid columns, filled row by row with (text, span) cells; vertical merges after."""

    def __init__(self, width: int):
        self.width = width
        self.rows: list[list[tuple[str, int]]] = []
        self.vertical: list[tuple[int, int, int]] = []  # (column, first row, last row)

    def add(self, cells: list[tuple[str, int]]) -> int:
        used = sum(span for _, span in cells)
        if used < self.width:  # the last cell runs to the table's right edge, as on printed forms
            text, span = cells[-1]
            cells = [*cells[:-1], (text, span + self.width - used)]
        self.rows.append(cells)
        return len(self.rows) - 1

    def merge_down(self, column: int, first: int, last: int) -> None:
        if last > first:
            self.vertical.append((column, first, last))

    def write(self, doc: Any) -> None:
        table = doc.add_table(rows=len(self.rows), cols=self.width)
        table.style = "Table Grid"
        covered: set[tuple[int, int]] = set()
        for column, first, last in self.vertical:
            covered |= {(r, column) for r in range(first + 1, last + 1)}
        for r, cells in enumerate(self.rows):
            col = 0
            for text, span in cells:
                cell = table.cell(r, col)
                if span > 1:
                    cell = cell.merge(table.cell(r, col + span - 1))
                if (r, col) not in covered:
                    cell.text = text
                col += span
        for column, first, last in self.vertical:
            top = table.cell(first, column)
            top.merge(table.cell(last, column))


def render(fixture: dict[str, Any], out: Path) -> Path:
    """The fixture as the .docx its unit would send: title, 年度, one table."""
    layout = fixture["版式"]
    funds_cols: list[list[str]] = layout["资金栏"]
    fund_rows: list[list[str]] = layout["资金行"]
    ind_cols: list[list[str]] = layout["指标栏"]
    width = max(2 + len(funds_cols), 1 + len(ind_cols), 4)
    doc = Document()
    doc.add_paragraph(layout["表名"])
    doc.add_paragraph(f"（{_text(fixture.get('年度'))}年度）")
    for text in layout.get("表上文字", []):  # 部门：… above the table
        doc.add_paragraph(text)
    grid = _Grid(width)
    grid.add([("项目名称", 2), (_text(fixture.get("项目名称")), width - 2)])
    half = (width - 2) // 2
    grid.add(
        [
            ("主管部门", 2),
            (_text(fixture.get("主管部门")), half - 1 if half > 1 else 1),
            ("实施单位", 1),
            (_text(fixture.get("实施单位")), 1),
        ]
    )
    for label, text in layout.get("表前行", []):  # 项目类别 with its check boxes, 项目编码 …
        grid.add([(label, 2), (text, width - 2)])
    if layout.get("总分在表头"):  # 项目总得分 above the tables (宁夏 forms)
        grid.add([("项目总得分", 2), (_text(fixture.get("总分")), width - 2)])
    funds = fixture.get("项目资金") or {}
    first = grid.add([(layout["资金栏标签"], 1), ("", 1), *[(label, 1) for _, label in funds_cols]])
    for key, label in fund_rows:
        row = funds.get(key) or {}
        grid.add([("", 1), (label, 1), *[(_text(row.get(col)), 1) for col, _ in funds_cols]])
    grid.merge_down(0, first, len(grid.rows) - 1)
    goal = fixture.get("年度总体目标") or {}
    left = (width - 1) // 2
    top = grid.add([("年度总体目标", 1), (layout["目标栏"][0], left), (layout["目标栏"][1], width - 1 - left)])
    grid.add([("", 1), (_text(goal.get("预期目标")), left), (_text(goal.get("实际完成情况")), width - 1 - left)])
    grid.merge_down(0, top, top + 1)
    indicators: list[dict[str, Any]] = fixture.get("绩效指标") or []
    declared = fixture.get("一级指标分值") or {}
    header = grid.add([("绩效指标", 1), *[(label, 1) for _, label in ind_cols]])
    keys = [key for key, _ in ind_cols]
    runs: dict[int, list[int]] = {}  # column → rows where a new 一级 / 二级 value starts
    previous: dict[int, str] = {}
    for ind in indicators:
        cells = []
        r = len(grid.rows)
        for i, key in enumerate(keys, start=1):
            value = _text(ind.get(key))
            if key == "一级指标" and value in declared:
                value = f"{value}（{declared[value]}分）"  # the block's weight printed in its label
            if key in ("一级指标", "二级指标"):
                group = value if key == "一级指标" else f"{ind.get('一级指标')}/{value}"
                if previous.get(i) == group and layout.get("分组") != "每行重复":
                    cells.append(("", 1))  # blank under its first row: merged, or left blank (分组: 留空)
                    continue
                previous[i] = group
                runs.setdefault(i, []).append(r)
            cells.append((value, 1))
        grid.add([("", 1), *cells])
    last = len(grid.rows) - 1
    grid.merge_down(0, header, last)
    for column, starts in runs.items() if layout.get("分组", "合并") == "合并" else ():
        for k, start in enumerate(starts):
            end = starts[k + 1] - 1 if k + 1 < len(starts) else last
            grid.merge_down(column, start, end)
    if layout.get("有总分行"):
        weight_at = keys.index("分值") + 1 if "分值" in keys else None
        score_at = keys.index("得分") + 1
        label_span = min(i for i in (weight_at, score_at) if i is not None)
        cells = [("总分", label_span)]
        for col in range(label_span, width):
            if col == weight_at:
                cells.append((_text(fixture.get("总分行分值")), 1))
            elif col == score_at:
                cells.append((_text(fixture.get("总分")), 1))
            elif col == width - 1 and fixture.get("等级"):
                cells.append((f"等级：{fixture['等级']}", 1))
            else:
                cells.append(("", 1))
        grid.add(cells)
    for cells in layout.get("表后行", []):  # 其他需要说明事项, 审核意见, 联系人 / 电话 …
        grid.add([(text, 2 if i == 0 else 1) for i, text in enumerate(cells)])
    if fixture.get("表末原因"):
        grid.add([("偏差原因分析及改进措施", 3), (_text(fixture["表末原因"]), width - 3)])
    grid.write(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def main() -> None:
    """python tests/published/render.py OUT_DIR: every fixture as a .docx, for trying perfdoc by hand."""
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "published-docx")
    for path in fixtures():
        print(render(load(path), out / f"{path.stem}.docx"))


if __name__ == "__main__":
    main()
