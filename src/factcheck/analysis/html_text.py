"""Turn pasted or fetched HTML into plain text the segmenter can read.

Blocks become paragraphs separated by one blank line; scripts, styles and attributes never survive.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never readable text (and may be hostile).
_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
     "title", "select", "textarea", "canvas"}
)
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
     "blockquote", "section", "article", "header", "footer", "main", "aside", "nav", "figure",
     "figcaption", "table", "thead", "tbody", "tfoot", "tr", "caption", "pre", "hr", "address",
     "form", "fieldset", "legend", "details", "summary", "html", "body", "head", "center"}
)
_CELLS = frozenset({"td", "th"})
_WHITESPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*\n\s*")  # two <br> in a row, with only space between
_UNTERMINATED_TAG = re.compile(r"<[A-Za-z/!][^>]*\Z")
_HTML_HINT = re.compile(
    r"<(?:!doctype\s+html|/?(?:p|div|br|html|body|head|article|section|main|h[1-6]|ul|ol|li"
    r"|table|tr|td|blockquote|figure|header|footer)\b[^<>]*)>",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """A cheap, conservative guess: true only if the text contains common block-level tags."""
    return _HTML_HINT.search(text) is not None


def html_to_text(html: str) -> str:
    """Readable text of `html`: one paragraph per block, a single <br> kept as a line break."""
    parser = _TextParser()
    # html.parser would hand back an unterminated tag at the end as text; browsers drop it.
    parser.feed(_UNTERMINATED_TAG.sub("", html))
    parser.close()
    return "\n\n".join(parser.paragraphs)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._buffer: list[str] = []
        self._skipping: list[str] = []  # stack of open skipped elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping:
            if tag in _SKIPPED:
                self._skipping.append(tag)
            return
        if tag in _SKIPPED:
            self._skipping.append(tag)
        elif tag == "br":
            self._buffer.append("\n")
        elif tag in _BLOCKS:
            self._flush()
        elif tag in _CELLS:
            self._buffer.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <script/> opens nothing; <br/> and <p/> act as their start tags.
        if tag not in _SKIPPED:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            if tag in self._skipping:
                # Close the innermost matching element; an unclosed one keeps skipping (safe side).
                while self._skipping.pop() != tag:
                    pass
            return
        if tag in _BLOCKS:
            self._flush()
        elif tag in _CELLS:
            self._buffer.append(" ")
        elif tag == "br":  # </br> is treated as <br> by browsers
            self._buffer.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._buffer.append(_WHITESPACE.sub(" ", data))

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = "".join(self._buffer)
        self._buffer.clear()
        for paragraph in _PARAGRAPH_BREAK.split(text):
            lines = (_WHITESPACE.sub(" ", line).strip() for line in paragraph.split("\n"))
            paragraph = "\n".join(line for line in lines if line)
            if paragraph:
                self.paragraphs.append(paragraph)
