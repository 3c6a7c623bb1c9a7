"""The long texts' Markdown: a text with no markup in it is cut into paragraphs without markdown-it, to exactly
what markdown-it gives (blocks for Word, HTML for the page); anything that may be markup goes to markdown-it."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from perfdoc.render import markdown
from perfdoc.render.markdown import blocks, plain_paragraphs, render_html

from .conftest import ROOT, SEED_FILES


def _through_markdown_it(text: str) -> tuple[list[markdown.Block], str]:
    """What the two renderers get when the text is parsed by markdown-it whatever it holds."""
    original = markdown.plain_paragraphs
    try:
        markdown.plain_paragraphs = lambda _text: None  # type: ignore[assignment]
        return blocks(text), render_html(text)
    finally:
        markdown.plain_paragraphs = original


# What form texts are made of: Chinese and Latin words, digits, Chinese and ASCII punctuation, spaces and line
# breaks; and, rarely, characters that can be Markdown, and other whitespace.
PIECES = st.sampled_from(
    ["项目", "完成", "100", "99.94%", "2020年", "1）", "（一）", "，", "。", "：", "；", "“好”", "\"q\"", "'", "Word",
     "abc", "x1", " ", "  ", "\n", "\n\n", "\n\n\n", "1.", "2)", "3. ", "*", "**", "_", "`", "#", "- ", "+ ",
     "> ", "<b>", "&amp;", "[a](b)", "!", "\\", "~", "=", "|", "\t", "\u3000", "\u00a0", "    ", "---", "(c)",
     "http://x.cn", ":", "@", "$", "%", "^", "{", "}"]
)  # fmt: skip


# Pieces that are text wherever they stand, but for the line starts and the spaces around line breaks.
TEXT_PIECES = st.sampled_from(
    ["项目", "完成", "100", "99.94%", "2020年", "1）", "（一）", "，", "。", "：", "“好”", "\"q\"", "Word", "x1", "3+X",
     "a&b", "&amp;", "a > b", "!", "|", "=", "~", "#1", "a-b", " ", "\n", "\n\n", "1.5", "(c)", "http://x.cn"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_plain_texts_come_out_as_markdown_it_makes_them(text: str):
    if plain_paragraphs(text) is not None:
        assert (blocks(text), render_html(text)) == _through_markdown_it(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(TEXT_PIECES, max_size=40).map("".join))
def test_texts_of_words_and_punctuation_come_out_as_markdown_it_makes_them(text: str):
    if plain_paragraphs(text) is not None:
        assert (blocks(text), render_html(text)) == _through_markdown_it(text)


def test_what_may_be_markdown_goes_to_markdown_it():
    for text in (
        "**重点**",
        "1. 第一",
        "2) 第二",
        "- 项",
        "# 标题",
        "> 引",
        "a  \nb",
        "\tcode",
        "　全角缩进",
        "<i>",
        "`x`",
        "a\\*",
    ):
        assert plain_paragraphs(text) is None, text
    assert plain_paragraphs("第一段\n续行\n\n\n第二段\n") == [["第一段", "续行"], ["第二段"]]
    assert plain_paragraphs("") == [] and blocks("") == [] and render_html("") == ""


def test_the_seed_texts_are_plain_and_render_as_before():
    from perfdoc.load import read_file

    for path in SEED_FILES.values():
        for section in read_file(path).sections:
            assert plain_paragraphs(section.text) is not None, (path, section.title)
            assert (blocks(section.text), render_html(section.text)) == _through_markdown_it(section.text)


def test_a_build_of_plain_forms_never_imports_markdown_it(tmp_path):
    """The example project's texts are plain: its build does not pay for markdown-it's import."""
    code = (
        "import sys\nfrom perfdoc.cli import main\n"
        f"try:\n    main(['build', {str(ROOT / 'content')!r}, '--out', {str(tmp_path)!r}, '-j', '1'])\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "print('markdown_it' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "False", done.stdout + done.stderr
