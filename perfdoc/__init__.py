"""perfdoc: 财政项目支出绩效自评表 from Markdown — validated, scored and rendered."""

__version__ = "0.1.0"
