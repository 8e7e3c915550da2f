"""Markdown in, sanitised HTML out: what renders, and every trick that must come out inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import html5lib
import pytest

from forum import markup
from forum.markup import render
from forum.markup_limits import MAX_MARKS


class Tags(HTMLParser):
    """Every start tag in a fragment with its attributes (entities decoded), and its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def named(self, name: str) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.tags if tag == name]


# The oracle: a fixed allowlist written here, never imported from forum.markup, checked on
# the tree html5lib (a browser-grade parser, independent of bleach's copy) builds from the
# output. Loosening forum.markup's allowlist makes these tests fail instead of following it.
SAFE_TAGS = frozenset(
    {
        "p", "br", "hr", "blockquote", "pre", "code",
        "em", "strong", "del", "sub", "sup",
        "ul", "ol", "li",
        "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
        "a",
    }
)  # fmt: skip
SAFE_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
}
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
FORBIDDEN_SCHEMES = ("javascript", "data", "vbscript")
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background",
     "cite", "srcset", "ping", "lowsrc", "dynsrc", "codebase", "srcdoc"}
)  # fmt: skip
REL = "nofollow ugc noopener"


def _scheme(url: str) -> str:
    # Browsers ignore whitespace and control characters inside a scheme, and its case.
    cleaned = re.sub(r"[\x00-\x20\x7f-\x9f]", "", url).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", cleaned)
    return match.group(1) if match else ""


def assert_inert(html: str) -> None:
    """Fail unless `html` holds only SAFE_TAGS, SAFE_ATTRIBUTES and no script-capable URL."""
    fragment = html5lib.parseFragment(html, namespaceHTMLElements=False)
    for element in fragment.iter():
        tag = element.tag
        if tag == "DOCUMENT_FRAGMENT":
            continue
        assert isinstance(tag, str), f"a comment or other node survives in {html!r}"
        assert tag in SAFE_TAGS, f"<{tag}> is not on the fixed allowlist in {html!r}"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{tag}[{name}] in {html!r}"
            assert name.lower() != "style", f"{tag}[style] in {html!r}"
            assert name in SAFE_ATTRIBUTES.get(tag, set()), f"{tag}[{name}] in {html!r}"
            if name in URL_ATTRIBUTES:
                scheme = _scheme(value)
                assert scheme not in FORBIDDEN_SCHEMES, f"{tag}[{name}={value!r}] in {html!r}"
                assert scheme in {"", *SAFE_SCHEMES}, f"{tag}[{name}={value!r}] in {html!r}"
        if tag == "code" and "class" in element.attrib:
            assert re.fullmatch(r"language-[\w#.+-]+", element.attrib["class"]), html
        if tag == "a":
            assert element.attrib.get("rel") == REL, html


# --- What Markdown gives -------------------------------------------------------------------


def test_paragraphs_and_emphasis() -> None:
    html = render("Hello *world*, **bold** and ***both***.\n\nSecond paragraph.")
    assert "<em>world</em>" in html
    assert "<strong>bold</strong>" in html
    assert html.count("<p>") == 2


def test_fenced_code_keeps_its_language_class_and_is_not_linkified() -> None:
    html = render("```python\nprint('https://example.org')\n```")
    assert '<pre><code class="language-python">' in html
    assert "<a " not in html
    assert "print('https://example.org')" in html.replace("&#x27;", "'").replace("&#39;", "'")


def test_code_shows_angle_brackets_and_ampersands_as_typed() -> None:
    # Escaped once, so a browser shows `a < b && c`; escaped twice it would show "&lt;".
    html = render("Inline `a < b && c`\n\n```\nif a < b && c:\n    pass\n```")
    assert "<code>a &lt; b &amp;&amp; c</code>" in html
    assert "if a &lt; b &amp;&amp; c:" in html
    assert "&amp;lt;" not in html
    assert "&amp;amp;" not in html


def test_html_typed_in_code_is_shown_as_text_once_escaped() -> None:
    html = render("`<script>alert(1)</script>`")
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in html


def test_tables_keep_their_column_alignment() -> None:
    html = render("| Network | Region |\n|:--------|-------:|\n| APBON | Asia-Pacific |")
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert '<th align="left">Network</th>' in html
    assert '<td align="right">Asia-Pacific</td>' in html
    assert_inert(html)


def test_unordered_and_ordered_lists() -> None:
    html = render("- one\n- two\n\n3. three\n4. four")
    assert "<ul>" in html and "<li>one</li>" in html
    assert '<ol start="3">' in html


def test_links_get_nofollow_ugc_noopener() -> None:
    html = render("[CBD](https://www.cbd.int/) and https://example.org/page")
    links = Tags(html).named("a")
    assert [a["href"] for a in links] == ["https://www.cbd.int/", "https://example.org/page"]
    assert all(a["rel"] == "nofollow ugc noopener" for a in links)


def test_bare_domains_are_linked_over_http() -> None:
    links = Tags(render("See www.example.org for more")).named("a")
    assert [a["href"] for a in links] == ["http://www.example.org"]


def test_ampersands_in_link_urls_and_text_survive() -> None:
    html = render("[Tom & Jerry](https://example.org/?a=1&b=2)")
    link = Tags(html).named("a")[0]
    assert link["href"] == "https://example.org/?a=1&b=2"
    assert "Tom &amp; Jerry" in html


def test_mailto_links_are_allowed() -> None:
    links = Tags(render("[write](mailto:km4b@example.org)")).named("a")
    assert links[0]["href"] == "mailto:km4b@example.org"


def test_blockquotes() -> None:
    html = render("> **Ana** wrote:\n>\n> Knowledge is shared.")
    assert html.startswith("<blockquote>")
    assert "<strong>Ana</strong>" in html


def test_headings_are_shifted_below_the_page_headings() -> None:
    html = render("# Big\n\n## Smaller\n\n### Smallest")
    assert "<h1" not in html and "<h2" not in html
    assert html.count("<h3>") == 3


def test_images_become_plain_links() -> None:
    html = render("![a map](https://example.org/map.png)")
    assert "<img" not in html
    link = Tags(html).named("a")[0]
    assert link["href"] == "https://example.org/map.png"
    assert "[image: a map]" in html


def test_raw_html_is_shown_as_text() -> None:
    html = render("I like <b>bold</b> & <i>italics</i>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>" not in html


def test_empty_source_renders_to_nothing() -> None:
    assert render("") == ""


# --- Hostile input -------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<div style="background:url(javascript:alert(1))" onclick=alert(1)>hi</div>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    "<object data=javascript:alert(1)>",
    "<body onload=alert(1)>",
    "<!--><script>alert(1)</script>-->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x](https://example.org "t" onmouseover="alert(1)")',
    '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x" onerror="alert(1)](https://example.org/a.png)',
    "![x](https://example.org/a.png)<!-- onerror=alert(1) -->",
    "<javascript:alert(1)>",
    '<https://example.org/" onmouseover="alert(1)>',
    "<vbscript:msgbox(1)>",
    "data:example.com",
    "visit data://evil.example/x now",
    "javascript://example.com/%0aalert(1)",
    "feed:evil.example",
    "ftp://files.example/x.exe",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "| <script>alert(1)</script> |\n|---|\n| <img src=x onerror=alert(1)> |",
    "> <iframe src=//evil.example>",
    "- <a href=javascript:alert(1)>x</a>\n- [y](javascript:alert(2))",
    "**<img src=x onerror=alert(1)>**",
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "[x](https://example.org)<img src=x onerror=alert(1)>",
    "<a href=https://example.org onclick=alert(1)>x</a>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_hostile_input_comes_out_inert(payload: str) -> None:
    assert_inert(render(payload))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_hostile_input_is_inert_inside_a_larger_post(payload: str) -> None:
    assert_inert(render(f"Intro *text*.\n\n{payload}\n\nAnd [a link](https://example.org)."))


def test_there_are_plenty_of_payloads() -> None:
    assert len(set(XSS_PAYLOADS)) >= 25


def test_a_link_with_a_forbidden_scheme_keeps_its_text_but_loses_its_href() -> None:
    html = render("[read me](javascript:alert(1))")
    link = Tags(html).named("a")[0]
    assert "href" not in link
    assert "read me" in html


def test_text_that_merely_names_a_scheme_is_not_linked() -> None:
    html = render("data:example.com and vbscript:msgbox.example")
    for link in Tags(html).named("a"):
        assert _scheme(link["href"]) in {"http", "https"}


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_hostile_input_is_inert_in_a_post_shown_as_plain_text(payload: str) -> None:
    # Past the markup limit a post skips Markdown and bleach: it must be inert on its own.
    html = render(f"{payload}\n\n" + "|" * MAX_MARKS)
    assert html.startswith("<p>")
    assert_inert(html)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_hostile_html_is_inert_after_the_cleaner_alone(payload: str) -> None:
    # Markdown shows raw HTML as text; the cleaner is the second wall, should that change.
    assert_inert(markup.clean(payload))
    assert_inert(markup.clean(markup.convert(payload)))


def test_the_oracle_refuses_what_it_must() -> None:
    for html in [
        "<img src=x>",
        "<script>alert(1)</script>",
        '<a href="java&#x09;script:alert(1)" rel="nofollow ugc noopener">x</a>',
        '<a href=" JAVASCRIPT:alert(1)" rel="nofollow ugc noopener">x</a>',
        '<a href="data:text/html,x" rel="nofollow ugc noopener">x</a>',
        '<a href="&#x76;bscript:x" rel="nofollow ugc noopener">x</a>',
        '<a href="https://e.org" rel="nofollow ugc noopener" onclick="x">x</a>',
        '<p style="color:red">x</p>',
        "<p><!-- x --></p>",
        '<a href="https://e.org">no rel</a>',
        '<code class="x">y</code>',
    ]:
        with pytest.raises(AssertionError):
            assert_inert(html)
    assert_inert('<p><a href="/x" rel="nofollow ugc noopener">x</a></p>')


def test_rendering_is_idempotent_in_safety() -> None:
    # Rendering stored HTML again as source (a careless migration) must stay inert too.
    for payload in XSS_PAYLOADS:
        assert_inert(render(render(payload)))
