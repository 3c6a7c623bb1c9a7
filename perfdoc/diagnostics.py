"""Diagnostics: what perfdoc reports about a source file, and the catalogue of every code it can report.

Each code is declared once: the fixed ones below, each validation rule's beside its check (``rules.base.rule``).

Codes are stable: PD1xx reading the file, PD2xx the shape of the data, PD3xx funding and totals,
PD4xx indicators and their scores, PD5xx the collection of files, PD6xx the two stages (plan / assessment),
PD7xx writing the outputs, PD9xx perfdoc's own failures.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from .record import record
from .source import Locus, Position, SourceMap


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


class Code(NamedTuple):
    code: str
    severity: Severity
    title: str  # Chinese, as shown in docs/rules.md
    rule: str = ""  # the rule in Chinese, for `perfdoc rules`: what is checked and what to do


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: a note (info)

# The codes said by the readers, the parser, the build and perfdoc itself. The validation rules declare their
# own codes where they are written (``perfdoc.rules``); ``perfdoc.rules.catalogue()`` joins the two.
CODES: dict[str, Code] = {
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
        Code("PD209", W, "正文中有未识别的章节", "正文只有预算目标与实际完成情况两节；其他章节不会出现在表中"),
        Code(
            "PD211",
            W,
            "执行率写成了小数，已按百分数理解",
            "执行率写百分数（95.8%）；不带百分号且不大于 1 的数（0.958）按小数理解为 95.8%，并提示",
        ),
        # Reading a Word form as a reviewer does: what was assumed, skipped or missing is said, never silent
        Code(
            "PD115",
            W,
            "读取 Word 表时所作的理解",
            "表上不规范但意思明确的写法（金额中写了单位、繁体字或夹注拼音的标签、指标分组名称的错字）按所示理解，并逐项说明",
        ),
        Code(
            "PD116",
            N,
            "Word 表中未识别的栏目，已略过",
            "自评表之外的栏目（指标值设置依据、佐证资料等）与无法归入任何字段的行，读取时略过并指明所在位置",
        ),
        Code(
            "PD117",
            W,
            "Word 表在总分之前结束",
            "表格没有总分一行（页面被截断、表未填完）：能算的数字照算，总分与分值合计不作结论",
        ),
        # The collection
        Code(
            "PD501", E, "同一年度项目名称重复", "同一年度中项目名称不能重复；已生成过的一份保留其文件，后出现的一份报错"
        ),
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


_RULE_CODES: dict[str, Code] = {}  # filled by perfdoc.rules as each rule is declared


def register(code: Code) -> None:
    """Declare a rule's code (called by the ``rule`` decorator): one declaration, no second list."""
    if code.code in CODES or code.code in _RULE_CODES:
        raise ValueError(f"{code.code} is declared twice")
    _RULE_CODES[code.code] = code


def declared() -> dict[str, Code]:
    """The fixed codes and those of the rules declared so far (``perfdoc.rules.catalogue`` declares them all)."""
    return {**CODES, **_RULE_CODES}


def code_info(code: str) -> Code:
    found = CODES.get(code) or _RULE_CODES.get(code)
    if found is None:
        raise KeyError(f"{code} is not declared (a rule's code is declared by importing its module)")
    return found


@record(slots=True)  # slots: a build keeps every form's diagnostics, a thousand forms' worth
class Diagnostic:
    """One finding. It names a logical place (``locus``: a raw path, or a line in a body section) when it is
    made; the reader's source map turns that into ``position`` before it is shown (``resolve``)."""

    code: str
    message: str
    field: str = ""
    position: Position | None = None
    path: str = ""
    severity: Severity = Severity.ERROR
    locus: Locus | None = None

    @classmethod
    def make(
        cls, code: str, message: str, field: str = "", position: Position | None = None, locus: Locus | None = None
    ) -> Diagnostic:
        return cls(code, message, field, position, severity=code_info(code).severity, locus=locus)

    def with_path(self, path: str) -> Diagnostic:
        self.path = path
        return self

    def resolve(self, source_map: SourceMap) -> Diagnostic:
        """Placed once: the logical place is then let go (a build keeps every form's diagnostics)."""
        if self.position is None and self.locus is not None:
            self.position, self.locus = source_map.locate(self.locus), None
        return self

    def format(self) -> str:
        where = (self.position or Position(1, 1)).where(self.path)
        fld = f" {self.field}:" if self.field else ""
        return f"{where}: {self.severity.value} {self.code}{fld} {self.message}"

    def as_json(self) -> dict[str, object]:
        at = self.position or Position(1, 1)
        out: dict[str, object] = {
            "code": self.code,
            "severity": self.severity.value,
            "line": at.line,
            "column": at.column,
            "field": self.field,
            "message": self.message,
        }
        if at.table is not None:
            out["table"] = at.table
        return out


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
