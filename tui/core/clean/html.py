"""HTML -> Markdown for the cleaner: prune what the DOM says is not the
article, pick the main content, convert it to Markdown lines.

selectolax (lexbor) does the parsing and pruning; the conversion of the
chosen subtree is a small iterative walker (no recursion, so 20,000-deep
nesting is fine, and fast enough for batch use). When selectolax is missing,
BeautifulSoup + markdownify do the same job more slowly.

Imported lazily: only the HTML path pays for these parsers.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Elements that never hold article text.
DROP_TAGS = [
    "script", "style", "noscript", "template", "iframe",
    "svg", "canvas", "button", "select", "input", "textarea", "label", "object", "embed",
    "video", "audio", "picture", "img", "source", "map", "dialog", "head",
]
#: Page furniture, removed unless it wraps most of the page (ASP.NET <form>).
FURNITURE_TAGS = ["nav", "aside", "footer", "form", "menu", "header"]

# class / id words that say "not the article" (matched on whole words of
# the attribute, split at spaces, "-" and "_").
_JUNK_WORDS = frozenset(
    """comment comments commentlist disqus respond share shares sharing sharedaddy socials
    sociallinks related relatedposts promo promos newsletter newsletters subscribe subscription signup
    cookie cookies consent gdpr advert advertisement advertising adsbygoogle ads ad adslot dfp sponsor
    sponsored sidebar widget widgets breadcrumb breadcrumbs popup modal outbrain taboola recommend
    recommended recommendations trending popular mostread navbar navigation nav menu masthead skip
    skiplink authorbio bio paywall toolbar pagination pager readmore newsfeed ticker hidden
    caption credit credits byline dateline timestamp rating reactions emoji tags taglist footer donate
    donation overlay lightbox""".split()
)
_WHOLE_ONLY = frozenset(("hidden", "skip", "print", "overlay", "modal", "popup", "rating", "timestamp", "emoji"))
_JUNK_PAIRS = frozenset(
    ("author bio", "about author", "sr only", "visually hidden", "screen reader", "print only",
     "read more", "more stories", "most popular", "most read", "post meta", "entry meta", "article meta",
     "tag list", "sign up", "ad slot", "jp relatedposts", "skip link", "skip to",
     "social share", "social links", "social icons", "social bar", "social buttons", "social follow",
     "social sharing", "social media", "social networks", "social widget")
)
_DROP_SEL = ",".join(DROP_TAGS)
_FURNITURE_SEL = ",".join(FURNITURE_TAGS)
_JUNK_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "dialog", "alert", "search"))
_SPLIT = re.compile(r"[\s_-]+")


_MAIN_WORDS = frozenset(
    "articlebody articletext storytext storybody postbody entrycontent postcontent storycontent "
    "articlecontent maincontent embed embedded tweet instagram".split()
)
_MAIN_PAIRS = frozenset(
    f"{a} {b}" for a in ("article", "post", "entry", "story", "main", "body", "text", "content", "single")
    for b in ("body", "content", "text", "inner", "main")
    if a != b
)


@lru_cache(maxsize=8192)
def _junk_attr(a: str) -> bool:
    """Junk words in a class/id string, unless it also names the article body."""
    low = a.lower()
    words = _SPLIT.split(low)
    prev = ""
    junk = False
    for w in words:
        pair = prev + " " + w
        if w in _MAIN_WORDS or pair in _MAIN_PAIRS:
            return False
        if (w in _JUNK_WORDS and w not in _WHOLE_ONLY) or pair in _JUNK_PAIRS:
            junk = True
        prev = w
    # "hidden", "print"...: only as a whole class ("hidden-xs" is responsive layout).
    return junk or any(t in _WHOLE_ONLY for t in low.split())


_SMALL_TAGS = frozenset("a span i b em strong small li p img figure figcaption time button label h1 h2 h3 h4 h5 h6".split())
_KEEP_TAGS = frozenset(("html", "body", "main", "article"))

_SKIP = frozenset(DROP_TAGS) | {"-comment", "_comment"}
_NO_TEXT_PARENTS = frozenset(("script", "style", "noscript", "template", "textarea", "select", "option", "button"))
_BLOCK = frozenset(
    "p div section article main header h1 h2 h3 h4 h5 h6 ul ol li blockquote pre table thead tbody "
    "tfoot tr dl dt dd figure figcaption hr br address center details summary".split()
)
#: The elements the converter does not read as plain inline text.
_BREAKERS = _BLOCK | {"td", "th"} | _SKIP


@lru_cache(maxsize=1)
def _break_ids() -> frozenset[int]:
    """lexbor's tag ids of _BREAKERS (fixed numbers for known HTML tags)."""
    from selectolax.lexbor import LexborHTMLParser

    doc = LexborHTMLParser("")
    return frozenset(doc.create_node(t).tag_id for t in _BREAKERS if t[0] not in "-_")
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def html_to_markdown(html: str) -> tuple[str, dict]:
    """Markdown of the main content of *html*, and metadata from its head."""
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:  # pragma: no cover - selectolax is a dependency
        return _bs4_markdown(html), {}
    # The parser reads UTF-8 bytes (it encodes a str the same way itself);
    # encoding here lets the depth guard count "<" on the bytes, the faster scan.
    data = html.encode("utf-8", "ignore")
    squashed = 0
    lt = data.count(b"<")  # == html.count("<"): "<" is one byte in UTF-8
    if lt > MAX_DEPTH:
        html, squashed = limit_depth(html, lt=lt)
        if squashed:
            data = html.encode("utf-8", "ignore")
    tree = LexborHTMLParser(data)
    meta = _head_meta(tree)
    if squashed:
        meta["note"] = f"This page nests {squashed:,} elements too deep; they were read flat."
    body = tree.body
    if body is None:
        return "", meta
    # DROP_TAGS are not removed up front (a full-tree pass): the main pick
    # ignores their text and the converter does not enter them.
    # Pick the main content first (cheap), then prune inside it only.
    main = _pick_main(body)
    limit = 0.35 * len(main.text(deep=True))
    for node in main.css(_FURNITURE_SEL):
        if node.tag == "header" and node.css_first("h1") is not None:
            continue  # an article header keeps its headline
        if len(node.text(deep=True)) < limit:
            node.remove()
    _prune_classes(main, limit)
    md, complete = _convert(main)
    if not complete and "note" not in meta:
        meta["note"] = f"This page is too long: only its first {MAX_LINES:,} blocks were read."
    return md, meta


#: The converter stops after this many Markdown blocks (a page of more is
#: not an article the cleaner can judge; this bounds the time on any page).
MAX_LINES = 100_000


#: Elements nested deeper than this are read flat: lexbor's parse time grows
#: with the square of the depth (32,000 nested <div>s take seconds).
MAX_DEPTH = 4000
_CHUNK = 1 << 16
_TAG_START = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*+)")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr keygen".split())
# Tags whose opening closes an open one of the same kind (<p>a<p>b).
_SELF_CLOSING = frozenset("p li dt dd option tr td th".split())
_SCOPES = frozenset("ul ol dl table tbody thead tfoot div section article blockquote select datalist".split())


def limit_depth(html: str, max_depth: int = MAX_DEPTH, lt: int | None = None) -> tuple[str, int]:
    """*html* with the opening (and matching closing) tags of elements nested
    deeper than *max_depth* removed, and how many were removed.

    A cheap bound first (tags opened minus closed, per 64 KB chunk): an
    ordinary page never reaches it and is returned as it is; only then are
    the tags walked (linear time). *lt*: ``html.count("<")`` when the caller
    has it already.
    """
    depth_bound = peak = 0
    if (html.count("<") if lt is None else lt) <= max_depth:
        return html, 0
    for k in range(0, len(html), _CHUNK):
        lt = html.count("<", k, k + _CHUNK)
        if not lt:
            continue
        closes = html.count("</", k, k + _CHUNK)
        opens = lt - closes
        peak = max(peak, depth_bound + opens)
        depth_bound = max(0, depth_bound + opens - closes)
    if peak <= max_depth:
        return html, 0
    out: list[str] = []
    pos = 0
    stack: list[str] = []
    dropped = 0      # openers removed (their closers are removed too)
    removed = 0
    tag_end = 0
    for m in _TAG_START.finditer(html):
        if m.start() < tag_end:
            continue  # inside the previous tag ('<div x="<">')
        gt = html.find(">", m.end())
        if gt < 0:
            break
        tag_end = gt + 1
        name = m.group(2).lower()
        if m.group(1):  # a closing tag
            if dropped and (not stack or stack[-1] != name):
                dropped -= 1
                out.append(html[pos: m.start()])
                pos = tag_end
                continue
            for j in range(len(stack) - 1, max(len(stack) - 9, -1), -1):
                if stack[j] == name:
                    del stack[j:]
                    break
            continue
        if name in _VOID or html[gt - 1] == "/":
            continue
        if name in _SELF_CLOSING:
            for j in range(len(stack) - 1, max(len(stack) - 4, -1), -1):
                if stack[j] == name:
                    del stack[j:]
                    break
                if stack[j] in _SCOPES:  # <li><ul><li>: a nested list
                    break
        if len(stack) >= max_depth:
            dropped += 1
            removed += 1
            out.append(html[pos: m.start()])
            pos = tag_end
            continue
        stack.append(name)
    if not removed:
        return html, 0
    out.append(html[pos:])
    return "".join(out), removed


def _prune_classes(root, limit: float) -> None:
    """Remove elements whose class/id/role says they are not the article,
    unless they hold a large share of the page's text (a wrapper that
    happens to carry a "has-sidebar" class)."""
    for node in root.css("[class],[id],[role],[aria-hidden],[hidden]"):
        if node.parent is None:
            continue  # inside an element removed already (taken apart: nothing left to do)
        # (.attributes is one dict built in C; .attrs.get raises and catches
        # a KeyError for every missing name.)
        attrs = node.attributes
        junk = False
        if "hidden" in attrs or attrs.get("aria-hidden") == "true" or attrs.get("role") in _JUNK_ROLES:
            junk = True
        else:
            a = attrs.get("class") or ""
            i = attrs.get("id")
            if i:
                a = a + " " + i
            junk = bool(a) and _junk_attr(a)
        if junk:
            tag = node.tag
            if tag in _SMALL_TAGS or (tag not in _KEEP_TAGS and len(node.text(deep=True)) < limit):
                node.remove()


_CONTAINERS = frozenset("p div td section article li blockquote pre dd main body center font".split())


def _pick_main(body):
    """The element holding the article: where sentence text concentrates.

    Every text run of some length credits its block container's parent
    (and, half, the grandparent); the best-credited element wins, and is
    widened while a parent holds clearly more of the text.
    """
    score: dict[int, float] = {}
    sub: dict[int, float] = {}
    nodes: dict[int, object] = {}
    total = 0.0
    # Fast path: paragraphs (selected in C). Pages that set their text in
    # bare <div>s and <span>s take the walk over every text node instead.
    runs = [(p, p.text(deep=True)) for p in body.css("p")]
    p_chars = sum(len(t) for _, t in runs)
    if p_chars < 800:
        runs = []
        # (skip_empty: white-space-only text nodes are left out in C; they
        # would not count anyway.)
        for t in body.traverse(include_text=True, skip_empty=True):
            if t.is_text_node:
                s = t.text_content
                if s and len(s) >= 40:
                    up = t.parent
                    if up is not None and up.tag not in _NO_TEXT_PARENTS:
                        runs.append((up, s))
    # The ancestors a run credits depend only on its block container's
    # parent: paragraphs of one article share it, so the weights are summed
    # per such ancestor first and each chain is read from the DOM once.
    # (Weights are whole and half numbers: the float sums are exact in any
    # order; ancestors are taken in order of first appearance, so ties
    # resolve as run by run.)
    per_parent: dict[int, list] = {}
    for parent, s in runs:
        if s is None or len(s) < 40:
            continue
        n = len(s.strip())
        if n < 40:
            continue
        w = n + 20 * s.count(", ") + 30 * s.count(". ")
        total += w
        blk = parent
        hops = 0
        while blk is not None and blk.tag not in _CONTAINERS and hops < 8:
            blk = blk.parent
            hops += 1
        if blk is None:
            continue
        anc = blk if blk.tag in ("body", "main", "article") else blk.parent
        if anc is None:
            continue
        key = anc.mem_id
        acc = per_parent.get(key)
        if acc is None:
            per_parent[key] = [anc, w]
        else:
            acc[1] += w
    for anc, w in per_parent.values():
        chain = _credit_chain(anc, nodes)
        for k, mid in enumerate(chain):
            if k < 2:
                score[mid] = score.get(mid, 0.0) + (w if k == 0 else w * 0.5)
            sub[mid] = sub.get(mid, 0.0) + w
    if not score or total < 300:
        return body
    best_id = max(score, key=score.__getitem__)
    node = nodes[best_id]
    # Widen while the parent gathers clearly more (articles split over siblings).
    base = node
    for _ in range(8):
        up = node.parent
        if up is None or up.tag == "html":
            break
        cur = sub.get(base.mem_id, 0.0)
        up_s = sub.get(up.mem_id, 0.0)
        if up_s <= cur * 1.05:
            node = up          # a wrapper around the same text
        elif cur < 0.7 * total and up_s > cur * 1.3:
            node = base = up
        else:
            break
    node = base
    return node


def _credit_chain(anc, nodes: dict) -> list[int]:
    """The mem_ids a text run credits: *anc* (its block container's parent)
    and up to 29 more ancestors, ending at <body>; the first two nodes are
    recorded in *nodes*."""
    chain: list[int] = []
    for k in range(30):
        if anc is None:
            break
        mid = anc.mem_id
        if k < 2:
            nodes[mid] = anc
        chain.append(mid)
        if anc.tag == "body":
            break
        anc = anc.parent
    return chain


def _squash(text: str) -> str:
    """White space runs as one " ", none at the ends: ``" ".join(text.split())``.

    A printable string has no white space but " " (str.isprintable: every
    other space character is a separator or a control), so without "  " only
    its ends can change: the common case, without splitting into words.
    """
    if text.isprintable() and "  " not in text:
        return text.strip()
    return " ".join(text.split())


def _convert(root) -> tuple[str, bool]:
    """Iterative DOM walk -> Markdown lines (headings, quotes, items,
    paragraphs), and False if it stopped at MAX_LINES blocks."""
    out: list[str] = []
    buf: list[str] = []
    prefix_stack: list[str] = []   # "> " for blockquotes
    heading: list[int] = []
    list_depth = 0
    in_pre = 0

    def flush() -> None:
        if not buf:
            return
        text = "".join(buf)
        buf.clear()
        if in_pre:
            lines = [l.strip() for l in text.split("\n")]
        else:
            lines = [_squash(text)]
        q = "> " if prefix_stack else ""
        for line in lines:
            if not line:
                continue
            if heading:
                out.append(q + "#" * heading[-1] + " " + line)
            elif item_open[0]:
                out.append(q + item_open[1] + line)
                item_open[0] = False
            else:
                out.append(q + _escape_start(line))
            out.append("")

    item_open: list = [False, "- "]
    lists: list[list] = []  # [ordered, count] per open list

    def leave(tag: str) -> None:
        """End of a block element: its text is complete."""
        nonlocal list_depth, in_pre
        flush()
        if tag in _HEADINGS and heading:
            heading.pop()
        elif tag == "blockquote" and prefix_stack:
            prefix_stack.pop()
        elif tag == "li":
            item_open[0] = False
        elif tag in ("ul", "ol"):
            list_depth -= 1
            if lists:
                lists.pop()
        elif tag == "pre" and in_pre:
            in_pre -= 1

    node = root.child
    if node is None:
        return "", True
    # Elements holding a block, a cell or a dropped element somewhere below
    # are walked; any other element holds text and inline elements only,
    # which read the same as its text (one call into the parser).
    rid = root.mem_id
    walk: set[int] = set()
    breakers = _break_ids()
    elements = root.traverse()
    next(elements)  # (root itself)
    for n in elements:
        if n.tag_id not in breakers:
            continue
        up = n.parent
        while up is not None:
            m = up.mem_id
            if m in walk or m == rid:
                break
            walk.add(m)
            up = up.parent
    stack_exit: list = []
    cap = 2 * MAX_LINES  # (a blank line after each block)
    while node is not None:
        if len(out) > cap:
            return "\n".join(out), False
        tag = node.tag
        descend = False
        if tag == "-text":
            s = node.text_content
            if s:
                buf.append(s)
        elif tag in _BLOCK:
            flush()
            if tag in _HEADINGS:
                heading.append(_HEADINGS[tag])
            elif tag == "blockquote":
                prefix_stack.append("> ")
            elif tag == "li":
                item_open[0] = True
                if lists and lists[-1][0]:
                    lists[-1][1] += 1
                    item_open[1] = f"{lists[-1][1]}. "
                else:
                    item_open[1] = "- "
            elif tag in ("ul", "ol"):
                list_depth += 1
                lists.append([tag == "ol", 0])
            elif tag == "pre":
                in_pre += 1
            descend = node.child is not None and tag not in ("br", "hr")
        elif tag in ("td", "th"):
            if buf:
                buf.append(" | ")
            descend = node.child is not None
        elif tag not in _SKIP:
            descend = node.child is not None
        elif buf and tag[0] != "-" and tag[0] != "_":
            buf.append(" ")  # dropped content (a script, a form field) separates words
        if descend:
            if node.mem_id in walk:
                stack_exit.append(node)
                node = node.child
                continue
            block = tag in _BLOCK
            if block and len(out) > cap:  # (the walk would stop at its first child)
                return "\n".join(out), False
            s = node.text(deep=True)
            if s:
                buf.append(s)
            if block:
                leave(tag)
        # Leave finished nodes, climbing while there is no next sibling.
        while True:
            nxt = node.next
            if nxt is not None:
                node = nxt
                break
            if not stack_exit:
                node = None
                break
            node = stack_exit.pop()
            tag = node.tag
            if tag in _BLOCK:
                leave(tag)
            if node.mem_id == rid:
                node = None
                break
    flush()
    return "\n".join(out), True


# Markers a plain paragraph must not start with (numbers "1) " are kept:
# the text rules read them as a numbered list, which they are).
_MD_START = re.compile(r"^(?:#{1,6}\s|>|[-+*•]\s|\*\S.*\*$|_\S.*_$)")


_MD_FIRST = frozenset("#>-+*•_")


def _escape_start(line: str) -> str:
    """Plain paragraphs must not start like Markdown markers; drop such marks."""
    if line[:1] not in _MD_FIRST:
        return line  # (no marker can start with it: the common case, without the regex)
    while _MD_START.match(line):
        new = line.lstrip("#>-+*•_ ").lstrip()
        if new == line:
            break
        line = new
        if not line:
            break
    return line


_DATE_KEYS = ("article:published_time", "pubdate", "datepublished", "parsely-pub-date", "date", "dc.date",
              "publish-date", "sailthru.date")
#: The <meta> names and properties read (the first of each wins).
_META_KEYS = frozenset(("og:title", "twitter:title", "author", "article:author", "parsely-author", "og:site_name",
                        "application-name", "article:section") + _DATE_KEYS)


def _head_meta(tree) -> dict:
    """Title, author, date, site and section from the page's <head> (one pass
    over its <meta> tags; the body is not searched)."""
    meta: dict[str, str] = {}
    head = tree.head
    if head is None:
        return meta
    tags: dict[str, str] = {}
    for n in head.css("meta"):
        a = n.attributes
        k = a.get("property") or a.get("name") or a.get("itemprop")
        if k:
            k = k.lower()
            if k in _META_KEYS and k not in tags:
                v = a.get("content")
                if v:
                    tags[k] = _squash(v)
    title = tags.get("og:title") or tags.get("twitter:title")
    if not title:
        t = head.css_first("title")
        if t is not None:
            title = _squash(t.text())
    if title:
        meta["title"] = title
    author = tags.get("author") or tags.get("article:author") or tags.get("parsely-author")
    if author and not author.startswith("http"):
        meta["author"] = author
    pub = next((tags[k] for k in _DATE_KEYS if tags.get(k)), None)
    if not pub:
        t = tree.css_first("time[datetime]")  # only when the head has no date
        if t is not None:
            pub = t.attributes.get("datetime")
    if pub:
        m = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?", pub.strip())
        if m:
            meta["published"] = m.group(1) + ("T" + m.group(2) if m.group(2) else "")
    site = tags.get("og:site_name") or tags.get("application-name")
    if site:
        meta["outlet"] = site
    section = tags.get("article:section")
    if section:
        meta["section"] = section
    return meta


def _bs4_markdown(html: str) -> str:  # pragma: no cover - fallback path
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(html, "html.parser")
    for t in soup(DROP_TAGS):
        t.decompose()
    return MarkdownConverter(heading_style="ATX", strip=["a", "img"]).convert_soup(soup)
