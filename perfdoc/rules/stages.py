"""Rules that differ between the plan (绩效目标, at budget time) and the assessment (绩效自评, after the year)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Diagnostic
from ..vocabulary import ASSESSMENT, MONITOR, PLAN
from .base import ASSESSMENT_ONLY, E, RuleContext, W, rule


@rule("PD601", E, "绩效目标（预算阶段）或绩效监控（年中）中不应填写实际完成值、执行数或得分", (PLAN, MONITOR))
def plan_has_no_results(ctx: RuleContext) -> Iterator[Diagnostic]:
    """声明为绩效目标的文件只填指标、指标值、分值与预算数；声明为绩效监控的文件，年中的数字写在「监控」一节与
    各指标的「监控值」中，实际完成值、全年执行数与得分留到年度终了。

    A plan declared as 绩效目标 holds targets and weights only; a file declared 绩效监控 holds its mid-year
    figures in its 监控 block and 监控值: no actuals, executed amounts or scores yet."""
    a = ctx.assessment
    if not a.stage_declared:
        return  # an undeclared file with results is inferred as an assessment, never reaches here
    stage = a.stage_label
    for ind in a.indicators:
        for name, label in (("actual", ctx.label("actual")), ("score", ctx.label("score"))):
            if getattr(ind, name) is not None:
                yield ctx.diag("PD601", f"「{ind.name}」在{stage}阶段不应填写「{label}」", ind, name)
    for row in a.funds.rows.values():
        if row.executed is not None:
            yield ctx.diag(
                "PD601", f"「{ctx.label(row.name)}」在{stage}阶段不应填写{ctx.label('executed')}", row, "executed"
            )
    for node, name, label in (
        (a.funds, "execution_rate", "执行率"),
        (a.funds, "score", "得分"),
        (a, "total_score", "总分"),
        (a, "grade", "等级"),
    ):
        if getattr(node, name) is not None:
            yield ctx.diag("PD601", f"{stage}阶段不应填写「{label}」", node, name)


@rule("PD602", E, "绩效自评缺少实际完成值", ASSESSMENT_ONLY)
def assessment_has_actuals(ctx: RuleContext) -> Iterator[Diagnostic]:
    """绩效自评中每个三级指标都须有实际完成值。

    An assessment (绩效自评) gives every indicator its 实际完成值."""
    for ind in ctx.assessment.indicators:
        if ind.actual is None:
            yield ctx.diag("PD602", f"「{ind.name}」缺少「{ctx.label('actual')}」（绩效自评阶段必填）", ind, "actual")


@rule("PD208", W, "正文缺少预算目标或实际完成情况")
def body_has_both_texts(ctx: RuleContext) -> Iterator[Diagnostic]:
    """正文须有「## 预算目标」（或预期目标）一节；绩效自评还须有「## 实际完成情况」一节，且不为空。

    The body holds the 年度总体目标 texts: ## 预算目标 always, ## 实际完成情况 in an assessment."""
    a = ctx.assessment
    label = a.goal.title if a.goal is not None and a.goal.title else ctx.config.goal_label
    wanted = [(a.goal, label, "年度总体目标")]
    if a.stage == ASSESSMENT:
        wanted.append((a.outcome, "实际完成情况", "年度总体目标的实际完成情况"))
    for section, title, what in wanted:
        if section is None:
            yield ctx.diag("PD208", f"正文缺少「## {title}」一节（{what}）", a)
        elif not section.text.strip():
            # The heading is there: point at it, not at the top of the file.
            yield ctx.in_body("PD208", f"「## {title}」一节为空，请在标题下填写{what}", section)


_IMAGE = re.compile(r"!\[([^\]]*)\]\(")


@rule("PD210", W, "正文中的图片不会显示")
def body_has_no_images(ctx: RuleContext) -> Iterator[Diagnostic]:
    """表中不嵌入网络图片：图片只显示其说明文字，页面不向外发出请求。

    Images in the body are not fetched: the form and its page show their description only."""
    for section in (ctx.assessment.goal, ctx.assessment.outcome):
        if section is None:
            continue
        for number, line in enumerate(section.text.split("\n"), start=section.offset):
            m = _IMAGE.search(line)
            if m:
                yield ctx.in_body(
                    "PD210",
                    f"「## {section.title}」中的图片「{m.group(1)}」不会显示，"
                    "表中只保留其说明文字（页面不联网加载图片）",
                    section,
                    number,
                    m.start() + 1,
                )
