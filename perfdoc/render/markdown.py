"""The two long texts (预算目标, 实际完成情况) from Markdown into blocks both renderers understand.

markdown-it-py parses; raw HTML in content is never passed through (``html: False``): it stays text. A text with
nothing in it that Markdown could read as markup (most forms' texts: sentences in paragraphs) is cut into its
paragraphs here, to the same blocks and HTML, without markdown-it: importing it takes ~60 ms, as long as
rendering a few forms (tests compare both ways on generated texts).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..record import field, record

if TYPE_CHECKING:  # imported where a parser is made: the format registry loads this module on every build
    from markdown_it import MarkdownIt


@record
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    line_break: bool = False  # a hard line break after this run


@record
class Block:
    kind: str  # "paragraph" or "item"
    runs: list[Run] = field(default_factory=list)
    marker: str = ""  # "1." / "2)" / "•" for list items
    level: int = 0  # list nesting depth, 0 for paragraphs


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Entities stay text: an author who types "&amp;" sees "&amp;", as in every other field of the form.
    # No setext headings: a "---" line under a paragraph is a rule in the text, not a heading of the form.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
        ["entity", "lheading"]
    )
    md.add_render_rule("image", _image_as_text)
    return md


def _image_as_text(self: object, tokens: list[Any], idx: int, options: object, env: object) -> str:
    """Pages are self-contained: an image is shown by its description and never fetched (PD210 says so)."""
    from markupsafe import escape

    token = tokens[idx]
    alt = "".join(child.content for child in (token.children or [])) or token.content
    return f'<span class="image-text">[图片：{escape(alt)}]</span>'


# Anything that can be Markdown syntax in the commonmark preset used here (no tables, no strikethrough, entities
# and setext headings off): emphasis, code spans, links, images, escapes and raw HTML anywhere; headings, quotes,
# rules, fences and lists at a line's start; a whitespace other than the space (tabs make code blocks); spaces
# that begin a line (indented code) or end one (two make a hard break).
_MAY_BE_MARKDOWN = re.compile(r"[\\`*_\[\]<]|[^\S \n]|^ | $|^[#>+=~-]|^[0-9]+[.)]", re.MULTILINE)


def plain_paragraphs(text: str) -> list[list[str]] | None:
    """The paragraphs of a text with no Markdown in it, each as its lines; None when it may have some."""
    if _MAY_BE_MARKDOWN.search(text):
        return None
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line:
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _escape_html(text: str) -> str:
    """As markdown-it escapes text (&, <, > and " only)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@lru_cache(maxsize=4)
def _tokens(text: str) -> tuple[Any, ...]:
    """The text parsed once for both renderers: a form's Word and HTML pages are rendered one after the other
    from the same two texts. Neither renderer changes the tokens."""
    return tuple(parser().parse(text))


def render_html(text: str) -> str:
    """Markdown → HTML with every tag in the content escaped."""
    plain = plain_paragraphs(text)
    if plain is not None:  # a paragraph's lines are joined by soft breaks, which markdown-it writes as newlines
        return "".join(f"<p>{_escape_html(chr(10).join(lines))}</p>\n" for lines in plain)
    md = parser()
    return str(md.renderer.render(list(_tokens(text)), md.options, {}))


def blocks(text: str) -> list[Block]:
    """Paragraphs and list items with bold/italic runs; headings, quotes and code become plain paragraphs."""
    plain = plain_paragraphs(text)
    if plain is not None:
        return [Block("paragraph", _line_runs(lines)) for lines in plain]
    tokens = _tokens(text)
    out: list[Block] = []
    lists: list[list[object]] = []  # stack of [ordered, next number, delimiter]
    pending_marker: str | None = None
    for tok in tokens:
        if tok.type in ("ordered_list_open", "bullet_list_open"):
            start = int(tok.attrGet("start") or 1) if tok.type == "ordered_list_open" else 0
            lists.append([tok.type == "ordered_list_open", start, tok.markup or "."])
        elif tok.type in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif tok.type == "list_item_open":
            ordered, number, delim = lists[-1]
            pending_marker = f"{number}{delim}" if ordered else "•"
            if ordered:
                lists[-1][1] = int(number) + 1  # type: ignore[call-overload]
        elif tok.type == "inline":
            runs = _runs(tok.children or [])
            if pending_marker is not None:
                out.append(Block("item", runs, pending_marker, len(lists)))
                pending_marker = None
            else:
                out.append(Block("paragraph", runs, "", len(lists)))
        elif tok.type in ("fence", "code_block"):
            out.append(Block("paragraph", [Run(tok.content.rstrip("\n"))]))
    return out


def _runs(children: list[Any]) -> list[Run]:
    runs: list[Run] = []
    bold = italic = False
    for child in children:
        t = child.type
        if t == "strong_open":
            bold = True
        elif t == "strong_close":
            bold = False
        elif t == "em_open":
            italic = True
        elif t == "em_close":
            italic = False
        elif t in ("text", "code_inline", "html_inline"):
            if child.content:
                runs.append(Run(child.content, bold, italic))
        elif t == "hardbreak":
            if runs:
                runs[-1].line_break = True
            else:
                runs.append(Run("", line_break=True))
        elif t == "softbreak":
            _soft_break(runs, bold, italic)
        elif t == "image":
            runs.append(Run(child.content or "", bold, italic))
    return runs


def _soft_break(runs: list[Run], bold: bool = False, italic: bool = False) -> None:
    """A line wrapped in the source: Chinese text joins without a space, Latin words with one."""
    prev = runs[-1].text[-1:] if runs else ""
    if prev.isascii() and prev.isalnum():
        runs.append(Run(" ", bold, italic))


def _line_runs(lines: list[str]) -> list[Run]:
    """A plain paragraph's runs, as markdown-it's tokens give them: each line, with a soft break between."""
    runs: list[Run] = []
    for i, line in enumerate(lines):
        if i:
            _soft_break(runs)
        runs.append(Run(line))
    return runs


def plain_text(text: str) -> str:
    """The text a reader sees, for tests and summaries."""
    return "\n".join((b.marker + " " if b.marker else "") + "".join(r.text for r in b.runs) for b in blocks(text))
