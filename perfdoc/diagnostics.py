"""Diagnostics: what perfdoc reports about a source file, and the catalogue of every code it can report.

Codes are stable: PD1xx reading the file, PD2xx the shape of the data, PD3xx funding and totals,
PD4xx indicators and their scores, PD5xx the collection of files, PD6xx the two stages (plan / assessment).
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


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: a note (info)

CATALOGUE: dict[str, Code] = {
    c.code: c
    for c in [
        # Reading the file
        Code("PD101", E, "YAML 语法错误"),
        Code("PD102", E, "缺少 YAML 前置数据（文件须以 --- 开头）"),
        Code("PD103", E, "重复的字段名"),
        Code("PD104", E, "文件不是 UTF-8 编码"),
        Code("PD105", E, "文件过大"),
        Code("PD106", E, "嵌套层次过深"),
        Code("PD107", E, "文本中含有控制字符"),
        Code("PD108", E, "空文件"),
        Code("PD109", E, "不支持的 YAML 特性（标签、锚点、别名）"),
        Code("PD110", E, "无法读取文件"),
        Code("PD111", E, "不是有效的 .docx 文件"),
        Code("PD112", E, "docx 文件过大（压缩炸弹或超大表格）"),
        Code("PD113", E, "docx 中没有找到自评表"),
        # Shape of the data
        Code("PD201", E, "缺少必填字段"),
        Code("PD202", E, "字段类型错误"),
        Code("PD203", E, "未知字段"),
        Code("PD204", E, "未知的一级指标"),
        Code("PD205", E, "未知的二级指标"),
        Code("PD206", E, "数值无效"),
        Code("PD207", E, "取值不在允许范围内"),
        Code("PD208", W, "正文缺少预算目标或实际完成情况"),
        Code("PD209", W, "正文中有未识别的章节"),
        # Funding and totals
        Code("PD301", W, "其中各项之和不等于年度资金总额"),
        Code("PD302", W, "全年执行数大于全年预算数"),
        Code("PD303", E, "全年预算数为 0 或缺失，无法计算执行率"),
        Code("PD304", E, "填写的执行率与计算结果不符"),
        Code("PD305", E, "填写的预算执行得分与计算结果不符"),
        Code("PD306", E, "填写的总分与计算结果不符"),
        Code("PD307", E, "分值合计不等于 100"),
        Code("PD308", E, "填写的等级与总分不符"),
        Code("PD309", W, "分值结构不符合财政部权重（产出 50、效益 30、满意度 10、预算执行率 10）"),
        # Indicators
        Code("PD401", E, "得分超出 0 至分值的范围"),
        Code("PD402", E, "扣分但未填写偏差原因分析及改进措施"),
        Code("PD403", E, "定量指标未完成却得满分"),
        Code("PD404", E, "得分高于评分规则允许的分数"),
        Code("PD405", E, "定性指标得分高于所属档次"),
        Code("PD406", W, "定性指标得分低于所属档次"),
        Code("PD407", W, "年度指标值与实际完成值的计量单位不一致，无法按规则计分"),
        Code("PD408", N, "实际完成值远超年度指标值，指标值可能设定偏低"),
        Code("PD409", W, "定性指标实际完成值与年度指标值不同，且未注明达成情况"),
        Code("PD410", E, "无法计算得分，须填写得分"),
        Code("PD411", W, "实际完成值无法解析为数量"),
        # The collection
        Code("PD501", E, "同一年度项目名称重复"),
        # Stages
        Code("PD601", E, "绩效目标（预算阶段）中不应填写实际完成值、执行数或得分"),
        Code("PD602", E, "绩效自评缺少实际完成值"),
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


class SourceError(PerfdocError):
    """A source file cannot be read into data at all; carries the diagnostics that say why."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics
