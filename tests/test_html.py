"""The HTML form pages and the index, loaded in headless Chromium."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import CONTENT, perfdoc_ok
from .realtools import pdf_pages

SEEDS = {
    "创业孵化基地运行保障": ("99.94%", "9.99", "95.99"),
    "开展科技金融工作及服务": ("100.00%", "10", "100"),
    "中国创新创业大赛（上海赛区）": ("100.00%", "10", "92"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    perfdoc_ok("build", CONTENT, "--out", out, "--format", "docx,html")
    return out


def open_page(browser, path: Path):
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on(
        "request", lambda r: problems.append(f"request: {r.url}") if not r.url.startswith(("file:", "data:")) else None
    )
    page.goto(path.as_uri())
    return page, problems


def test_index_lists_every_form_and_sorts(browser, site):
    page, problems = open_page(browser, site / "index.html")
    rows = page.locator("#assessments tbody tr")
    assert rows.count() == 3
    names = lambda: page.locator("#assessments tbody tr td:nth-child(2)").all_inner_texts()  # noqa: E731
    assert set(names()) == set(SEEDS)
    text = page.inner_text("#assessments")
    for rate, _, total in SEEDS.values():
        assert rate in text and total in text
    assert "7,300,000.00" in text and "7,295,544.00" in text
    page.click("#assessments th:nth-child(7) button")  # 总分
    assert names() == ["中国创新创业大赛（上海赛区）", "创业孵化基地运行保障", "开展科技金融工作及服务"]
    assert page.get_attribute("#assessments th:nth-child(7)", "aria-sort") == "ascending"
    page.click("#assessments th:nth-child(7) button")
    assert names() == ["开展科技金融工作及服务", "创业孵化基地运行保障", "中国创新创业大赛（上海赛区）"]
    page.click("#assessments th:nth-child(2) button")  # 项目名称, collated as Chinese
    assert len(names()) == 3
    links = page.locator("#assessments a[href$='.html']").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert sorted(links) == sorted(f"2020/{quote(p)}.html" for p in SEEDS)
    assert page.locator("#assessments a[href$='.docx']").count() == 3
    assert page.locator("svg").count() == 3
    assert "能源保障稳定性" in page.inner_text(".charts")
    assert problems == []


@pytest.mark.parametrize("project", list(SEEDS))
def test_form_page_shows_the_form(browser, site, project, tmp_path):
    rate, exec_score, total = SEEDS[project]
    page, problems = open_page(browser, site / "2020" / f"{project}.html")
    assert page.inner_text("#project") == project
    assert page.inner_text("#execution-rate") == rate
    assert page.inner_text("#execution-score") == exec_score
    assert page.inner_text("#total-score") == total
    assert page.locator("h1").inner_text() == "财政项目支出绩效自评表"
    # 一级 cells span their groups, as on the Word form
    spans = page.locator("td.category").evaluate_all("els => els.map(e => [e.innerText, e.rowSpan])")
    assert [s[0] for s in spans] == ["产出指标", "效益指标", "满意度指标"]
    assert sum(s[1] for s in spans) == page.locator("tr.indicator").count()
    assert page.locator("#goal p").count() >= 1
    pdf = tmp_path / "print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    assert 1 <= pdf_pages(pdf) <= 2
    assert problems == []


def test_incubator_banner_shows_the_funding_warning(browser, site):
    page, _ = open_page(browser, site / "2020" / "创业孵化基地运行保障.html")
    banner = page.locator(".banner")
    assert "PD301" in banner.inner_text() and "7,500,000.00" in banner.inner_text()
    index, _ = open_page(browser, site / "index.html")
    assert "PD301" in index.locator("#assessments").inner_html()


def test_hostile_content_is_inert(browser, run_cli, tmp_path):
    hostile = "<script>alert(1)</script> {{ 7*7 }} &amp; <img src=x onerror=alert(2)>"
    src = tmp_path / "h.md"
    q = hostile.replace('"', '\\"')
    src.write_text(
        f'---\n年度: 2021\n项目名称: "{q}"\n主管部门: "{q}"\n实施单位: 中心\n'
        "项目资金:\n  年度资金总额: {全年预算数: 100, 全年执行数: 100}\n"
        f'绩效指标:\n  产出指标:\n    质量指标:\n      - {{三级指标: "{q}", 年度指标值: 安全, 实际完成值: 安全, 分值: 90,'
        f' 偏差原因分析及改进措施: "{q}"}}\n'
        f"---\n\n## 预算目标\n\n{hostile}\n\n## 实际完成情况\n\n{hostile}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    res = run_cli("build", src, "--out", out, "--format", "html")
    assert res.code == 0, res.err
    [form] = list((out / "2021").glob("*.html"))
    page, problems = open_page(browser, form)
    assert page.inner_text("#project") == hostile
    assert page.inner_text("#goal") == hostile and page.inner_text("#outcome") == hostile
    assert page.locator("td.name").inner_text() == hostile and page.locator("td.reason").inner_text() == hostile
    assert page.locator("main script, main img").count() == 0
    index, index_problems = open_page(browser, out / "index.html")
    assert hostile in index.inner_text("#assessments")
    assert problems == [] and index_problems == []


def test_two_builds_give_identical_html(run_cli, tmp_path):
    digests = []
    for name in ("a", "b"):
        assert run_cli("build", CONTENT, "--out", tmp_path / name, "--format", "html").code == 0
        digests.append(
            {
                p.relative_to(tmp_path / name).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((tmp_path / name).rglob("*.html"))
            }
        )
    assert digests[0] == digests[1] and len(digests[0]) == 4


def test_pages_are_self_contained(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in html and "<link" not in html
        assert "<script src" not in html


def test_failed_form_listed_on_index_without_page(run_cli, seed_copy, tmp_path):
    from .conftest import edit

    edit(seed_copy / "2020" / "sci-tech-finance.md", "总分: 100", "总分: 99")
    out = tmp_path / "o"
    assert run_cli("build", seed_copy, "--out", out, "--format", "html").code == 1
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "未生成：1 个错误" in html and "PD306" in html
    assert not (out / "2020" / "开展科技金融工作及服务.html").exists()


def test_the_index_charts_of_many_forms_show_the_ones_to_look_at(tmp_path):
    """Past 40 bars a chart would be thousands of pixels tall: it shows the 40 lowest totals and rates and the
    40 largest deductions, lowest (or largest) first, and says how many there are; the table lists every form."""
    import re
    from decimal import Decimal

    from benchmarks.generate import generate
    from perfdoc.build import build
    from perfdoc.config import Config
    from perfdoc.render.html import CHART_BARS

    generate(60, tmp_path / "src")
    result = build([tmp_path / "src"], Config(), ("html",), tmp_path / "out", jobs=1)
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="chart"><figcaption>(.*?)</figcaption>(.*?)</figure>', page, re.S)
    assert len(figures) == 3
    shown = [d for d in result.digests if d.ok and d.total_score is not None]
    deductions = sorted((x.points for d in shown for x in d.deductions), reverse=True)
    (totals_title, totals), (rates_title, _rates), (deductions_title, bars) = figures
    assert totals_title == f"总分：最低的 {CHART_BARS} 份（共 {len(shown)} 份，全部见下方表格）"
    assert rates_title.startswith(f"预算执行率：最低的 {CHART_BARS} 份")
    assert deductions_title == f"扣分明细（分）：最多的 {CHART_BARS} 项（共 {len(deductions)} 项，全部见下方表格）"
    scores = [Decimal(t) for t in re.findall(r'<text class="value"[^>]*>([0-9.]+)</text>', totals)]
    assert scores == sorted(d.total_score for d in shown)[:CHART_BARS]
    points = [Decimal(t) for t in re.findall(r'<text class="value"[^>]*>−([0-9.]+)</text>', bars)]
    assert points == deductions[:CHART_BARS]
    assert page.count('<tr class="') >= len(result.digests)  # every form still has its row
