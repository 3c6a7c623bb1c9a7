"""Diagnostics: what perfdoc reports about a source file, and the catalogue of every code it can report.

Codes are stable: PD1xx reading the file, PD2xx the shape of the data, PD3xx funding and totals,
PD4xx indicators and their scores, PD5xx the collection of files, PD6xx the two stages (plan / assessment),
PD7xx writing the outputs, PD9xx perfdoc's own failures.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str  # Chinese, as shown in docs/rules.md
    rule: str = ""  # the rule in Chinese, for `perfdoc rules`: what is checked and what to do


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: a note (info)

CATALOGUE: dict[str, Code] = {
    c.code: c
    for c in [
        # Reading the file
        Code(
            "PD101",
            E,
            "YAML 语法错误",
            "前置数据须是合法的 YAML：字段名后用半角冒号加空格，缩进用半角空格，特殊字符开头的值加引号",
        ),
        Code(
            "PD102",
            E,
            "缺少 YAML 前置数据（文件须以 --- 开头）",
            "文件以一行 --- 开始前置数据，再以一行 --- 结束，之后是正文",
        ),
        Code("PD103", E, "重复的字段名", "同一层级中每个字段只能写一次（中文标签与英文名指同一字段时也算重复）"),
        Code("PD104", E, "文件不是 UTF-8 编码", "源文件须以 UTF-8 编码保存；GBK 文件请在编辑器中另存为 UTF-8"),
        Code("PD105", E, "文件过大", "源文件不超过 1 MB；一份自评表通常约 30 KB"),
        Code("PD106", E, "嵌套层次过深", "前置数据的嵌套不超过 16 层，超过即视为错误输入"),
        Code(
            "PD107",
            E,
            "文本中含有控制字符",
            "文本中不能有控制字符、行分隔符或 Unicode 非字符（常见于从 PDF、网页复制的文本）",
        ),
        Code("PD108", E, "空文件", "文件须至少包含以 --- 包围的前置数据"),
        Code(
            "PD109",
            E,
            "不支持的 YAML 特性（标签、锚点、别名）",
            "只读取纯数据：不支持 YAML 标签（!tag）、锚点（&）、别名（*）和合并键（<<）",
        ),
        Code("PD110", E, "无法读取文件", "文件须存在且是可读取的普通文件（不读取设备、管道和目录）"),
        Code(
            "PD111", E, "不是有效的 .docx 文件", "导入与审核只接受 Word 2007 及以后的 .docx；旧版 .doc 请先另存为 .docx"
        ),
        Code(
            "PD112",
            E,
            "docx 文件过大（压缩炸弹或超大表格）",
            "docx 解压后、表格行列数与单元格文字都有上限，超出即拒绝读取，以免耗尽时间与内存",
        ),
        Code("PD113", E, "docx 中没有找到自评表", "表格须含“项目名称”及指标或资金栏目，才被当作自评表读取"),
        Code(
            "PD114",
            W,
            "docx 中有无法读取的内容",
            "导入时跳过或改写的内容（控制字符、嵌套表格等）逐项说明，不会悄悄丢失",
        ),
        # Shape of the data
        Code("PD201", E, "缺少必填字段", "年度、项目名称、主管部门、实施单位、绩效指标必须填写，且不能只有空格"),
        Code("PD202", E, "字段类型错误", "每个字段的值须符合其类型：映射、列表或单个值"),
        Code("PD203", E, "未知字段", "字段名须是表上的标签（或其英文名）；拼写相近时给出建议"),
        Code("PD204", E, "未知的一级指标", "一级指标只能是 产出指标、效益指标、满意度指标、成本指标"),
        Code("PD205", E, "未知的二级指标", "二级指标须属于其一级指标，如 数量指标 属于 产出指标"),
        Code(
            "PD206", E, "数值无效", "金额、分值、得分、执行率须是有限的十进制数，不为负，不超过合理范围与 28 位有效数字"
        ),
        Code(
            "PD207",
            E,
            "取值不在允许范围内",
            "阶段、等级、达成情况、指标方向只能取规定的词（等级取配置 grade_bands 中的名称）",
        ),
        Code(
            "PD208",
            W,
            "正文缺少预算目标或实际完成情况",
            "正文须有「## 预算目标」（或预期目标）一节；绩效自评还须有「## 实际完成情况」一节，且不为空",
        ),
        Code("PD209", W, "正文中有未识别的章节", "正文只有预算目标与实际完成情况两节；其他章节不会出现在表中"),
        Code("PD210", W, "正文中的图片不会显示", "表中不嵌入网络图片：图片只显示其说明文字，页面不向外发出请求"),
        # Funding and totals
        Code(
            "PD301",
            W,
            "其中各项之和不等于年度资金总额",
            "年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金，三列各自核对",
        ),
        Code("PD302", W, "全年执行数大于全年预算数", "全年执行数一般不超过全年预算数；执行率得分最多按 100% 计"),
        Code(
            "PD303",
            E,
            "全年预算数为 0 或缺失，无法计算执行率",
            "执行率 = 全年执行数 ÷ 全年预算数，须有不为 0 的全年预算数和全年执行数",
        ),
        Code(
            "PD304",
            E,
            "填写的执行率与计算结果不符",
            "填写的执行率须等于 全年执行数 ÷ 全年预算数，四舍五入到两位小数（或表上印的位数）",
        ),
        Code(
            "PD305",
            E,
            "填写的预算执行得分与计算结果不符",
            "预算执行得分 = min(执行率, 100%) × 分值，四舍五入到两位小数",
        ),
        Code("PD306", E, "填写的总分与计算结果不符", "总分 = 预算执行得分 + 各三级指标得分之和"),
        Code("PD307", E, "分值合计不等于 100", "各三级指标分值之和加预算执行率的分值须等于 100"),
        Code("PD308", E, "填写的等级与总分不符", "等级由总分按配置的分数线确定（默认 优 ≥ 90、良 ≥ 80、中 ≥ 60、差）"),
        Code(
            "PD309",
            W,
            "分值结构不符合财政部权重（产出 50、效益 30、满意度 10、预算执行率 10）",
            "配置 weight_policy = true 时，按财政部权重核对各一级指标的分值合计",
        ),
        # Indicators
        Code("PD401", E, "得分超出 0 至分值的范围", "每个三级指标的得分在 0 与其分值之间"),
        Code("PD402", E, "扣分但未填写偏差原因分析及改进措施", "得分低于分值的指标，须写明偏差原因分析及改进措施"),
        Code("PD403", E, "定量指标未完成却得满分", "定量指标的实际完成值未达到年度指标值时，不能得满分"),
        Code(
            "PD404",
            E,
            "得分高于评分规则允许的分数",
            "定量指标按完成比例计分（正向：实际 ÷ 指标值；反向：超出部分按比例扣分），填写的得分不能高于规则得分",
        ),
        Code(
            "PD405",
            E,
            "定性指标得分高于所属档次",
            "定性指标按档次计分：达成 80%–100%、部分达成 60%–80%、未达成 0–60% 的分值",
        ),
        Code("PD406", W, "定性指标得分低于所属档次", "定性指标的得分低于所注明档次的下限，与档次矛盾"),
        Code(
            "PD407",
            W,
            "年度指标值与实际完成值的计量单位不一致，无法按规则计分",
            "年度指标值与实际完成值按同一计量单位比较（万、亿等数量级会换算）",
        ),
        Code(
            "PD408",
            N,
            "实际完成值远超年度指标值，指标值可能设定偏低",
            "实际完成值达到指标值的 exceed_ratio 倍（默认 1.5 倍）及以上时提示，下一年度宜调整指标值",
        ),
        Code(
            "PD409",
            W,
            "定性指标实际完成值与年度指标值不同，且未注明达成情况",
            "定性指标的实际与目标不同时，须注明达成情况（达成 / 部分达成 / 未达成）以核对档次",
        ),
        Code(
            "PD410",
            E,
            "无法计算得分，须填写得分",
            "无法按规则算出得分的指标（定性档次内、单位不同、非数量），须由评价人填写得分",
        ),
        Code("PD411", W, "实际完成值无法解析为数量", "定量指标（如 ≥400次）的实际完成值也应是数量"),
        # The collection
        Code(
            "PD501", E, "同一年度项目名称重复", "同一年度中项目名称不能重复；已生成过的一份保留其文件，后出现的一份报错"
        ),
        # Stages
        Code(
            "PD601",
            E,
            "绩效目标（预算阶段）中不应填写实际完成值、执行数或得分",
            "声明为绩效目标的文件只填指标、指标值、分值与预算数",
        ),
        Code("PD602", E, "绩效自评缺少实际完成值", "绩效自评中每个三级指标都须有实际完成值"),
        # perfdoc itself and the files it writes
        Code("PD701", E, "无法写入输出文件", "输出目录须可写且有剩余空间；写入失败时原有文件保持不变"),
        Code(
            "PD703",
            N,
            "保留上次生成的文件",
            "表有错误时不生成新文件，上次无错误时生成的文件保留不动（用 --draft 可生成草稿）",
        ),
        Code(
            "PD901",
            E,
            "perfdoc 内部错误",
            "处理此文件时 perfdoc 自身出错；其他文件照常处理。请将此文件与错误信息报告给 perfdoc 维护者",
        ),
    ]
}


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Diagnostic:
    code: str
    message: str
    field: str = ""
    position: Position | None = None
    path: str = ""
    severity: Severity = Severity.ERROR

    @classmethod
    def make(cls, code: str, message: str, field: str = "", position: Position | None = None) -> Diagnostic:
        return cls(code=code, message=message, field=field, position=position, severity=CATALOGUE[code].severity)

    def with_path(self, path: str) -> Diagnostic:
        self.path = path
        return self

    def format(self) -> str:
        line, col = (self.position.line, self.position.column) if self.position else (1, 1)
        where = f"{self.path}:{line}:{col}"
        fld = f" {self.field}:" if self.field else ""
        return f"{where}: {self.severity.value} {self.code}{fld} {self.message}"

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "line": self.position.line if self.position else 1,
            "column": self.position.column if self.position else 1,
            "field": self.field,
            "message": self.message,
        }


class PerfdocError(Exception):
    """Base of every error perfdoc turns into a clean message and an exit code at the CLI edge."""


class ConfigError(PerfdocError):
    """The project configuration (perfdoc.toml / [tool.perfdoc]) is wrong."""


class TemplateError(PerfdocError):
    """A Word or HTML template cannot be read or rendered: the message names the template and the place."""


class SourceError(PerfdocError):
    """A source file cannot be read into data at all; carries the diagnostics that say why."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics
