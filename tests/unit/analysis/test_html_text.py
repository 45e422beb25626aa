import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.analysis.html_text import html_to_text, looks_like_html


@pytest.mark.parametrize(
    "html, expected",
    [
        ("<p>One.</p><p>Two.</p>", "One.\n\nTwo."),
        ("<h1>Title</h1><p>Body.</p>", "Title\n\nBody."),
        ("<html><body><article><h2>A</h2><div>B</div></article></body></html>", "A\n\nB"),
        ("<blockquote>Quoted.</blockquote>After.", "Quoted.\n\nAfter."),
        ("<p>Spread\n   over\tlines   here</p>", "Spread over lines here"),
        ("<p>Bold <b>word</b> and <a href='/x'>link</a>.</p>", "Bold word and link."),
        ("\n\n<p>  padded  </p>\n\n<p></p><div> </div>", "padded"),
        # Entities are decoded, non-breaking spaces become ordinary spaces.
        ("<p>Fish &amp; chips &mdash; &lt;3 &#8220;ok&#8221; caf&eacute;</p>", "Fish & chips — <3 “ok” café"),
        ("<p>a&nbsp;&nbsp;b</p>", "a b"),
        # One <br> is a line break; two in a row end a paragraph.
        ("<p>Headline<br>Dateline</p>", "Headline\nDateline"),
        ("<div>First<br><br>Second<br/> <br />Third</div>", "First\n\nSecond\n\nThird"),
        ("<p>Trailing<br></p>", "Trailing"),
        # Lists, nested ones too.
        ("<ul><li>One</li><li>Two</li></ul>", "One\n\nTwo"),
        ("<ol><li>Outer<ul><li>Inner</li></ul></li><li>Last</li></ol>", "Outer\n\nInner\n\nLast"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\n\nc"),
        # Malformed HTML.
        ("<p>Unclosed<p>Next", "Unclosed\n\nNext"),
        ("<p>Mis<div>nested</p></div></span>tail", "Mis\n\nnested\n\ntail"),
        ("<p>Cut off</p><div", "Cut off"),
        ("Plain text, no tags.", "Plain text, no tags."),
        ("a < b and c > d", "a < b and c > d"),
        ("", ""),
    ],
)
def test_it_turns_blocks_into_paragraphs(html, expected):
    assert html_to_text(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        "<p>Safe</p><script>alert(1)</script>",
        "<p>Safe</p><SCRIPT type='text/javascript'>alert(1)</SCRIPT >",
        "<p>Safe<script>var x = '</p><p>alert(1)';</script></p>",
        "<p>Safe</p><script>alert(1)",
        "<p>Safe</p><style>body { color: red } alert(1)</style>",
        "<p>Safe</p><style>alert(1)",
        "<p>Safe</p><noscript><p>alert(1)</p></noscript>",
        "<p>Safe</p><template><p>alert(1)</p></template>",
        "<p>Safe</p><iframe src='x'><p>alert(1)</p></iframe>",
        "<p>Safe</p><iframe><p>alert(1)",
        "<p>Safe</p><noscript><script>alert(1)</script></noscript>",
        "<p>Safe</p><svg><script>alert(1)</script></svg>",
        "<p>Safe<img src=x onerror=alert(1)></p>",
        "<p onclick='alert(1)'>Safe</p>",
        "<p>Safe</p><!-- <script>alert(1)</script> -->",
        "<head><title>alert(1)</title></head><body><p>Safe</p></body>",
    ],
)
def test_it_drops_scripts_styles_and_attributes(html):
    assert html_to_text(html) == "Safe"


def test_text_after_a_closed_script_survives():
    assert html_to_text("<p>Before</p><script>x()</script><p>After</p>") == "Before\n\nAfter"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("<p>Hello</p>", True),
        ("<DIV class='x'>Hello</DIV>", True),
        ("Line one<br>line two", True),
        ("<!DOCTYPE html><html>", True),
        ("<article><h2>Title</h2>", True),
        ("</p>", True),
        ("Plain text.", False),
        ("a < b > c", False),
        ("Use the <placeholder> token.", False),
        ("Email <jane@example.com>", False),
        ("x <pre-release> y", False),
    ],
)
def test_it_recognises_html_conservatively(text, expected):
    assert looks_like_html(text) is expected


HTML_PIECES = st.lists(
    st.sampled_from(
        ["<p>", "</p>", "<div>", "</div>", "<br>", "<li>", "<ul>", "</ul>", "<script>", "</script>",
         "<style>", "</style>", "<b>", "</b>", "&amp;", "&nbsp;", "text", " ", "\n", "\t", "<", ">",
         "word.", "<h2>", "</h2>", "<iframe>", "</iframe>", "é😀"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(HTML_PIECES)
def test_output_is_tidy_for_any_input(html):
    text = html_to_text(html)
    assert text == text.strip()
    assert "\n\n\n" not in text
    for paragraph in text.split("\n\n") if text else []:
        assert paragraph and not re.search(r"[^\S\n]{2}|\t", paragraph)
