"""XML text and attribute escaping, as xml.sax.saxutils does it.

Kept here because importing xml.sax.saxutils imports urllib.request, http.client and email (about 30 ms), a
cost every command that loads the format registry would pay for three string replacements.
"""

from __future__ import annotations


def escape(data: str) -> str:
    """&, < and > as entities: text between XML tags."""
    return data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(data: str) -> str:
    """An attribute value with its quotes, choosing the quote character as saxutils.quoteattr does."""
    data = escape(data).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in data:
        if "'" in data:
            return '"{}"'.format(data.replace('"', "&quot;"))
        return f"'{data}'"
    return f'"{data}"'
