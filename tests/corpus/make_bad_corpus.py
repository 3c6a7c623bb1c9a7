"""Writes tests/corpus/bad/: one malformed source per file, and expected.toml with the code and line each
must be reported at. Run it after changing a case: ``python tests/corpus/make_bad_corpus.py``.

The cases are derived from one small valid assessment (``BASE``) by a single edit each, so every file
shows exactly one mistake a person makes when typing a form by hand.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent / "bad"

BASE = """---
年度: 2021
项目名称: 测试项目
主管部门: 某某局
实施单位: 某某中心
项目资金:
  年度资金总额: {年初预算数: 100, 全年预算数: 100, 全年执行数: 90}
  当年财政拨款: {年初预算数: 100, 全年预算数: 100, 全年执行数: 90}
绩效指标:
  产出指标:
    数量指标:
      - 三级指标: 培训人数
        年度指标值: ≥100人
        实际完成值: 120人
        分值: 50
  满意度指标:
    服务对象满意度指标:
      - 三级指标: 满意度
        年度指标值: ≥90%
        实际完成值: 95%
        分值: 40
---

## 预算目标

目标文字。

## 实际完成情况

完成文字。
"""


def line_replace(lineno: int, new: str) -> str:
    lines = BASE.split("\n")
    lines[lineno - 1] = new
    return "\n".join(lines)


def line_insert(after: int, new: str) -> str:
    lines = BASE.split("\n")
    lines.insert(after, new)
    return "\n".join(lines)


CASES: list[tuple[str, bytes | str, str, int]] = [
    # (file name, content, expected code, expected line)
    ("empty.md", "", "PD108", 1),
    ("whitespace-only.md", "   \n\n\t\n", "PD108", 1),
    ("no-front-matter.md", "# 创业孵化基地运行保障\n\n没有前置数据。\n", "PD102", 1),
    ("front-matter-not-closed.md", BASE.split("\n---\n")[0] + "\n\n## 预算目标\n", "PD102", 1),
    ("yaml-unclosed-flow.md", line_replace(7, "  年度资金总额: {年初预算数: 100, 全年预算数: 100"), "PD101", 8),
    ("yaml-tab-indent.md", line_replace(15, "\t\t分值: 50"), "PD101", 15),
    ("yaml-unquoted-gt.md", line_replace(13, "        年度指标值: >=100人"), "PD101", 13),
    ("yaml-bad-indent.md", line_replace(14, "          实际完成值: 120人"), "PD101", 14),
    ("duplicate-key.md", line_insert(3, "项目名称: 另一个名称"), "PD103", 4),
    ("duplicate-key-alias.md", line_insert(3, "project: 另一个名称"), "PD103", 4),
    ("duplicate-indicator-field.md", line_insert(15, "        分值: 40"), "PD103", 16),
    ("not-utf8-gbk.md", BASE.encode("gb18030"), "PD104", 2),
    ("not-utf8-latin1.md", line_replace(3, "项目名称: caf\udce9").encode("utf-8", "surrogateescape"), "PD104", 3),
    ("control-char-field.md", line_replace(3, "项目名称: 测试\x07项目"), "PD107", 3),
    ("control-char-escaped.md", line_replace(3, '项目名称: "测试\\x1b项目"'), "PD107", 3),
    ("control-char-body.md", BASE.replace("完成文字。", "完成\x0c文字。"), "PD107", 30),
    ("yaml-python-tag.md", line_replace(3, "项目名称: !!python/object/apply:os.system ['echo hi']"), "PD109", 3),
    ("yaml-custom-tag.md", line_replace(4, "主管部门: !dept 某某局"), "PD109", 4),
    (
        "yaml-alias.md",
        line_replace(7, "  年度资金总额: &row {年初预算数: 100, 全年预算数: 100, 全年执行数: 90}").replace(
            "  当年财政拨款: {年初预算数: 100, 全年预算数: 100, 全年执行数: 90}", "  当年财政拨款: *row"
        ),
        "PD109",
        8,
    ),
    (
        "yaml-billion-laughs.md",
        "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n---\n",
        "PD109",
        3,
    ),
    ("yaml-document-end.md", line_replace(3, "项目名称: 测试\n...\n主管: 某"), "PD101", 5),
    ("year-wrong-type-bool.md", line_replace(2, "年度: yes"), "PD206", 2),
    ("key-is-mapping.md", line_insert(2, "? {a: 1}\n: 值"), "PD202", 3),
    ("bom-bad-year.md", "\ufeff" + line_replace(2, "年度: 二〇二一"), "PD206", 2),
    ("crlf-bad-weight.md", line_replace(15, "        分值: 五十").replace("\n", "\r\n"), "PD206", 15),
    ("cr-only-bad-weight.md", line_replace(21, "        分值: abc").replace("\n", "\r"), "PD206", 21),
    ("missing-project.md", line_replace(3, "# 项目名称忘了填"), "PD201", 2),
    ("missing-indicators.md", BASE.split("绩效指标:")[0] + "---\n\n## 预算目标\n\n目标。\n", "PD201", 2),
    ("missing-target.md", line_replace(13, "        # 年度指标值忘了填"), "PD201", 12),
    ("missing-weight.md", line_replace(21, "        # 分值忘了填"), "PD201", 18),
    ("year-is-list.md", line_replace(2, "年度: [2021]"), "PD202", 2),
    (
        "funds-is-text.md",
        BASE.replace(
            "项目资金:\n  年度资金总额: {年初预算数: 100, 全年预算数: 100, 全年执行数: 90}\n"
            "  当年财政拨款: {年初预算数: 100, 全年预算数: 100, 全年执行数: 90}\n",
            "项目资金: 100万元\n",
        ),
        "PD202",
        6,
    ),
    ("score-is-mapping.md", line_insert(15, "        得分: {a: 1}"), "PD202", 16),
    (
        "indicator-is-text.md",
        line_replace(18, "      - 满意度").replace(
            "        年度指标值: ≥90%\n        实际完成值: 95%\n        分值: 40\n", ""
        ),
        "PD202",
        18,
    ),
    (
        "subcategory-empty-list.md",
        line_replace(17, "    服务对象满意度指标: []").replace(
            "      - 三级指标: 满意度\n        年度指标值: ≥90%\n        实际完成值: 95%\n        分值: 40\n", ""
        ),
        # An empty group is a row kept from the blank template, not an error: the 40 points it lost are (PD307).
        "PD307",
        9,
    ),
    ("front-matter-is-list.md", "---\n- 年度: 2021\n- 项目名称: 测试\n---\n", "PD202", 2),
    ("unknown-field.md", line_replace(3, "项目名: 测试项目"), "PD203", 3),
    ("unknown-indicator-field.md", line_insert(15, "        备注: 无"), "PD203", 16),
    ("unknown-category.md", line_replace(10, "  产出指表:"), "PD204", 10),
    ("subcategory-wrong-parent.md", line_replace(17, "    数量指标:"), "PD205", 17),
    ("unknown-subcategory.md", line_replace(11, "    数量指针:"), "PD205", 11),
    ("weight-nan.md", line_replace(15, "        分值: .nan"), "PD206", 15),
    ("weight-infinity.md", line_replace(15, "        分值: Infinity"), "PD206", 15),
    (
        "amount-negative.md",
        line_replace(7, "  年度资金总额: {年初预算数: 100, 全年预算数: -100, 全年执行数: 90}"),
        "PD206",
        7,
    ),
    (
        "amount-absurd.md",
        line_replace(7, "  年度资金总额: {年初预算数: 100, 全年预算数: 100000000000000000000, 全年执行数: 90}"),
        "PD206",
        7,
    ),
    (
        "amount-exponent.md",
        line_replace(8, "  当年财政拨款: {年初预算数: 1e2, 全年预算数: 100, 全年执行数: 90}"),
        "PD206",
        8,
    ),
    ("year-out-of-range.md", line_replace(2, "年度: 1850"), "PD206", 2),
    ("weight-over-100.md", line_replace(15, "        分值: 500"), "PD206", 15),
    ("stage-unknown.md", line_insert(5, "阶段: 中期"), "PD207", 6),
    ("band-unknown.md", line_insert(20, "        达成情况: 很好"), "PD207", 21),
    ("weights-not-100.md", line_replace(21, "        分值: 35"), "PD307", 9),
    ("score-above-weight.md", line_insert(15, "        得分: 60"), "PD401", 16),
    ("deduction-without-reason.md", line_insert(15, "        得分: 45"), "PD402", 16),
    ("computed-deduction-without-reason.md", line_replace(14, "        实际完成值: 80人"), "PD402", 14),
    ("full-marks-missed.md", line_replace(14, "        实际完成值: 80人\n        得分: 50"), "PD403", 15),
    (
        "score-above-rule.md",
        line_replace(14, "        实际完成值: 80人\n        得分: 45\n        偏差原因: 未完成"),
        "PD404",
        15,
    ),
    (
        "qualitative-above-band.md",
        line_replace(19, "        年度指标值: 良好").replace(
            "        实际完成值: 95%",
            "        实际完成值: 一般\n        达成情况: 部分达成\n        得分: 35\n        偏差原因: 改进",
        ),
        "PD405",
        22,
    ),
    (
        "qualitative-no-score.md",
        line_replace(19, "        年度指标值: 良好").replace("        实际完成值: 95%", "        实际完成值: 一般"),
        "PD410",
        20,
    ),
    ("duplicate-section-key-case.md", line_insert(2, "年度: 2022"), "PD103", 3),
    (
        "budget-zero.md",
        line_replace(7, "  年度资金总额: {年初预算数: 0, 全年预算数: 0, 全年执行数: 0}").replace(
            "  当年财政拨款: {年初预算数: 100, 全年预算数: 100, 全年执行数: 90}", "  当年财政拨款: {}"
        ),
        "PD303",
        7,
    ),
    ("typed-total-wrong.md", line_insert(21, "总分: 100"), "PD306", 22),
    ("typed-rate-wrong.md", line_insert(8, "  执行率: 95%"), "PD304", 9),
    ("unit-mismatch.md", line_replace(14, "        实际完成值: 120次"), "PD407", 14),
    ("fullwidth-colon.md", line_replace(4, "主管部门：某某局"), "PD101", 4),
    ("no-space-after-colon.md", line_replace(15, "        分值:50"), "PD101", 15),
    ("plan-with-actual.md", line_insert(5, "阶段: 绩效目标"), "PD601", 7 + 1),
]


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for old in HERE.glob("*.md"):
        old.unlink()
    lines = ["# Generated by make_bad_corpus.py: file = { code, line } that `perfdoc check` must report."]
    for name, content, code, line in CASES:
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (HERE / name).write_bytes(data)
        lines.append(f'"{name}" = {{ code = "{code}", line = {line} }}')
    (HERE / "expected.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
