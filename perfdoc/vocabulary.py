"""The form's vocabulary, in one place: every label, group name, section title and choice word.

The parser reads source keys through it, the importer reads Word forms' cells through it, ``perfdoc new``
writes its skeleton from it, the JSON Schema and the tables of docs/format.md are generated from it. A word
added here is understood by all of them; a province's vocabulary is a change of this data, not of code.

Two kinds of words live here: the **source vocabulary** (the keys authors write in YAML: the form's own
labels plus English names and accepted aliases) and the **printed-form vocabulary** (what the cells of
published forms say, with the synonyms real forms use, for the importer).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

# -- values the model holds ---------------------------------------------------------------------------------

PLAN = "plan"  # 绩效目标: budget time, targets and weights only
MONITOR = "monitor"  # 绩效监控: mid-year, amounts and values to date (a 监控 block), no actuals or scores
ASSESSMENT = "assessment"  # 绩效自评: after the year, with actuals and scores
STAGE_LABELS = {PLAN: "绩效目标", MONITOR: "绩效监控", ASSESSMENT: "绩效自评"}

ACHIEVED = "达成"
PARTIAL = "部分达成"
MISSED = "未达成"
BAND_LABELS = {
    ACHIEVED: "达成年度指标",
    PARTIAL: "部分达成年度指标并具有一定效果",
    MISSED: "未达成年度指标且效果较差",
}

POSITIVE = "正向"
REVERSE = "反向"

GRADE_NAMES = ("优", "良", "中", "差")  # the default grade_bands; a project may configure its own names

# Choice words as authors write them → the value the model holds.
STAGE_WORDS = {
    "绩效目标": PLAN,
    "目标": PLAN,
    "预算": PLAN,
    "plan": PLAN,
    "绩效监控": MONITOR,
    "监控": MONITOR,
    "monitor": MONITOR,
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
# The 绩效运行监控表's lists: why an indicator lags, and whether its target will still be met.
CAUSE_WORDS = {w: w for w in ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")} | {
    "经费": "经费保障",
    "制度": "制度保障",
    "人员": "人员保障",
    "硬件": "硬件条件保障",
}
LIKELIHOOD_WORDS = {w: w for w in ("确定能", "有可能", "完全不可能")}


# What a qualitative actual value says on its own (scoring infers the band from it: 已完成 is 达成).
ACHIEVED_WORDS = {
    "达成",
    "已达成",
    "完成",
    "已完成",
    "达到",
    "已达到",
    "符合",
    "满足",
    "是",
    "全部完成",
    "实现",
    "已实现",
}
PARTIAL_WORDS = {"部分达成", "部分完成", "基本达成", "基本完成", "部分实现", "基本实现", "基本符合", "基本满足"}
PARTIAL_PREFIXES = ("部分", "基本", "部分地", "初步")
MISSED_PREFIXES = ("未", "没有", "未能", "不")
MISSED_WORDS = {"未达成", "未完成", "未达到", "不符合", "未实现", "否", "没有完成"}

# Reverse indicators written without ≤ (a bare `1%` target on 投诉率 means "at most").
REVERSE_NAME_HINTS = (
    "投诉率",
    "差错率",
    "事故",
    "发生率",
    "超支",
    "违规",
    "失误率",
    "故障率",
    "返工率",
    # kept within a plan or a ceiling: 人员控制率 92 % of 100 %, 预算调整率 0 % against 3 %, 结转结余率, 变动率
    "控制率",
    "调整率",
    "结余率",
    "变动率",
)


# -- the source vocabulary: keys of the front matter ------------------------------------------------------------


class FieldSpec(NamedTuple):
    name: str  # English name (glossary), the model's attribute
    label: str  # the form's label, the key authors write
    kind: str  # text / year / amount / decimal / rate / choice / funds / indicators / row
    description: str
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.label, self.name, *self.aliases)


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
        "绩效目标（预算阶段，只填指标、指标值、分值）、绩效监控（年中，有「监控」一节）或 绩效自评（年度终了后）；"
        "不填时由内容推断",
        choices=tuple(STAGE_WORDS),
    ),
    FieldSpec("profile", "表式", "text", "本表所用的表式（如 sichuan）；不填时取配置 profile，默认 shanghai"),
    FieldSpec("funds", "项目资金", "funds", "项目资金：年度资金总额及其中各项的年初预算数、全年预算数、全年执行数"),
    FieldSpec("indicators", "绩效指标", "indicators", "绩效指标：一级指标 → 二级指标 → 三级指标列表"),
    FieldSpec(
        "monitoring",
        "监控",
        "monitoring",
        "绩效运行监控（年中）：截至日期与截至该日的执行数；各指标另填 监控值、全年预计 等",
    ),
    FieldSpec("total_score", "总分", "decimal", "总分（可不填，由 perfdoc 计算；填写时校验）"),
    FieldSpec(
        "block_weights",
        "一级指标分值",
        "weights",
        "表上一级指标标注的分值（产出指标(40分)），如 {产出指标: 40, 效益指标: 40}：与其下三级指标分值之和核对",
    ),
    # Rows some forms carry around the two tables (a profile's head_rows / tail_rows print them).
    FieldSpec("project_code", "项目编码", "note", "项目编码（如 46000021T000000002749），表头印出时填写"),
    FieldSpec("project_category", "项目类别", "note", "项目类别（部门预算 / 专项 / 转移支付）或项目属性"),
    FieldSpec("other_matters", "其他需要说明事项", "note", "其他需要说明事项"),
    FieldSpec("conclusion", "评价结论", "note", "评价结论（四川等）"),
    FieldSpec("problems", "存在问题", "note", "存在问题"),
    FieldSpec("improvements", "改进措施", "note", "改进措施"),
    FieldSpec("leader", "项目负责人", "note", "项目负责人"),
    FieldSpec("finance_leader", "财务负责人", "note", "财务负责人"),
    FieldSpec("filled_by", "填报人", "note", "填报人"),
    FieldSpec("phone", "联系电话", "note", "联系电话", aliases=("联系方式",)),
    FieldSpec("filled_on", "填报日期", "note", "填报日期"),
    FieldSpec(
        "grade",
        "等级",
        "choice",
        "等级 优/良/中/差（可不填，由总分计算；填写时校验）",
        choices=GRADE_NAMES,
    ),
]
REQUIRED_TOP = ("year", "project", "department", "unit")

ROW_FIELDS = [
    FieldSpec("initial_budget", "年初预算数", "amount", "年初预算数"),
    FieldSpec("budget", "全年预算数", "amount", "全年预算数（含年中调整），执行率的分母"),
    FieldSpec("executed", "全年执行数", "amount", "全年执行数"),
]
FUNDING_COLUMNS = {spec.name: spec.label for spec in ROW_FIELDS}
# The columns of the printed 项目资金 block, in the default form's order; a profile may print fewer (no 年初预算数:
# 安徽, 宁夏; no 分值 / 得分 where execution carries no points: 宁夏) or add 四川's 原因.
FUNDS_BLOCK_COLUMNS = ("initial_budget", "budget", "executed", "weight", "execution_rate", "score")
FUNDS_BLOCK_OPTIONAL = ("execution_reason",)
FUNDS_BLOCK_LABELS = {"score": "execution_score"}  # the printed label of a block column named otherwise

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
    # Rows of other provinces' forms (海南, 四川): a profile names the rows its form has (funding_rows).
    FieldSpec("fiscal", "财政资金", "row", "财政资金（海南、四川）"),
    FieldSpec("special", "财政专户管理资金", "row", "财政专户管理资金（海南、四川）"),
    FieldSpec("unit_funds", "单位资金", "row", "单位资金（海南、四川）"),
    FieldSpec("central", "中央补助", "row", "其中：中央补助（宁夏）", aliases=("中央补助资金",)),
    FieldSpec("local", "地方补助", "row", "其中：地方补助（宁夏印作 自治区补助）", aliases=("自治区补助", "省级补助")),
    FieldSpec("weight", "分值", "decimal", "预算执行率的分值（默认取配置 execution_weight，上海为 10）"),
    FieldSpec("execution_rate", "执行率", "rate", "执行率（可不填，由 全年执行数 ÷ 全年预算数 计算；填写时校验）"),
    FieldSpec("score", "得分", "decimal", "预算执行得分（可不填；填写时校验）"),
    FieldSpec("reason", "原因", "text", "执行率偏低的原因（四川：执行率低于 90% 时须写明，不超过 100 字）"),
]
# The funding rows as the form prints them.
FUNDING_ROWS = {
    "total": "年度资金总额",
    "appropriation": "其中：当年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
    "fiscal": "财政资金",
    "special": "财政专户管理资金",
    "unit_funds": "单位资金",
    "central": "其中：中央补助",
    "local": "地方补助",
}
# What forms write where a reason or a problem should be stated, and that states none.
NOTHING_SAID = {"", "无", "暂无", "没有", "无问题", "/", "／", "—", "——", "-", "0"}
# -- the 绩效自评报告: its outline and the figures its prose may name -----------------------------------------
# The Ministry of Finance's reference outline; a profile may set its own (report_outline).
REPORT_OUTLINE = (
    "一、基本情况",
    "二、评价工作开展情况",
    "三、综合评价情况及评价结论",
    "四、绩效评价指标分析",
    "五、主要经验做法、存在问题及原因",
    "六、有关建议",
    "七、其他需要说明的问题",
)
# {{ 名称 }} in a report section: filled from the form, so that the report can never contradict it.
REPORT_PLACEHOLDERS = {
    "年度": "评价年度",
    "项目名称": "项目名称",
    "主管部门": "主管部门",
    "实施单位": "实施单位",
    "全年预算数": "年度资金总额的全年预算数（带金额单位）",
    "全年执行数": "年度资金总额的全年执行数（带金额单位）",
    "执行率": "预算执行率（如 99.94%）",
    "执行得分": "预算执行得分",
    "分值合计": "分值合计",
    "总分": "总分",
    "等级": "等级",
    "扣分表": "扣分情况表（单独一行）：每个扣分的指标及其分值、得分、扣分与原因",
}
DEFAULT_PROFILE = "shanghai"  # the seed's form: perfdoc/profiles/shanghai.toml
DEFAULT_FUNDING_ROWS = ("total", "appropriation", "carryover", "other")  # the MOF form's; a profile may differ
FUNDING_ROW_KEYS = {s.name: s.label for s in FUNDS_FIELDS if s.kind == "row"}  # as a source writes them

INDICATOR_FIELDS = [
    FieldSpec("indicator", "三级指标", "text", "三级指标名称", aliases=("指标名称",)),
    FieldSpec(
        "target",
        "年度指标值",
        "text",
        "年度指标值，按表上写法：=100%、≥400次、≤30万元、40亿元、安全",
        aliases=("指标值", "预期指标值"),
    ),
    FieldSpec(
        "nature",
        "指标性质",
        "text",
        "年度指标值拆为三栏的表（云南、四川、海南）：≥ ≤ = 或 定性；与「指标值」「度量单位」合为年度指标值",
    ),
    FieldSpec("unit", "度量单位", "text", "年度指标值拆为三栏时的单位，如 次、%、万元", aliases=("计量单位",)),
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
    FieldSpec("explanation", "指标解释", "text", "绩效目标申报表：指标的含义与计算方法"),
    FieldSpec(
        "standard", "评（扣）分标准", "text", "绩效目标申报表：评分或扣分的标准", aliases=("评分标准", "扣分标准")
    ),
    FieldSpec("to_date", "监控值", "text", "绩效监控：截至监控日的完成值，如 320人", aliases=("截至目前完成值",)),
    FieldSpec("expected", "全年预计", "text", "绩效监控：预计全年完成值", aliases=("全年预计完成值",)),
    FieldSpec(
        "cause",
        "偏差原因类别",
        "choice",
        "绩效监控：完成进度落后的原因：经费保障、制度保障、人员保障、硬件条件保障、其他",
        choices=tuple(CAUSE_WORDS),
    ),
    FieldSpec(
        "likelihood",
        "完成可能性",
        "choice",
        "绩效监控：完成年度目标的可能性：确定能、有可能、完全不可能",
        choices=tuple(LIKELIHOOD_WORDS),
        aliases=("完成目标可能性",),
    ),
    FieldSpec("remedy", "纠偏措施", "text", "绩效监控：偏差的纠正措施"),
    FieldSpec("category", "一级指标", "text", "一级指标（仅在平铺列表写法中使用）"),
    FieldSpec("subcategory", "二级指标", "text", "二级指标（仅在平铺列表写法中使用）"),
]

CHOICE_WORDS = {
    "stage": STAGE_WORDS,
    "achievement": BAND_WORDS,
    "direction": DIRECTION_WORDS,
    "cause": CAUSE_WORDS,
    "likelihood": LIKELIHOOD_WORDS,
}
MONITOR_FIELDS = [
    FieldSpec("as_of", "截至", "date", "监控截至日期，如 2020-07-31（也可写 2020年7月31日）", aliases=("截至日期",)),
    FieldSpec("executed", "执行数", "amount", "截至该日年度资金总额的执行数", aliases=("截至执行数",)),
]

# 一级指标 → its 二级指标 (docs/scoring.md); 成本指标 also stands as a 一级指标 on forms after 2021.
HIERARCHY: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "环境效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
}
ALL_SUBCATEGORIES = frozenset(s for subs in HIERARCHY.values() for s in subs)

# The two texts of the form, by the titles a source's ## headings and a printed form's cells give them.
SECTION_TITLES: dict[str, tuple[str, ...]] = {
    "long_term": ("中长期目标", "长期目标", "中长期绩效目标"),  # printed on the 绩效目标申报表
    "goal": ("预算目标", "预期目标", "年度目标", "年初设定目标", "年度绩效目标", "绩效目标", "总体目标", "goal"),
    "outcome": (
        "实际完成情况",
        "完成情况",
        "完成情况综述",
        "实际完成",
        "全年实际完成情况",
        "全年完成情况",
        "年度总体目标完成情况",
        "总体目标完成情况",
        "目标完成情况",
        "年度目标完成情况",
        "outcome",
    ),
}
SECTION_HEADINGS = {"long_term": "中长期目标", "goal": "预算目标", "outcome": "实际完成情况"}  # what perfdoc writes


NOTE_ROWS = {s.name: s.label for s in TOP_FIELDS if s.kind == "note"}  # the rows around the tables


def _index(specs: list[FieldSpec]) -> dict[str, FieldSpec]:
    return {key: spec for spec in specs for key in spec.keys}


TOP_KEYS, FUNDS_KEYS, ROW_KEYS, INDICATOR_KEYS, MONITOR_KEYS = (
    _index(s) for s in (TOP_FIELDS, FUNDS_FIELDS, ROW_FIELDS, INDICATOR_FIELDS, MONITOR_FIELDS)
)


def field_spec(specs: list[FieldSpec], name: str) -> FieldSpec:
    return next(s for s in specs if s.name == name)


def known_keys() -> frozenset[str]:
    """Every key the format knows, in every accepted spelling: the loader's hints use them."""
    specs = [*TOP_FIELDS, *FUNDS_FIELDS, *ROW_FIELDS, *INDICATOR_FIELDS, *MONITOR_FIELDS]
    return frozenset({key for s in specs for key in s.keys} | set(HIERARCHY) | ALL_SUBCATEGORIES)


# -- the labels perfdoc prints: the default (Shanghai) form's; a profile replaces any of them -----------------

LABELS: dict[str, str] = {
    "title": "财政项目支出绩效自评表",
    "funds": "项目资金",
    **FUNDING_COLUMNS,  # 年初预算数 / 全年预算数 / 全年执行数
    "weight": "分值",
    "execution_rate": "执行率",
    "score": "得分",
    **FUNDING_ROWS,  # the rows as the form prints them
    "execution_score": "得分",  # the 项目资金 block's (县级 20 + 80: 得分(20分*执行率)); "score" is the indicators'
    "execution_reason": "原因",
    "overall_goal": "年度总体目标",
    "outcome": "实际完成情况",
    "indicators": "绩效指标",
    "category": "一级指标",
    "subcategory": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "nature": "指标性质",
    "unit": "度量单位",
    "actual": "实际完成值",
    "completion": "完成率",
    "deviation_reason": "偏差原因分析及改进措施",
    "total_score": "总分",
    "grade": "等级",
}
LABEL_NAMES = tuple(LABELS)


# -- the printed-form vocabulary: what the cells of published forms say -------------------------------------------


class Words(NamedTuple):
    """A label as forms print it: one of ``exact`` words, or any label containing one of ``within``.

    Labels are compared after the importer's normalisation (NFKC, no spaces, no 「(50分)」 decoration).
    """

    exact: tuple[str, ...] = ()
    within: tuple[str, ...] = ()

    def match(self, label: str) -> bool:
        return label in self.exact or any(w in label for w in self.within)

    def shown(self) -> str:
        return "、".join([*self.exact, *(f"含“{w}”" for w in self.within)])


# The head of the form: 项目名称, 主管部门, 实施单位 and their printed variants.
HEAD_WORDS = {
    "project": Words(("项目名称",)),
    "department": Words(("主管部门", "预算主管部门", "主管单位")),
    "unit": Words(("实施单位", "项目实施单位", "执行单位")),
}
# The label of the funding block, which carries its unit.
FUNDS_BLOCK = Words(("资金(万元)", "资金(元)"), ("项目资金", "资金情况", "资金构成", "预算执行情况", "资金来源"))

# Columns of the funding block, tried in this order.
FUND_COLUMN_WORDS = {
    "initial_budget": Words(("预算数(年初)",), ("年初预算",)),
    "budget": Words(
        ("预算数", "调整后预算数", "全年预算数", "调整预算数", "调整后预算", "全年(调整)预算数"), ("全年预算",)
    ),
    "executed": Words(within=("执行数", "实际支出")),
    "weight": Words(("分值", "权重", "分值权重", "执行率权重", "执行率分值")),
    # 得分 before 执行率: 执行率得分 (重庆) is the score, not the rate
    "score": Words(("得分", "执行率得分"), ("得分(",)),  # 得分(20分*执行率) on 县级 forms
    "rate": Words(within=("执行率",)),
    "reason": Words(("原因", "偏差原因", "未完成原因", "执行偏差原因")),
}
# Rows of the funding block, tried in this order (结转 before 财政拨款: 上年结转的财政拨款 is a carry-over).
FUND_ROW_WORDS = {
    "carryover": Words(within=("结转", "结余")),
    "other": Words(("其他", "其中:其他"), ("其他资金", "自筹")),
    "appropriation": Words(within=("财政拨款",)),
    "total": Words(("合计", "总计"), ("资金总额",)),
    "special": Words(within=("财政专户",)),
    "unit_funds": Words(("单位资金", "其中:单位资金")),
    "fiscal": Words(("财政资金", "其中:财政资金")),
    "central": Words(within=("中央补助",)),
    "local": Words(("自治区补助", "地方补助", "省级补助", "其中:自治区补助", "其中:地方补助")),
}
# Columns of the indicator block, tried in this order.
INDICATOR_COLUMN_WORDS = {
    "category": Words(("一级指标",)),
    "subcategory": Words(("二级指标",)),
    "name": Words(("三级指标", "指标名称", "三级指标名称", "指标内容", "具体指标")),
    "nature": Words(("指标性质", "指标方向", "比较符")),
    "unit": Words(("度量单位", "计量单位", "单位")),
    "target": Words(
        (
            "年度指标值",
            "指标值",
            "预期指标值",
            "年度目标值",
            "目标值",
            "年初目标值",
            "年初指标值",
            "全年指标值",
            "预期值",
            "计划值",
            "计划指标值",
            "年度计划值",
        )
    ),
    "actual": Words(
        (
            "实际完成值",
            "全年实际值",
            "实际值",
            "完成值",
            "全年完成值",
            "实际完成情况",
            "全年实际完成值",
            "实际完成",
            "实际完成指标值",
        )
    ),
    "completion": Words(("完成率", "指标完成率", "完成比例")),
    "weight": Words(("分值", "权重", "分值权重", "参考分值", "权重分值", "指标分值", "指标权重")),
    "score": Words(("得分", "自评得分", "评分", "实际得分", "指标得分")),
    "reason": Words(within=("原因", "改进措施")),
}
TOTAL_WORDS = Words(("总分", "合计", "总计", "总分值", "综合得分", "总得分", "项目总得分", "自评总分"))
GRADE_WORDS = frozenset({*GRADE_NAMES, "优秀", "良好", "合格", "不合格", "及格", "不及格"})
SECTION_WORDS = {kind: Words(titles) for kind, titles in SECTION_TITLES.items()}


# -- generated documentation -----------------------------------------------------------------------------------


def _j(words: Iterable[str]) -> str:
    return "、".join(words)


def markdown_tables() -> str:
    """The vocabulary as the tables of docs/format.md (a test keeps that file equal to this)."""
    lines = ["| 一级指标 | 二级指标 |", "| --- | --- |"]
    lines += [f"| {cat} | {'、'.join(subs)} |" for cat, subs in HIERARCHY.items()]
    lines += ["", "| 正文章节 | 可用的标题 |", "| --- | --- |"]
    lines += [
        f"| {SECTION_HEADINGS[kind]} | {'、'.join(t for t in titles if not t.isascii())} |"
        for kind, titles in SECTION_TITLES.items()
    ]
    lines += ["", "| 取值 | 可写的词 |", "| --- | --- |"]
    lines += [
        f"| 阶段 | {'、'.join(w for w in STAGE_WORDS if not w.isascii())} |",
        f"| 达成情况 | {'、'.join(w for w in BAND_WORDS if not w.isascii())} |",
        f"| 指标方向 | {'、'.join(w for w in DIRECTION_WORDS if not w.isascii())} |",
        f"| 等级（默认） | {'、'.join(GRADE_NAMES)} |",
        f"| 定性指标实际完成值：视为达成 | {'、'.join(sorted(ACHIEVED_WORDS))}，或与年度指标值相同 |",
        f"| 定性指标实际完成值：部分达成 | {_j(sorted(PARTIAL_WORDS))}，或指标值前加 {_j(PARTIAL_PREFIXES)} |",
        f"| 定性指标实际完成值：未达成 | {_j(sorted(MISSED_WORDS))}，或指标值前加 {_j(MISSED_PREFIXES)} |",
        f"| 按反向指标计分的指标名称 | 含 {'、'.join(REVERSE_NAME_HINTS)}（或二级、一级指标含“成本”） |",
    ]
    lines += ["", "| 字段 | 英文名 | 也可写作 |", "| --- | --- | --- |"]
    for specs in (TOP_FIELDS, FUNDS_FIELDS, ROW_FIELDS, INDICATOR_FIELDS):
        lines += [f"| {s.label} | {s.name} | {'、'.join(s.aliases) or '—'} |" for s in specs]
    lines += ["", "导入 Word 表时识别的栏目名（比较前去掉空格与“(50分)”等注记）：", ""]
    lines += ["| 栏目 | 表上的写法 |", "| --- | --- |"]
    named = {
        **{f"表头·{k}": w for k, w in HEAD_WORDS.items()},
        **{f"资金列·{k}": w for k, w in FUND_COLUMN_WORDS.items()},
        **{f"资金行·{k}": w for k, w in FUND_ROW_WORDS.items()},
        **{f"指标列·{k}": w for k, w in INDICATOR_COLUMN_WORDS.items()},
        "总分行": TOTAL_WORDS,
    }
    lines += [f"| {name} | {words.shown()} |" for name, words in named.items()]
    return "\n".join(lines) + "\n"


# -- the JSON Schema of the front matter -----------------------------------------------------------------------


def json_schema() -> dict[str, object]:
    """A JSON Schema (draft 2020-12) of the front matter, titles and descriptions in Chinese."""

    def props(specs: list[FieldSpec], skip: tuple[str, ...] = ()) -> dict[str, object]:
        out: dict[str, object] = {}
        for s in specs:
            if s.name in skip:
                continue
            node: dict[str, object] = {"title": s.label, "description": s.description}
            node.update(_json_type(s))
            for key in s.keys:
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
    for s in FUNDS_FIELDS:
        if s.kind == "row":
            for key in s.keys:
                funds_props[key] = {**row, "title": s.label, "description": s.description}
    categories = {
        cat: {
            "type": "object",
            "title": cat,
            "additionalProperties": False,
            "properties": {sub: {"type": "array", "title": sub, "items": indicator} for sub in subs},
        }
        for cat, subs in HIERARCHY.items()
    }
    top = props(TOP_FIELDS, skip=("funds", "indicators", "monitoring"))
    for key in field_spec(TOP_FIELDS, "monitoring").keys:
        top[key] = {
            "type": "object",
            "title": "监控",
            "additionalProperties": False,
            "properties": props(MONITOR_FIELDS),
        }
    for key in field_spec(TOP_FIELDS, "funds").keys:
        top[key] = {"type": "object", "title": "项目资金", "additionalProperties": False, "properties": funds_props}
    for key in field_spec(TOP_FIELDS, "indicators").keys:
        top[key] = {"type": "object", "title": "绩效指标", "additionalProperties": False, "properties": categories}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://perfdoc.invalid/schema/assessment.json",
        "title": "财政项目支出绩效自评表",
        "description": "perfdoc 源文件的 YAML 前置数据",
        "type": "object",
        "additionalProperties": False,
        "required": [
            *(field_spec(TOP_FIELDS, n).label for n in REQUIRED_TOP),
            field_spec(TOP_FIELDS, "indicators").label,
        ],
        "properties": top,
    }


def _json_type(s: FieldSpec) -> dict[str, object]:
    if s.kind == "year":
        return {"type": ["integer", "string"], "minimum": 1990, "maximum": 2100}
    if s.kind in ("amount", "decimal", "rate"):
        return {"type": ["number", "string", "null"]}
    if s.kind == "choice":
        return {"enum": list(s.choices)}
    if s.kind == "date":
        return {"type": "string"}
    if s.kind == "weights":
        return {"type": "object", "additionalProperties": {"type": ["number", "string"]}}
    return {"type": ["string", "number", "null"]}
