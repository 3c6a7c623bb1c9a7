"""`perfdoc schema` describes the format the seeds are written in; the configuration changes what differs locally."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml

from perfdoc.config import Config, load_config

from .conftest import SEED_FILES, edit


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_schema_has_chinese_titles_and_validates_the_seeds(run_cli):
    res = run_cli("schema")
    assert res.code == 0
    schema = res.json()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["项目名称"]["title"] == "项目名称"
    indicator = schema["properties"]["绩效指标"]["properties"]["产出指标"]["properties"]["数量指标"]["items"]
    assert indicator["properties"]["偏差原因分析及改进措施"]["description"] == "得分低于分值时必填"
    for path in SEED_FILES.values():
        jsonschema.validate(front_matter(path), schema)


def test_schema_rejects_what_check_rejects(run_cli):
    schema = run_cli("schema").json()
    data = front_matter(SEED_FILES["开展科技金融工作及服务"])
    data["绩效指标"]["产出指表"] = data["绩效指标"].pop("产出指标")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_defaults_are_shanghai_practice():
    cfg = Config()
    assert (cfg.money_unit, cfg.goal_label, cfg.execution_weight) == ("元", "预算目标", Decimal(10))
    assert cfg.grade(Decimal("95.99")) == "优"


def test_perfdoc_toml_found_upwards(tmp_path: Path):
    (tmp_path / "perfdoc.toml").write_text(
        'money_unit = "万元"\namount_places = 4\nexecution_weight = 20\n'
        'grade_bands = { "优秀" = 90, "良好" = 75, "合格" = 60, "不合格" = 0 }\n',
        encoding="utf-8",
    )
    sub = tmp_path / "content" / "2021"
    sub.mkdir(parents=True)
    cfg = load_config(sub)
    assert cfg.money_unit == "万元" and cfg.amount_places == 4 and cfg.execution_weight == Decimal(20)
    assert cfg.root == tmp_path.resolve()
    assert cfg.grade(Decimal("80")) == "良好"


def test_pyproject_tool_section(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.perfdoc]\ngoal_label = "预期目标"\nweight_policy = true\n', encoding="utf-8"
    )
    cfg = load_config(tmp_path)
    assert cfg.goal_label == "预期目标" and cfg.weight_policy is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('money_unit = "美元"\n', "money_unit 只能是 元 或 万元"),
        ("unknown_key = 1\n", "未知配置项 unknown_key"),
        ('execution_weight = "十"\n', "配置项 execution_weight"),
        ("money_unit = \n", "配置文件格式错误"),
        # A finding of the attack on perfdoc (#11, item 11): each value is named by its key, never a traceback.
        ("amount_places = -1\n", "amount_places 应为 0 至 6"),
        ("amount_places = 100000\n", "amount_places 应为 0 至 6"),
        ("execution_weight = nan\n", "execution_weight 应为 0 至 100"),
        ("execution_weight = inf\n", "execution_weight 应为 0 至 100"),
        ('grade_bands = { "优" = nan, "差" = 0 }\n', "grade_bands 中「优」的分数线"),
        ('grade_bands = { "优" = "九十", "差" = 0 }\n', "配置项 grade_bands"),
        ("exceed_ratio = 0\n", "exceed_ratio 应为 1 至 1000"),
    ],
)
def test_bad_config_is_a_clear_error(run_cli, tmp_path: Path, text: str, message: str):
    cfg = tmp_path / "perfdoc.toml"
    cfg.write_text(text, encoding="utf-8")
    res = run_cli("--config", cfg, "check", SEED_FILES["开展科技金融工作及服务"])
    assert res.code == 1
    assert message in res.err


def test_execution_weight_20_local_form(run_cli, tmp_path: Path, seed_copy: Path):
    (tmp_path / "perfdoc.toml").write_text("execution_weight = 20\n", encoding="utf-8")
    f = edit(seed_copy / "2020" / "sci-tech-finance.md", "  分值: 10\n", "")
    res = run_cli("--config", tmp_path / "perfdoc.toml", "check", f, "--format", "json")
    codes = {d["code"] for d in res.json()["files"][0]["diagnostics"]}
    assert "PD307" in codes  # indicators still weigh 90: 90 + 20 ≠ 100


def test_ten_thousand_yuan_unit_in_the_form(run_cli, tmp_path: Path):
    from docx import Document

    (tmp_path / "perfdoc.toml").write_text(
        'money_unit = "万元"\namount_places = 4\ngoal_label = "预期目标"\n', encoding="utf-8"
    )
    src = tmp_path / "a.md"
    src.write_text(
        SEED_FILES["开展科技金融工作及服务"]
        .read_text(encoding="utf-8")
        .replace(
            '{年初预算数: 2090000.00, 全年预算数: 2090000.00, 全年执行数: "2,090,000"}',
            "{年初预算数: 209.0000, 全年预算数: 209.0000, 全年执行数: 209.0000}",
        )
        .replace(
            '{年初预算数: "2,090,000.00", 全年预算数: "2,090,000.00", 全年执行数: "2,090,000.00"}',
            "{年初预算数: 209, 全年预算数: 209, 全年执行数: 209}",
        )
        .replace("## 预算目标", "## goal"),  # the English name: the configuration's goal_label is printed
        encoding="utf-8",
    )
    res = run_cli("--config", tmp_path / "perfdoc.toml", "build", src, "--out", tmp_path / "o", "--format", "docx")
    assert res.code == 0, res.err
    info = Document(str(tmp_path / "o" / "2020" / "开展科技金融工作及服务.docx")).tables[0]
    assert info.rows[2].cells[0].text == "项目资金（万元）"
    assert info.rows[3].cells[3].text == "209.0000"
    assert info.rows[7].cells[1].text == "预期目标"


def test_gbk_config_names_the_encoding(run_cli, tmp_path: Path):
    cfg = tmp_path / "perfdoc.toml"
    cfg.write_bytes('goal_label = "预期目标"  # 财政部\n'.encode("gbk"))
    res = run_cli("--config", cfg, "check", SEED_FILES["开展科技金融工作及服务"])
    assert res.code == 1
    assert "不是 UTF-8 编码" in res.err and "GBK" in res.err


def test_config_that_is_not_a_file(run_cli, tmp_path: Path):
    res = run_cli("--config", "/dev/zero", "check", SEED_FILES["开展科技金融工作及服务"])
    assert res.code == 1
    assert "不是普通文件" in res.err


def test_configured_grade_names_can_be_typed(run_cli, tmp_path: Path, seed_copy: Path):
    """grade_bands decide the names 等级 may take: 优秀 is typed where it is configured."""
    (tmp_path / "perfdoc.toml").write_text(
        'grade_bands = { "优秀" = 90, "良好" = 80, "合格" = 60, "不合格" = 0 }\n', encoding="utf-8"
    )
    f = edit(seed_copy / "2020" / "sci-tech-finance.md", "---\n\n", "等级: 优秀\n---\n\n")
    res = run_cli("--config", tmp_path / "perfdoc.toml", "check", f, "--format", "json")
    doc = res.json()["files"][0]
    assert res.code == 0, doc["diagnostics"]
    assert doc["grade"] == "优秀"
    bad = edit(f, "等级: 优秀", "等级: 优")
    res = run_cli("--config", tmp_path / "perfdoc.toml", "check", bad, "--format", "json")
    [d] = [d for d in res.json()["files"][0]["diagnostics"] if d["code"] == "PD207"]
    assert "优秀、良好、合格、不合格" in d["message"]
