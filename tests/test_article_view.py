"""The reading pane widget (tui/ui/widgets/article_view.py), driven by Pilot
in a tiny app that mounts only the widget."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.geometry import Offset
from textual.selection import Selection

from tui.core.model import Article, Block, Removed
from tui.ui.widgets import article_view as av
from tui.ui.widgets.article_view import R_BODY, ArticleView, Highlight, sentence_spans, wrap_spans

LOREM = (
    "Reporters filed the story late on Tuesday, after the council met behind closed doors. "
    "The budget vote was delayed twice. Residents waited outside in the rain for hours."
)


def small_article() -> Article:
    blocks = [
        Block("paragraph", "Opening paragraph with [red]x[/red] literal markup. " + LOREM, 1, 2),
        Block("heading", "What happened next", 3, 4),
        Block("paragraph", LOREM + " " + LOREM, 4, 5),
        Block("quote", "We will not be rushed, the mayor said. " * 3, 6, 7),
        Block("item", "A first list item that is long enough to wrap onto a second line of the column.", 8, 9),
        Block("item", "Second item", 9, 10),
        Block("caption", "A photo caption.", 10, 11),
        Block("paragraph", "Closing words. Short one! Last?", 13, 14),
    ]
    return Article(
        title="[@click=app.quit]Quit now[/]",
        dek="An italic dek line",
        outlet="The Daily",
        author="Ann Writer",
        published="2024-11-18T13:28",
        blocks=blocks,
        removed=[
            Removed("Share on Facebook · Tweet", "share-counter", 2, 3),
            Removed("42 comments. Log in to reply.", "comments", 11, 13),
        ],
    )


def big_article(paragraphs: int = 4000, seed: int = 7) -> Article:
    rnd = random.Random(seed)
    words = "the of and reader archive river council budget night quiet window morning report".split()
    blocks = []
    for i in range(paragraphs):
        if i % 50 == 0:
            blocks.append(Block("heading", f"Part {i // 50}", i, i + 1))
        else:
            n = rnd.randint(25, 60)
            blocks.append(Block("paragraph", " ".join(rnd.choice(words) for _ in range(n)).capitalize() + ".", i, i + 1))
    return Article(title="A very long report", blocks=blocks)


class CountingView(ArticleView):
    """Counts render_line calls (only for the tests)."""

    def __init__(self) -> None:
        super().__init__()
        self.render_line_calls = 0

    def render_line(self, y: int):
        self.render_line_calls += 1
        return super().render_line(y)


class ViewApp(App):
    def __init__(self, article: Article | None, **load_kw) -> None:
        super().__init__()
        self.article = article
        self.load_kw = load_kw
        self.moves: list[int] = []

    def compose(self) -> ComposeResult:
        yield CountingView()

    def on_mount(self) -> None:
        view = self.query_one(ArticleView)
        view.load(self.article, **self.load_kw)
        view.focus()

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.moves.append(message.index)


@contextlib.asynccontextmanager
async def opened(article: Article | None, *, size: tuple[int, int] = (100, 40), **load_kw):
    """Run a ViewApp showing *article*; yield (app, pilot, view) after the first paint."""
    app = ViewApp(article, **load_kw)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        yield app, pilot, app.query_one(CountingView)


def screen_lines(view: ArticleView) -> list[str]:
    return ["".join(seg.text for seg in view.render_line(y)) for y in range(view.scrollable_content_region.height)]


def styled_chars(view: ArticleView, style) -> str:
    """Characters of article text on screen whose style includes *style*'s bgcolor, in order."""
    out = []
    for y in range(view.scrollable_content_region.height):
        for seg in view.render_line(y):
            meta = seg.style.meta if seg.style else {}
            if "offset" in meta and meta["offset"][0] >= 0 and seg.style.bgcolor == style.bgcolor:
                out.append(seg.text)
    return "".join(out).strip()


def line_of(view: ArticleView, needle: str) -> int:
    for y, (role, idx, a, b, _) in enumerate(view._lines):
        if needle in view._source(view._lines[y])[a:b]:
            return y
    raise AssertionError(needle)


def sync(fn):
    """Run an async test with asyncio (no async pytest plugin needed)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


# ----------------------------------------------------------------------


@sync
async def test_renders_title_meta_dek_and_body_literally():
    async with opened(small_article()) as (app, pilot, view):
        text = "\n".join(screen_lines(view))
        assert "[@click=app.quit]Quit now[/]" in text
        assert "The Daily · By Ann Writer · 2024-11-18 13:28" in text and "min read" in text
        assert "An italic dek line" in text
        assert "Opening paragraph with [red]x[/red] literal markup." in text
        assert "What happened next" in text
        assert "▌ We will not be rushed" in text
        assert "• A first list item" in text
        assert len(view.children) == 0
        # Comfortable width: no text line is wider than the text column.
        assert all(b - a <= av.MAX_TEXT_WIDTH for _, _, a, b, _ in view._lines)
        # Styles: the title is bold, the dek italic.
        title_y = line_of(view, "Quit now")
        segs = [s for s in view.render_line(title_y) if "Quit" in s.text]
        assert segs and segs[0].style.bold
        dek_y = line_of(view, "italic dek")
        assert any(s.style.italic for s in view.render_line(dek_y) if "dek" in s.text)


@sync
async def test_cursor_moves_with_j_k_arrows_and_posts_messages():
    async with opened(small_article(), size=(100, 40)) as (app, pilot, view):
        assert view.cursor == 0
        await pilot.press("j", "j", "down")
        assert view.cursor == 3
        await pilot.press("k", "up")
        assert view.cursor == 1
        await pilot.pause()
        assert app.moves[-3:] == [3, 2, 1]
        assert view.cursor_span() == list(view.article.block_spans())[1]
        # The bar marks exactly the cursor block's lines.
        lines = screen_lines(view)
        bar_col = view._col_left
        bar_lines = [y for y, s in enumerate(lines) if s[bar_col] == "┃"]
        first, end = view._block_first[1], view._block_end[1]
        assert bar_lines == list(range(first, end))
        await pilot.press("k", "k", "k")
        assert view.cursor == 0
        await pilot.press("G")
        assert view.cursor == len(view.article.blocks) - 1
        await pilot.press("g")
        assert view.cursor == 0 and view.scroll_offset.y == 0


@sync
async def test_cursor_keeps_in_view_and_paging_moves_cursor_to_first_visible_block():
    async with opened(big_article(300), size=(80, 20)) as (app, pilot, view):
        for _ in range(12):
            await pilot.press("j")
        await pilot.pause()
        top, h = int(view.scroll_offset.y), view.scrollable_content_region.height
        assert top > 0
        assert top <= view._block_first[view.cursor] and view._block_end[view.cursor] <= top + h
        await pilot.press("space")
        await pilot.pause()
        view.finish_layout()
        top2 = int(view.scroll_offset.y)
        assert top2 > top
        first_visible = min(i for i in range(view.block_count) if view._block_first[i] >= top2)
        assert view.cursor == first_visible
        await pilot.press("b")
        await pilot.pause()
        assert int(view.scroll_offset.y) < top2
        await pilot.press("G")
        await pilot.pause()
        assert view.cursor == view.block_count - 1
        assert int(view.scroll_offset.y) == view.max_scroll_y


@sync
async def test_click_moves_cursor():
    async with opened(small_article(), size=(100, 40)) as (app, pilot, view):
        y = line_of(view, "Second item")
        await pilot.click(ArticleView, offset=(view._col_left + 6, y))
        await pilot.pause()
        assert view.cursor == 5


@sync
async def test_highlights_style_exact_character_ranges():
    art = small_article()
    text = art.text()
    async with opened(art, size=(100, 40)) as (app, pilot, view):
        # A range crossing a block boundary: end of block 0 into the heading.
        start = text.index("in the rain")
        end = text.index("happened") + len("happened")
        view.set_highlights([Highlight(start, end, "yellow", note=True, key=1)])
        await pilot.pause()
        st = view._styles()
        got = styled_chars(view, st["yellow"])
        expected = text[start:end].replace("\n\n", "")
        assert got.replace(" ", "") == expected.replace(" ", "")
        assert got.startswith("in the rain") and got.endswith("What happened")
        # The note marker sits in the margin of the highlight's first line only.
        marker_col = view._col_left + 1
        lines = screen_lines(view)
        markers = [y for y, s in enumerate(lines) if s[marker_col] == "✎"]
        assert markers == [line_of(view, "in the rain")]
        # Search hits: a different style, and replacing highlights clears the old ones.
        s2 = text.index("mayor")
        view.set_highlights([Highlight(s2, s2 + 5, "search")])
        await pilot.pause()
        assert styled_chars(view, st["search"]) == "mayor"
        assert styled_chars(view, st["yellow"]) == ""


@sync
async def test_flash_block_is_brief(monkeypatch):
    monkeypatch.setattr(av, "FLASH_SECONDS", 0.2)
    async with opened(small_article(), size=(100, 40)) as (app, pilot, view):
        view.flash_block(2)
        await pilot.pause()
        flash = view._styles()["flash"]
        y = view._block_first[2]
        assert any(s.style.bgcolor == flash.bgcolor for s in view.render_line(y) if s.text.strip())
        await pilot.pause(0.5)
        assert not any(s.style and s.style.bgcolor == flash.bgcolor for s in view.render_line(y))


@sync
async def test_removed_text_toggles_in_place_and_cursor_skips_it():
    art = small_article()
    async with opened(art, size=(100, 50)) as (app, pilot, view):
        assert "comments" not in "\n".join(screen_lines(view))
        await pilot.press("r")
        await pilot.pause()
        assert view.show_removed
        lines = screen_lines(view)
        joined = "\n".join(lines)
        assert "removed · comments" in joined and "42 comments. Log in to reply." in joined
        assert "removed · share-counter" in joined
        # In place: the comments (source lines 11-13) sit between the caption and the last paragraph.
        assert line_of(view, "A photo caption") < line_of(view, "42 comments") < line_of(view, "Closing words")
        assert line_of(view, "Opening paragraph") < line_of(view, "Share on Facebook") < line_of(view, "What happened")
        # Dimmed.
        y = line_of(view, "42 comments")
        seg = [s for s in view.render_line(y) if "comments" in s.text][0]
        assert seg.style == view._styles()["base"] + view._styles()["removed"] + seg.style.__class__.from_meta(seg.style.meta)
        # The cursor skips removed text.
        view.cursor = 6
        await pilot.press("j")
        assert view.cursor == 7
        # Offsets unchanged: a highlight still lands on the same words.
        text = art.text()
        s = text.index("Closing")
        view.set_highlights([Highlight(s, s + 7, "green")])
        await pilot.pause()
        assert styled_chars(view, view._styles()["green"]) == "Closing"
        await pilot.press("r")
        await pilot.pause()
        assert "comments" not in "\n".join(screen_lines(view))


@sync
async def test_load_none_shows_placeholder():
    async with opened(None, size=(80, 20)) as (app, pilot, view):
        assert "No article open" in "\n".join(screen_lines(view))
        assert "Pick one in the list (Tab, Enter)" in "\n".join(screen_lines(view))
        await pilot.press("j", "space", "G", "r")
        assert view.cursor == 0 and view.selected_span() is None
        view.load(small_article())
        await pilot.pause()
        assert "Quit now" in "\n".join(screen_lines(view))
        view.load(None)
        await pilot.pause()
        assert "No article open" in "\n".join(screen_lines(view))


@sync
async def test_load_restores_cursor_and_scroll():
    art = big_article(400)
    async with opened(art, cursor=120, scroll_y=300, size=(80, 24)) as (app, pilot, view):
        assert view.cursor == 120
        assert view.scroll_offset.y == 300
        view.scroll_to_block(200)
        await pilot.pause()
        assert view._block_first[200] - 2 == int(view.scroll_offset.y)


@sync
async def test_resize_relayouts_and_keeps_cursor_block_on_screen():
    async with opened(big_article(300), size=(120, 30)) as (app, pilot, view):
        for _ in range(20):
            await pilot.press("j")
        await pilot.pause()
        wide_layouts = view.layouts
        await pilot.resize_terminal(50, 30)
        await pilot.pause()
        assert view.layouts > wide_layouts
        top, h = int(view.scroll_offset.y), view.scrollable_content_region.height
        assert top <= view._block_first[view.cursor] < top + h
        assert all(len(line.rstrip()) <= 50 for line in screen_lines(view))


@pytest.mark.parametrize("width", [60, 120])
@sync
async def test_large_article_paints_first_screen_without_mounting_blocks(width):
    """Issue 6: a ~1 MB article shows its first screen virtually."""
    art = big_article(4000)
    assert len(art.text()) > 900_000
    app = ViewApp(None)
    async with app.run_test(size=(width, 40)) as pilot:
        view = app.query_one(CountingView)
        await pilot.pause()
        view.render_line_calls = 0
        view.lines_rendered = 0
        view.load(art)
        height = view.scrollable_content_region.height
        # load() lays out only what the first screen needs...
        assert not view.layout_complete
        assert len(view._lines) <= 3 * height + 50
        await pilot.pause()
        assert len(view.children) == 0
        # Only the visible lines were rendered (a repaint or two at most).
        assert 0 < view.lines_rendered <= height
        assert view.render_line_calls <= 3 * height
        lines = screen_lines(view)
        assert any("A very long report" in s for s in lines)
        first_words = art.blocks[1].text[:30]
        assert any(first_words in s for s in lines)
        # A page down renders about one more page, not the document.
        before = view.lines_rendered
        await pilot.press("space")
        await pilot.pause()
        assert view.lines_rendered - before <= height + 2
        # ...and the rest in the background, without painting anything more.
        for _ in range(200):
            if view.layout_complete:
                break
            await pilot.pause(0.01)
        assert view.layout_complete
        assert len(view._lines) > 10 * height
        assert view.virtual_size.height == len(view._lines)
        assert view.lines_rendered - before <= 2 * height + 4
        # The end is reachable and correct.
        await pilot.press("G")
        await pilot.pause()
        assert any(art.blocks[-1].text[-20:] in s for s in screen_lines(view))


@sync
async def test_selection_maps_to_text_offsets():
    art = small_article()
    text = art.text()
    async with opened(art, size=(100, 40)) as (app, pilot, view):
        # Programmatic: from "budget" on one line to "mayor" on another.
        y1, y2 = line_of(view, "The budget vote"), line_of(view, "the mayor said")
        _, b1, a1, _, _ = view._lines[y1]
        x1 = view._source(view._lines[y1])[a1:].index("The budget vote")
        s = art.text().index("The budget vote", list(art.block_spans())[b1][0] + a1)
        e = text.index("mayor") + len("mayor")
        x2 = view._source(view._lines[y2])[view._lines[y2][2]:view._lines[y2][3]].index("mayor") + 5
        app.screen.selections = {view: Selection(Offset(x1, y1), Offset(x2, y2))}
        await pilot.pause()
        assert view.selected_span() == (s, e)
        assert view.get_selection(view.text_selection)[0] == text[s:e]
        # Selected characters are painted with the selection style.
        sel_style = view._styles()["selection"]
        assert styled_chars(view, sel_style).startswith("The budget vote")
        # Starting in the margin or on the title snaps to text boundaries.
        app.screen.selections = {view: Selection(Offset(-3, 1), Offset(x2, y2))}
        assert view.selected_span() == (0, e)
        app.screen.selections = {view: Selection(None, None)}
        assert view.selected_span() == (0, len(text))
        app.screen.selections = {}
        assert view.selected_span() is None


@sync
async def test_mouse_drag_selects_exact_span():
    art = small_article()
    text = art.text()
    async with opened(art, size=(100, 40)) as (app, pilot, view):
        y = line_of(view, "Opening paragraph")
        line = view._lines[y]
        shown = view._source(line)[line[2]:line[3]]
        x0 = view._col_left + av.MARGIN + shown.index("paragraph")
        await pilot.mouse_down(ArticleView, offset=(x0, y))
        await pilot.hover(ArticleView, offset=(x0 + 4, y))
        await pilot.hover(ArticleView, offset=(x0 + len("paragraph") - 1, y))
        await pilot.mouse_up(ArticleView, offset=(x0 + len("paragraph") - 1, y))
        await pilot.pause()
        span = view.selected_span()
        assert span is not None
        assert text[span[0]:span[1]] == "paragraph"
        assert view.cursor == 0  # a drag is not a click


def test_wrap_spans_basic():
    t = "one two three four five six"
    spans = wrap_spans(t, 9)
    assert [t[a:b] for a, b in spans] == ["one two", "three", "four five", "six"]
    assert wrap_spans("", 10) == [(0, 0)]
    assert [("abcdefghij")[a:b] for a, b in wrap_spans("abcdefghij", 4)] == ["abcd", "efgh", "ij"]
    cjk = "日本語のテキスト"
    assert [cjk[a:b] for a, b in wrap_spans(cjk, 6)] == ["日本語", "のテキ", "スト"]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab cd\nxyz  éü日本—’")), max_size=300),
    st.integers(min_value=2, max_value=40),
)
def test_wrap_spans_properties(text, width):
    from rich.cells import cell_len

    spans = wrap_spans(text, width)
    prev_end = 0
    for a, b in spans:
        assert prev_end <= a <= b <= len(text)
        assert cell_len(text[a:b]) <= width
        # Only whitespace is dropped between lines.
        assert text[prev_end:a].strip() == ""
        prev_end = b
    assert text[prev_end:].strip() == ""
    # Nothing but whitespace is lost.
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "").replace("\n", "")


def test_sentence_spans():
    t = "Mr. Smith went to Washington. He said: “No!” Then he left… The end"
    got = [t[a:b] for a, b in sentence_spans(t)]
    assert got == ["Mr. Smith went to Washington.", "He said: “No!”", "Then he left…", "The end"]
    assert sentence_spans("") == []
    assert [("  One. Two.  ")[a:b] for a, b in sentence_spans("  One. Two.  ")] == ["One.", "Two."]


@sync
async def test_sentence_spans_of_block_are_text_offsets():
    art = small_article()
    text = art.text()
    async with opened(art, size=(100, 40)) as (app, pilot, view):
        spans = view.sentence_spans(7)
        assert [text[a:b] for a, b in spans] == ["Closing words.", "Short one!", "Last?"]
        assert view.block_at(spans[1][0]) == 7
        start, end = list(art.block_spans())[2]
        assert view.block_at(start) == 2 and view.block_at(end) == 2 and view.block_at(end + 1) == 3


@sync
async def test_j_scrolls_through_a_block_taller_than_the_view():
    long_text = " ".join(f"word{i}" for i in range(600))
    art = Article(title="T", blocks=[Block("paragraph", "Short."), Block("paragraph", long_text), Block("paragraph", "After.")])
    async with opened(art, size=(60, 12)) as (app, pilot, view):
        await pilot.press("j")
        assert view.cursor == 1
        h = view.scrollable_content_region.height
        assert view._block_end[1] - view._block_first[1] > 3 * h
        tops = []
        while view.cursor == 1:
            await pilot.press("j")
            tops.append(int(view.scroll_offset.y))
            assert len(tops) < 50
        # The view scrolled through the long block before the cursor moved on,
        # never skipping a line of it.
        assert view.cursor == 2
        assert all(b - a <= h for a, b in zip(tops, tops[1:]))
        assert len(tops) >= 3
        await pilot.press("k")
        assert view.cursor == 1


@sync
async def test_highlights_survive_reload_of_same_text_only():
    art = small_article()
    async with opened(art, size=(100, 40)) as (app, pilot, view):
        hl = [Highlight(0, 7, "blue")]
        view.set_highlights(hl)
        view.load(small_article(), cursor=3)
        await pilot.pause()
        assert view.highlights == hl and view.cursor == 3
        assert styled_chars(view, view._styles()["blue"]) == "Opening"
        view.load(big_article(10))
        await pilot.pause()
        assert view.highlights == []


@sync
async def test_resize_with_cursor_off_screen_keeps_the_top_text():
    async with opened(big_article(300), size=(120, 30)) as (app, pilot, view):
        view.scroll_to(y=400, animate=False, immediate=True)
        await pilot.pause()
        top_offset = view._point_offset(0, int(view.scroll_offset.y))
        await pilot.resize_terminal(70, 30)
        await pilot.pause()
        y = int(view.scroll_offset.y)
        role, idx, a, b, _ = view._lines[y]
        start = view._spans[idx][0]
        assert start + a <= top_offset <= start + b


@sync
async def test_select_span_and_double_click_selects_the_paragraph():
    art = small_article()
    text = art.text()
    async with opened(art, size=(100, 40)) as (app, pilot, view):
        s = text.index("Residents waited")
        e = text.index("the mayor") + 3
        view.select_span(s, e)
        assert view.selected_span() == (s, e)
        assert view.get_selection(view.text_selection)[0] == text[s:e]
        view.select_span(0, 0)
        assert view.selected_span() is None
        y = line_of(view, "Second item")
        await pilot.click(ArticleView, offset=(view._col_left + 6, y), times=2)
        await pilot.pause()
        assert view.selected_span() == list(art.block_spans())[5]
        await pilot.click(ArticleView, offset=(view._col_left + 6, y), times=3)
        await pilot.pause()
        assert view.selected_span() == (0, len(text))


@sync
async def test_on_demand_layout_far_down_before_the_background_finishes():
    art = big_article(4000)
    text = art.text()
    async with opened(None, size=(80, 24)) as (app, pilot, view):
        view.load(art, cursor=3500, scroll_y=0)
        assert not view.layout_complete
        # Callers can jump anywhere at once: the layout follows on demand.
        view.scroll_to_block(3900)
        assert view._block_first[3900] - 2 == int(view.scroll_offset.y)
        s = text.index(art.blocks[3950].text)
        view.select_span(s, s + 10)
        assert view.selected_span() == (s, s + 10)
        view.select_span(0, 0)
        await pilot.press("j")
        assert view.cursor == 3501
        top, h = int(view.scroll_offset.y), view.scrollable_content_region.height
        assert top <= view._block_first[3501] < top + h
        assert any(art.blocks[3501].text[:25] in line for line in screen_lines(view))


def random_article(rnd: random.Random) -> Article:
    alphabet = list("abc de fgh ij\tklm  nop") + ["日本", "é", "—", "’", "🙂", "\x07", "[b]", "\n", "e\u0301"]
    kinds = ["paragraph", "heading", "quote", "caption", "item"]

    def text(n: int) -> str:
        return "".join(rnd.choice(alphabet) for _ in range(n))

    blocks = [Block(rnd.choice(kinds), text(rnd.randint(0, 300)), i, i + 1) for i in range(rnd.randint(0, 12))]
    removed = [Removed(text(rnd.randint(1, 80)), rnd.choice(["comments", "promo"]), rnd.randint(0, 13)) for _ in range(rnd.randint(0, 3))]
    return Article(title=text(rnd.randint(0, 120)), dek=text(rnd.randint(0, 40)) or None,
                   outlet=text(5) or None, blocks=blocks, removed=removed)


@sync
async def test_random_articles_render_full_width_strips_at_any_width():
    rnd = random.Random(1234)
    async with opened(None, size=(120, 30)) as (app, pilot, view):
        for n in range(40):
            art = random_article(rnd)
            width = rnd.choice([1, 5, 12, 40, 81, 120])
            view.show_removed = bool(n % 2)
            view.load(art, cursor=rnd.randint(0, 20), scroll_y=rnd.randint(0, 50))
            view._layout(width)
            view.finish_layout()
            text = art.text()
            hl = sorted(rnd.randint(0, len(text) + 5) for _ in range(4))
            view.set_highlights([Highlight(hl[0], hl[1], "pink", note=True), Highlight(hl[2], hl[3], "search")])
            for y in range(len(view._lines)):
                strip = view._render(y, width, (0, -1) if y % 3 == 0 else None)
                assert strip.cell_length == width
            # Every body character is on exactly one line, in order.
            shown = [
                view._spans[idx][0] + k
                for role, idx, a, b, _ in view._lines
                if role == R_BODY
                for k in range(a, b)
            ]
            assert shown == sorted(set(shown))
            for i, (start, _) in enumerate(view._spans):
                expected = {start + k for k, ch in enumerate(art.blocks[i].text) if ch not in " \n\t"}
                assert expected <= set(shown)
            # The keys work whatever the article (actions called directly: fast).
            for action in ("cursor_down", "cursor_up", "page_down", "page_up", "cursor_bottom", "cursor_top",
                           "toggle_removed"):
                getattr(view, "action_" + action)()
                assert 0 <= view.cursor < max(1, len(art.blocks))
        await pilot.pause()


@sync
async def test_theme_change_restyles_cached_lines():
    async with opened(small_article()) as (app, pilot, view):
        y = line_of(view, "Quit now")

        def title_colour():
            return [s.style.color for s in view.render_line(y) if "Quit" in s.text][0]

        app.theme = "textual-dark"
        await pilot.pause()
        dark = title_colour()
        app.theme = "textual-light"
        await pilot.pause()
        assert title_colour() != dark


@sync
async def test_k_on_the_first_paragraph_scrolls_up_to_what_is_above_it():
    """With the title (or removed text) above the first paragraph out of
    view, k shows it instead of doing nothing."""
    art = small_article()
    async with opened(art, cursor=0, scroll_y=4, size=(100, 12)) as (app, pilot, view):
        assert view.cursor == 0 and view.scroll_offset.y == 4
        assert "Quit now" not in "\n".join(screen_lines(view))
        await pilot.press("k")
        await pilot.pause()
        assert view.cursor == 0 and view.scroll_offset.y == 0
        assert "[@click=app.quit]Quit now[/]" in "\n".join(screen_lines(view))
        await pilot.press("k")  # already at the top: nothing moves
        assert view.cursor == 0 and view.scroll_offset.y == 0


@sync
async def test_r_says_what_it_did():
    """r on an article the cleaner removed nothing from changes nothing on
    screen: it says so, instead of looking like a dead key."""
    async with opened(small_article(), size=(100, 30)) as (app, pilot, view):
        await pilot.press("r")
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any("Showing text the cleaner removed (2 parts" in x for x in said)
        await pilot.press("r")
        await pilot.pause()
        assert "Removed text hidden." in [str(n.message) for n in app._notifications]
        app.clear_notifications()
        bare = Article(title="Clean", blocks=[Block("paragraph", LOREM, 1, 2)])
        view.load(bare)
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert [str(n.message) for n in app._notifications] == [
            "The cleaner removed nothing from this article."]
