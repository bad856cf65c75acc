"""The windowed source list: tui.core.listing (SQL view) and the SourceList
widget over it (only visible rows are fetched and built)."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from tests.pilot_helpers import settle

from tui.core.db import Database
from tui.core.library import Library
from tui.core.listing import PAGE, Listing, TRIGRAM_MIN

ROOT = "/no-such-copydesk-library"

HOSTILE = [
    "100% sure_thing", "50%_off", "a_b%c", 'say "hello" now', "it's 'quoted'",
    "[@click=app.quit]Click[/]", "[b]bold[/b] $accent", "back\\slash \\%", "Straße",
    "STRASSE", "STRAßE", "straẞe", "Café CAFÉ cafe", "ΣΊΣΥΦΟΣ σίσυφος", "ǅemal ǆ",
    "İstanbul istanbul", "ſtraight", "Ⅻ ⅻ", "ﬁne print", "日本語のタイトル", "🙂 emoji 🙂",
    "  spaced  out  ", "", "x", "ab", "NEAR AND", "title*with^fts:syntax (x OR y)",
    "tab\there", "Ω ohm Ω", "K kelvin K",
]
ALPHABET = "abcABC xyzXYZ%_\"'\\[]@=éÉßẞſΣσςİiıKkΩω日🙂-*^:()"


def sqlite_fold_map(chars: str) -> dict[str, str]:
    """How FTS5's trigram tokenizer folds each character (read back from
    its vocabulary): the definition of case-insensitive for >= 3 chars."""
    c = sqlite3.connect(":memory:")
    c.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    c.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    chars = sorted(set(chars))
    c.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)",
                  [(i, f"\x01{ch}\x01") for i, ch in enumerate(chars)])
    return {chars[doc]: term[1:-1] for term, doc in c.execute("SELECT term, doc FROM v")}


FOLD = sqlite_fold_map(ALPHABET + "".join(HOSTILE))
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def reference(titles: list[tuple[str, str]], query: str) -> list[str]:
    """Brute force: paths (sorted) whose title matches *query* (module doc)."""
    q = query.strip()
    if not q:
        return sorted(p for p, _ in titles)
    if len(q) >= TRIGRAM_MIN:
        missing = set(q) - FOLD.keys()
        if missing:
            FOLD.update(sqlite_fold_map("".join(missing)))

        def f(s):
            return "".join(FOLD.get(ch, ch) for ch in s)
    else:
        def f(s):
            return s.translate(ASCII_LOWER)
    return sorted(p for p, t in titles if f(q) in f(t))


def make_db(home: Path, titles: list[tuple[str, str]], *, extra=()) -> Database:
    db = Database.open(home)
    with db.transaction() as c:
        c.executemany("INSERT INTO articles(path, title, status) VALUES (?, ?, 'ok')", titles)
        c.executemany("INSERT INTO articles(path, title, status) VALUES (?, ?, ?)", extra)
    return db


def random_titles(n: int, seed: int) -> list[tuple[str, str]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        if rnd.random() < 0.3:
            t = rnd.choice(HOSTILE)
        else:
            t = "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 12)))
        out.append((f"{ROOT}/{rnd.randint(0, 99):02d}/{i:05d}.txt", t))
    return out


def view(listing: Listing) -> list[str]:
    return [e.path for e in listing.rows(0, listing.count())]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_filter_matches_a_brute_force_filter(tmp_path: Path, seed: int) -> None:
    titles = random_titles(400, seed)
    db = make_db(tmp_path, titles)
    listing = Listing(db, [ROOT])
    rnd = random.Random(seed)
    queries = HOSTILE + ["ss", "SS", "ß", "%", "_", '"', "\\", "[", "é", "É", "σ", "Σ", "ς",
                         "STRASSE", "STRAẞE", "sTrAßE", "café", "CAFÉ", "ſtr", "STR", "ﬁ"]
    for _ in range(60):
        whole = rnd.choice(titles)[1]
        if len(whole) >= 2:
            a = rnd.randrange(len(whole) - 1)
            queries.append(whole[a:a + rnd.randint(1, 6)].swapcase())
        queries.append("".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(1, 4))))
    for q in queries:
        listing.set_query(q)
        expect = reference(titles, q)
        assert view(listing) == expect, q
        assert listing.count() == len(expect), q


@pytest.mark.parametrize("dense", [0.0, 1.0])
def test_both_plans_of_a_trigram_query_agree(tmp_path: Path, monkeypatch, dense: float) -> None:
    """Dense matches are read in path order from the list's index, sparse
    ones sorted by path: the same rows either way."""
    from tui.core import listing as listing_mod

    titles = random_titles(400, 5)
    listing = Listing(make_db(tmp_path, titles), [ROOT])
    monkeypatch.setattr(listing_mod, "DENSE", dense)
    for q in ["abc", "ABC", "a b", "%_\"", "straße", "ΣΊΣ", "[@click", "xyz", "100% sure_thing"]:
        listing.set_query(q)
        assert view(listing) == reference(titles, q), q
        listing.set_query("")


def test_semantics_spelled_out(tmp_path: Path) -> None:
    titles = [(f"{ROOT}/{i}.txt", t) for i, t in enumerate(HOSTILE)]
    listing = Listing(make_db(tmp_path, titles), [ROOT])

    def shown(q):
        listing.set_query(q)
        return {e.title for e in listing.rows(0, 100)}

    assert shown("strasse") == {"STRASSE"}          # no multi-character folding
    assert shown("straße") == {"Straße", "STRAßE", "straẞe"}  # ẞ folds to ß
    assert shown("CAFÉ") == {"Café CAFÉ cafe"}
    assert shown("σίσ") == {"ΣΊΣΥΦΟΣ σίσυφος"}
    assert shown("50%") == {"50%_off"}              # LIKE wildcards are literal
    assert shown("%") == {"100% sure_thing", "50%_off", "a_b%c", "back\\slash \\%"}
    assert shown("_") == {"100% sure_thing", "50%_off", "a_b%c"}
    assert shown('"hello"') == {'say "hello" now'}
    assert shown("[@click") == {"[@click=app.quit]Click[/]"}
    assert shown("OR y)") == {"title*with^fts:syntax (x OR y)"}
    assert shown("é") == {"Café CAFÉ cafe"}        # short: exact case beyond ASCII
    assert shown("É") == {"Café CAFÉ cafe"}
    assert shown("  ") == {t for _, t in titles}    # blank: no filter


def test_rows_count_and_index_of_in_path_order(tmp_path: Path) -> None:
    titles = random_titles(PAGE * 5 + 7, 9)
    extra = [(f"{ROOT}/zz/missing.txt", "gone", "missing"),
             (f"{ROOT}/zz/bad.txt", "broken", "error"),
             ("/no-such-elsewhere/a.txt", "other library", "ok")]
    db = make_db(tmp_path, titles, extra=extra)
    listing = Listing(db, [ROOT])
    paths = sorted([p for p, _ in titles] + [f"{ROOT}/zz/bad.txt"])
    assert listing.count() == len(paths)
    assert listing.totals() == (len(paths), len(paths) - 1)
    assert view(listing) == paths
    # windows at odd offsets and across pages, in any order (keyset + offset)
    rnd = random.Random(1)
    for _ in range(40):
        listing.forget() if rnd.random() < 0.3 else None
        off, lim = rnd.randrange(len(paths) + 5), rnd.randint(0, 150)
        assert [e.path for e in listing.rows(off, lim)] == paths[off:off + lim]
    for i in rnd.sample(range(len(paths)), 25):
        listing.forget()
        assert listing.index_of(paths[i]) == i
        assert listing.index_of(paths[i]) == i  # from the cache
    assert listing.index_of(f"{ROOT}/zz/missing.txt") is None
    assert listing.index_of("/no-such-elsewhere/a.txt") is None
    assert listing.contains(f"{ROOT}/zz/bad.txt")
    assert not listing.contains(f"{ROOT}/zz/missing.txt")
    assert listing.first_ok().path == paths[0]
    # filtered view: index_of among the matches
    listing.set_query(titles[3][1] or "x")
    shown = view(listing)
    for i, p in enumerate(shown):
        assert listing.index_of(p) == i
    hidden = next(p for p in paths if p not in shown)
    assert listing.index_of(hidden) is None


def test_rows_carry_read_flag_and_mark_count(tmp_path: Path) -> None:
    titles = [(f"{ROOT}/{i}.txt", f"t{i}") for i in range(5)]
    db = make_db(tmp_path, titles)
    with db.transaction() as c:
        c.execute("INSERT INTO reading_state(path, read) VALUES (?, 1)", (f"{ROOT}/1.txt",))
        for n, (p, deleted) in enumerate([("2", None), ("2", None), ("2", "x"), ("3", None)]):
            c.execute("INSERT INTO marks(uuid, path, exact, start, end, created, modified, deleted)"
                      " VALUES (?, ?, 'x', 0, 1, 'c', 'm', ?)", (f"u{n}", f"{ROOT}/{p}.txt", deleted))
    listing = Listing(db, [ROOT])
    rows = {e.path.rsplit("/", 1)[1]: e for e in listing.rows(0, 10)}
    assert [rows[f"{i}.txt"].read for i in range(5)] == [False, True, False, False, False]
    assert [rows[f"{i}.txt"].marks for i in range(5)] == [0, 0, 2, 1, 0]
    assert listing.unread() == 4


def test_titles_index_follows_the_library(tmp_path: Path) -> None:
    """The triggers keep the FTS table in sync through Library.scan()."""
    lib = tmp_path / "lib"
    lib.mkdir()
    for name, title in [("a", "Alpha story"), ("b", "Beta story"), ("c", "Gamma story")]:
        (lib / f"{name}.md").write_text(f"# {title}\n\nSome body text for {name}.\n")
    db = Database.open(tmp_path / "home")
    library = Library(db, [lib])
    library.scan(jobs=1)
    listing = Listing(db, [lib])
    assert listing.set_query("story") and listing.count() == 3
    (lib / "b.md").unlink()
    (lib / "a.md").write_text("# Delta tale\n\nOther body text here.\n")
    (lib / "d.md").write_text("# Epsilon story\n\nNew body text here.\n")
    library.scan(jobs=1)
    listing.refresh()
    assert [e.title for e in listing.rows(0, 10)] == ["Gamma story", "Epsilon story"]
    listing.set_query("tale")
    assert [e.title for e in listing.rows(0, 10)] == ["Delta tale"]
    (lib / "b.md").write_text("# Beta story\n\nBack again text.\n")  # missing -> ok again
    library.scan(jobs=1)
    listing.refresh()
    listing.set_query("beta")
    assert [e.title for e in listing.rows(0, 10)] == ["Beta story"]
    n = db.conn.execute("SELECT COUNT(*) FROM article_titles").fetchone()[0]
    assert n == listing.totals()[0] == 4


def test_fetches_only_the_pages_asked_for(tmp_path: Path) -> None:
    titles = [(f"{ROOT}/{i:05d}.txt", f"title {i}") for i in range(3000)]
    listing = Listing(make_db(tmp_path, titles), [ROOT])
    assert listing.count() == 3000 and listing.rows_fetched == 0
    listing.rows(1500, 20)
    assert listing.queries == 1 and listing.rows_fetched == PAGE
    listing.rows(1500, 20)
    assert listing.queries == 1
    assert listing.index_of(f"{ROOT}/02999.txt") == 2999
    assert listing.rows_fetched == PAGE


# -- the widget: only what is shown is fetched and built ---------------------------

N_ROWS = 5000


def story_db(home: Path, n: int = N_ROWS) -> Database:
    titles = [(f"{ROOT}/{i:06d}.txt", f"Story number {i}") for i in range(n)]
    db = Database.open(home)
    with db.transaction() as c:
        c.executemany("INSERT INTO articles(path, title, status, outlet, published, words) "
                      "VALUES (?, ?, 'ok', 'Outlet', '2024-11-18T10:00', 460)", titles)
        c.executemany("INSERT INTO reading_state(path, read) VALUES (?, 1)",
                      [(p,) for p, _ in titles[1::2][:50]])
        c.executemany("INSERT INTO marks(uuid, path, exact, start, end, created, modified) "
                      "VALUES (?, ?, 'x', 0, 1, 'c', 'm')",
                      [(f"u{i}", p) for i, (p, _) in enumerate(titles[::3][:80])])
    return db


def list_app():
    from textual.app import App

    from tui.ui.widgets.source_list import SourceList

    class ListApp(App):
        CSS = "SourceList { width: 40; height: 1fr; }"

        def __init__(self) -> None:
            super().__init__()
            self.chosen: list[str] = []
            self.filtered: list[str] = []

        def on_source_list_filtered(self, message) -> None:
            self.filtered.append(message.source_list.query)

        def compose(self):
            yield SourceList(on_select=lambda e: self.chosen.append(e.path))

    return ListApp()


def shown(sl) -> str:
    return "\n".join(sl.render_line(y).text for y in range(sl.size.height))


async def test_widget_fetches_and_builds_only_the_visible_window(tmp_path: Path) -> None:
    from tui.ui.widgets.source_list import SourceList

    db = story_db(tmp_path)
    listing = Listing(db, [ROOT])
    app = list_app()
    async with app.run_test(size=(80, 30)) as pilot:
        sl = app.query_one(SourceList)
        sl.set_listing(listing)
        await pilot.pause()
        assert sl.option_count == N_ROWS
        assert sl.virtual_size.height == 2 * N_ROWS
        text = shown(sl)
        assert "Story number 0" in text and "▍1  Outlet · 2024-11-18 · 2 min" in text
        assert "● Story number 2" in text
        row1 = sl.render_line(2).text  # row 1 (read): no unread dot
        assert "Story number 1" in row1 and "●" not in row1
        assert sl.built <= PAGE and listing.rows_fetched <= PAGE
        sl.focus()
        await pilot.press("end")
        await pilot.pause()
        assert sl.highlighted == N_ROWS - 1
        assert f"Story number {N_ROWS - 1}" in shown(sl)
        await pilot.press("pageup", "up", "k")
        await pilot.pause()
        assert sl.highlighted < N_ROWS - 10
        before = sl.highlighted
        await pilot.press("down", "j")
        assert sl.highlighted == before + 2
        await pilot.press("home", "up")  # wraps, as OptionList does
        assert sl.highlighted == N_ROWS - 1
        # a jump into the middle (scrollbar drag): that window only
        sl.scroll_to(y=2 * 2500, animate=False, immediate=True)
        await pilot.pause()
        assert "Story number 2500" in shown(sl)
        assert listing.rows_fetched <= 8 * PAGE, listing.rows_fetched
        assert sl.built <= 8 * PAGE
        # Enter opens the highlighted row; a click opens the clicked row
        await pilot.press("enter")
        assert app.chosen == [f"{ROOT}/{N_ROWS - 1:06d}.txt"]


async def test_widget_filter_keeps_the_highlight_by_path(tmp_path: Path) -> None:
    from tui.ui.widgets.source_list import SourceList

    listing = Listing(story_db(tmp_path), [ROOT])
    app = list_app()
    async with app.run_test(size=(80, 30)) as pilot:
        sl = app.query_one(SourceList)
        sl.set_listing(listing, keep=f"{ROOT}/004242.txt")
        await pilot.pause()
        assert sl.highlighted == 4242 and sl.highlighted_path == f"{ROOT}/004242.txt"
        assert "Story number 4242" in shown(sl)
        sl.set_filter("number 424")
        await settle(app, pilot)
        expect = [f"Story number {n}" for n in [424] + list(range(4240, 4250))]
        assert [e.title for e in sl.visible_entries] == expect
        assert sl.highlighted_path == f"{ROOT}/004242.txt"  # still on it
        sl.set_filter("NUMBER 4")  # case-insensitive
        await settle(app, pilot)
        assert len(sl.visible_entries) == sum(1 for i in range(N_ROWS) if str(i).startswith("4"))
        assert sl.highlighted_path == f"{ROOT}/004242.txt"
        sl.set_filter("no such title")
        await settle(app, pilot)
        assert sl.option_count == 0 and sl.highlighted is None
        sl.set_filter("")
        await pilot.pause()
        assert sl.option_count == N_ROWS
        assert sl.highlight_path(f"{ROOT}/000007.txt") and sl.highlighted == 7
        # clicking a row opens it
        sl.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        top = sl.content_region.y - sl.region.y  # the border
        await pilot.click(SourceList, offset=(5, top + 2 * 3))
        assert app.chosen == [f"{ROOT}/000003.txt"]
        assert listing.rows_fetched < 12 * PAGE


async def test_widget_updates_one_row(tmp_path: Path) -> None:
    from tui.ui.widgets.source_list import SourceList

    listing = Listing(story_db(tmp_path), [ROOT])
    app = list_app()
    async with app.run_test(size=(80, 30)) as pilot:
        sl = app.query_one(SourceList)
        sl.set_listing(listing)
        await pilot.pause()
        assert "● Story number 4" in shown(sl)
        fetched = listing.rows_fetched
        sl.update_entry(f"{ROOT}/000004.txt", read=True, marks=7)
        await pilot.pause()
        text = shown(sl)
        assert "● Story number 4" not in text and "▍7" in text
        assert listing.rows_fetched == fetched  # no re-read of the library
        assert listing.unread() == N_ROWS - 50  # counted from the database


async def test_widget_filter_runs_off_the_event_loop(tmp_path: Path) -> None:
    """Typing never waits for the match: rows change when the matches arrive,
    only the last of quickly typed queries is applied, Enter can flush."""
    from tui.ui.widgets.source_list import SourceList

    listing = Listing(story_db(tmp_path), [ROOT])
    app = list_app()
    async with app.run_test(size=(80, 30)) as pilot:
        sl = app.query_one(SourceList)
        sl.set_listing(listing)
        await pilot.pause()
        for q in ["s", "st", "sto", "stor", "story number 12"]:
            sl.set_filter(q)
        assert sl.filter_pending and sl.option_count == N_ROWS  # not applied yet
        await settle(app, pilot)
        assert not sl.filter_pending and sl.query == "story number 12"
        assert [e.title for e in sl.visible_entries][:2] == ["Story number 12", "Story number 120"]
        assert app.filtered == ["story number 12"]  # the stale queries were dropped
        sl.set_filter("number 4999")
        sl.flush_filter()
        assert [e.title for e in sl.visible_entries] == ["Story number 4999"]
        sl.set_filter("")  # clearing applies at once
        assert sl.option_count == N_ROWS and not sl.filter_pending
        await settle(app, pilot)


def test_filter_without_the_titles_index(tmp_path: Path) -> None:
    """A read-only database from before migration 4 has no article_titles:
    the filter is the LIKE scan for every query (ASCII case folding)."""
    titles = [(f"{ROOT}/{i}.txt", t) for i, t in enumerate(HOSTILE)]
    db = make_db(tmp_path, titles)
    db.conn.executescript("DROP TRIGGER article_titles_insert; DROP TRIGGER article_titles_update;"
                          "DROP TRIGGER article_titles_delete; DROP TABLE article_titles;")
    listing = Listing(db, [ROOT])
    for q, expect in [("strasse", {"STRASSE"}), ("café", {"Café CAFÉ cafe"}),
                      ("100% sure", {"100% sure_thing"}), ("[@CLICK", {"[@click=app.quit]Click[/]"})]:
        listing.set_query(q)
        assert {e.title for e in listing.rows(0, 100)} == expect, q


async def test_widget_filter_with_uri_characters_in_the_home(tmp_path: Path) -> None:
    """The worker's read-only connection finds a database whose folder name
    has URI characters (?, #, %)."""
    from tui.core.listing import connect_read_only
    from tui.ui.widgets.source_list import SourceList

    home = tmp_path / "we?ird #home %41"
    listing = Listing(story_db(home, 300), [ROOT])
    conn = connect_read_only(listing.db.path)
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 300
    conn.close()
    app = list_app()
    async with app.run_test(size=(80, 30)) as pilot:
        sl = app.query_one(SourceList)
        sl.set_listing(listing)
        sl.set_filter("number 29")
        await settle(app, pilot)
        assert [e.title for e in sl.visible_entries] == ["Story number 29"] + [
            f"Story number {n}" for n in range(290, 300)]


async def test_widget_full_list_is_patched_not_rebuilt(tmp_path: Path) -> None:
    """``entries`` (every row, for the palette) is built once; one row's
    change patches it in place (no second read of the library)."""
    from tui.ui.widgets.source_list import SourceList

    listing = Listing(story_db(tmp_path, 500), [ROOT])
    app = list_app()
    async with app.run_test(size=(80, 30)) as pilot:
        sl = app.query_one(SourceList)
        sl.set_listing(listing)
        await pilot.pause()
        every = sl.entries
        assert [e.path for e in every] == [f"{ROOT}/{i:06d}.txt" for i in range(500)]
        sl.update_entry(f"{ROOT}/000321.txt", marks=9, read=True)
        assert sl.entries is every
        assert (every[321].marks, every[321].read) == (9, True)
        sl.set_filter("number 32", wait=True)  # the filter does not change it
        assert sl.entries is every and len(every) == 500
        sl.reload()
        assert sl.entries is not every and sl.entries[321].read is False  # from the database
