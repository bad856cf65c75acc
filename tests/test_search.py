"""Search core and CLI: title ranking, passages, same passage, precision."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.core.clean import clean_file
from tui.core.search import (Doc, SearchIndex, fold, make_snippet, query_words, stem,
                             title_positions)

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "data").glob("*.txt"))


@pytest.fixture(scope="module")
def seeds():
    return [(str(p), clean_file(p)) for p in SEEDS]


@pytest.fixture(scope="module")
def ix(seeds):
    return SearchIndex.from_articles(seeds)


def seed_path(n: int) -> str:
    return str(SEEDS[n])


def block_with(seeds, n: int, needle: str) -> int:
    """Index of the block of seed *n* containing *needle* (robust to the cleaner)."""
    art = seeds[n][1]
    for i, b in enumerate(art.blocks):
        if needle in b.text:
            return i
    raise AssertionError(f"{needle!r} not in seed {n}")


# -- terms ------------------------------------------------------------------------

def test_stem_is_consistent_across_inflections():
    assert stem("prepares") == stem("prepared") == stem("preparing") == stem("prepare")
    assert stem("caves") == stem("cavs") == stem("cave")
    assert stem("missiles") == stem("missile")
    assert stem("war") == "war"  # short words untouched


def test_fold_accents_case_and_numbers():
    assert fold("Zelenskyy") == "zelenskyy"
    assert fold("Orbán") == "orban"
    assert fold("10,000") == "10000"
    assert fold("20th") == "20"
    assert query_words("Biden’s 10,000 troops!") == ["biden", "s", "10000", "troops"]


# -- titles --------------------------------------------------------------------------

def test_title_typo_query_finds_biden_caves(ix):
    hits = ix.search_titles("biden cavs")
    assert hits and hits[0].path == seed_path(2)
    assert hits[0].title.startswith("Biden caves")


def test_title_word_order_and_typo(ix):
    hits = ix.search_titles("prepares for ofice trump")
    assert hits[0].path == seed_path(0)
    assert "Trump Prepares For Office" in hits[0].title


def test_title_results_are_ranked_and_scored(ix):
    hits = ix.search_titles("biden")
    assert len(hits) >= 4  # Biden is in most seed titles
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 100 for s in scores)


def test_title_prefix_as_you_type(ix):
    # Every prefix of "loosen" from 3 letters on finds the ICARO title.
    for q in ("loo", "loos", "loose", "loosen"):
        hits = ix.search_titles(q)
        assert hits and hits[0].path == seed_path(4), q


def test_title_no_match_is_empty(ix):
    assert ix.search_titles("zzqxv") == []
    assert ix.search_titles("") == []
    assert ix.search_titles("   ") == []


def test_title_positions_highlight_matched_characters():
    title = "Biden caves, allows Ukraine to use U.S. missiles"
    pos = title_positions(title, query_words("biden cavs"))
    chars = "".join(title[i] for i in pos)
    assert chars == "Bidencavs"  # the 'e' of "caves" was not typed
    assert set(range(0, 5)) <= set(pos)
    assert 9 not in pos  # the 'e' of caves
    pos = title_positions("As Trump Prepares For Office", ["prep"])
    assert [("As Trump Prepares For Office")[i] for i in pos] == list("Prep")
    pos = title_positions("As Trump Prepares For Office", ["ofice"])
    assert "".join("As Trump Prepares For Office"[i] for i in pos) == "Ofice"


def test_title_hits_carry_positions(ix):
    h = ix.search_titles("biden cavs")[0]
    assert "".join(h.title[i] for i in h.positions).lower() == "bidencavs"


def test_title_search_uses_outlet_and_author():
    docs = [Doc("a.txt", "Markets rally on rate cut hopes", outlet="Kyiv Post", author="Anna Smith"),
            Doc("b.txt", "Rally in Kyiv as winter begins", outlet="Global Dispatch", author="Tom Reed"),
            Doc("c.txt", "Winter storms close schools", outlet="Valley Gazette", author="Anna Kovalenko")]
    ix = SearchIndex.build(docs)
    assert ix.search_titles("kyiv post")[0].path == "a.txt"
    assert ix.search_titles("kovalenko")[0].path == "c.txt"
    # A title match beats an outlet-only match.
    hits = ix.search_titles("kyiv")
    assert [h.path for h in hits][:2] == ["b.txt", "a.txt"]


# -- passages ------------------------------------------------------------------------------

def test_passage_typo_query_finds_icaro_paragraph(ix, seeds):
    hits = ix.search_passages("pokrovsk artilery power sector")
    assert hits, "no hits"
    top = hits[0]
    assert top.path == seed_path(4)
    assert top.paragraph == block_with(seeds, 4, "Pokrovsk")
    words = {top.passage[a:b] for a, b in top.spans}
    assert {"Pokrovsk", "artillery", "power", "sector"} <= words


def test_passage_blinken_quote_in_two_seeds(ix, seeds):
    hits = ix.search_passages("every dollar out the door")
    top2 = {(h.path, h.paragraph) for h in hits[:2]}
    assert top2 == {(seed_path(0), block_with(seeds, 0, "every dollar")),
                    (seed_path(1), block_with(seeds, 1, "every dollar"))}


def test_passage_results_are_precise(ix, seeds):
    n_blocks = sum(len(a.blocks) for _, a in seeds)
    hits = ix.search_passages("storm shadow", limit=1000)
    # Only the blocks that mention Storm Shadow (fzf would match far more).
    assert 1 <= len(hits) <= 6 < n_blocks
    for h in hits:
        assert "storm shadow" in h.passage.lower()


def test_passage_exact_beats_typo(ix):
    exact = ix.search_passages("storm shadow")[0].score
    typo = ix.search_passages("storm shadw")[0].score
    assert typo < exact


def test_passage_proximity_ranks_adjacent_words_first():
    docs = [Doc("far.txt", "Far", paragraphs=[
                "The power of the people was felt across every sector of the economy today."]),
            Doc("near.txt", "Near", paragraphs=[
                "Attacks on the power sector left the city dark for a week."])]
    ix = SearchIndex.build(docs)
    hits = ix.search_passages("power sector")
    assert [h.path for h in hits] == ["near.txt", "far.txt"]
    assert hits[0].score > hits[1].score


def test_passage_spans_and_snippet(ix):
    h = ix.search_passages("north korean troops")[0]
    for a, b in h.spans:
        assert h.passage[a:b].lower().startswith(("north", "korean", "troop"))
    snip, spans = h.snippet(60)
    assert len(snip) <= 62
    for a, b in spans:
        assert snip[a:b].lower().startswith(("north", "korean", "troop"))


def test_make_snippet_windows_around_first_match():
    text = "word " * 100 + "needle here " + "tail " * 50
    start = text.index("needle")
    snip, spans = make_snippet(text, [(start, start + 6)], width=80)
    assert snip.startswith("…") and snip.endswith("…")
    (a, b), = spans
    assert snip[a:b] == "needle"


def test_hits_in_one_article_in_reading_order(ix, seeds):
    hits = ix.hits_in(seed_path(3), "north korean")
    paras = [h.paragraph for h in hits]
    assert paras == sorted(paras) and len(paras) >= 3
    assert all(h.path == seed_path(3) for h in hits)
    blocks = seeds[3][1].blocks
    for p in paras:
        assert "north korea" in blocks[p].text.lower()


def test_stopword_only_query_is_empty(ix):
    assert ix.search_passages("the of and") == []


# -- same passage ------------------------------------------------------------------------------

# Verified by reading the seeds: (seed, needle) -> (seed, needle) say the same thing.
SAME_PAIRS = [
    ((0, "every dollar we have"), (1, "every dollar we have")),
    ((1, "approximately 10,000 North Korean"), (2, "estimated 10,000 troops to Kursk")),
    ((0, "growing concerns about North Korean"), (1, "growing concerns over North Korean")),
    ((2, "officially authorized Ukraine"), (1, "approved the use of long-range U.S. weapons")),
    ((3, "range of up to 190 miles"), (4, "beyond the range of ATACMS")),
    ((3, "driven in part by the recent involvement"), (2, "estimated 10,000 troops to Kursk")),
]


@pytest.mark.parametrize("src,dst", SAME_PAIRS)
def test_same_passage_pairs_across_seeds(ix, seeds, src, dst):
    s_path, s_par = seed_path(src[0]), block_with(seeds, *src)
    d_key = (seed_path(dst[0]), block_with(seeds, *dst))
    hits = ix.same_passage(s_path, s_par)
    assert d_key in [(h.path, h.paragraph) for h in hits]
    assert all(h.path != s_path for h in hits)  # other articles only


def test_same_passage_blinken_is_top_and_strong(ix, seeds):
    hits = ix.same_passage(seed_path(0), block_with(seeds, 0, "every dollar we have"))
    assert (hits[0].path, hits[0].paragraph) == (seed_path(1), block_with(seeds, 1, "every dollar"))
    assert hits[0].score >= 60
    assert all(h.score < hits[0].score for h in hits[1:])
    shared = {hits[0].passage[a:b].lower() for a, b in hits[0].spans}
    assert {"dollar", "door", "january"} <= shared


def test_same_passage_ataсms_pair(ix, seeds):
    hits = ix.same_passage(seed_path(0), block_with(seeds, 0, "American-supplied ATACMS"))
    keys = [(h.path, h.paragraph) for h in hits[:3]]
    assert (seed_path(1), block_with(seeds, 1, "Army Tactical Missile System (ATACMS) for strikes")) in keys


def test_same_passage_unrelated_has_no_strong_match(ix, seeds):
    hits = ix.same_passage(seed_path(3), block_with(seeds, 3, "Chinese regime also insisted"))
    assert hits == []


def test_same_passage_unknown_is_empty(ix):
    assert ix.same_passage("nope.txt", 0) == []
    assert ix.same_passage(seed_path(0), 9999) == []


# -- a generated library: precision and the database-backed store ------------------------------

@pytest.fixture(scope="module")
def gen_lib(tmp_path_factory):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import gen_library
    finally:
        sys.path.pop(0)
    out = tmp_path_factory.mktemp("genlib")
    gen_library.generate(out, 150, seed=3, jobs=1)
    docs = []
    for p in sorted(out.rglob("*.txt")):
        paras = [" ".join(x.split()) for x in p.read_text(encoding="utf-8").split("\n\n") if x.strip()]
        docs.append(Doc(str(p), paras[0], paragraphs=paras[1:]))
    return out, docs


def test_short_queries_stay_precise_on_a_generated_library(gen_lib):
    _, docs = gen_lib
    ix = SearchIndex.build(docs)
    n = sum(len(d.paragraphs) for d in docs)
    for q in ("military aid", "air quality", "restrictions weapons", "apple keyboard"):
        hits = ix.search_passages(q, limit=n)
        assert len(hits) < 0.05 * n, (q, len(hits), n)
        for h in hits:
            assert len(h.spans) >= 2  # both words (or their typos/stems) are there


def test_database_store_matches_memory_store(seeds_dir, tmp_path):
    from tui.core.db import Database
    from tui.core.library import Library
    from tui.core.search import docs_from_db

    db = Database.open(tmp_path / "home")
    lib = Library(db, [seeds_dir])
    lib.scan()
    ix_db = SearchIndex.build(docs_from_db(db), db_path=str(db.path))
    mem = [(e.path, lib.article(e.path)) for e in lib.entries() if e.ok]
    ix_mem = SearchIndex.from_articles(mem)
    for q in ("pokrovsk artilery power sector", "north korean troops"):
        a = [(h.path, h.paragraph, h.score, h.spans) for h in ix_db.search_passages(q)]
        b = [(h.path, h.paragraph, h.score, h.spans) for h in ix_mem.search_passages(q)]
        assert a == b and a
    src = ix_db.search_passages("every dollar out the door")[0]
    assert ix_db.same_passage(src.path, src.paragraph)[0].passage == \
        ix_mem.same_passage(src.path, src.paragraph)[0].passage
    db.close()


# -- CLI -----------------------------------------------------------------------------------------

def run_cli(*args, home=None):
    from tui.cli import main
    import io
    import contextlib

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(["search", *args] + (["--home", str(home)] if home else []))
    return rc, out.getvalue(), err.getvalue()


def test_cli_titles_default_library():
    rc, out, err = run_cli("biden cavs")
    assert rc == 0
    assert out.splitlines()[0].split(None, 1)[1].startswith("Biden caves")


def test_cli_passages_json():
    rc, out, _ = run_cli("pokrovsk artilery power sector", "--passages", "--format", "json", "--limit", "3")
    assert rc == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert 1 <= len(rows) <= 3
    assert {"path", "title", "score", "passage", "paragraph"} <= set(rows[0])
    assert "Pokrovsk" in rows[0]["passage"]
    assert rows[0]["path"].endswith(SEEDS[4].name)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_cli_titles_json_keys_and_limit():
    rc, out, _ = run_cli("biden", "--format", "json", "--limit", "2")
    rows = [json.loads(line) for line in out.splitlines()]
    assert rc == 0 and len(rows) == 2
    assert {"path", "title", "score"} <= set(rows[0])


def test_cli_paths_and_home(seeds_dir, tmp_path):
    rc, out, _ = run_cli("every dollar", str(seeds_dir), "--passages", "--format", "json", home=tmp_path / "h")
    assert rc == 0
    paths = {json.loads(l)["path"] for l in out.splitlines()}
    assert paths >= {str(Path(seeds_dir, SEEDS[0].name).resolve()), str(Path(seeds_dir, SEEDS[1].name).resolve())}


def test_cli_home_with_uri_characters_in_its_name(seeds_dir, tmp_path):
    """The database is opened read-only through a file: URI; a home whose
    name holds ?, # or % must still be that home (they are quoted)."""
    from tui.cli import main

    home = tmp_path / "we?ird #home %41"
    assert main(["index", str(seeds_dir), "--home", str(home)]) == 0
    rc, out, err = run_cli("every dollar", str(seeds_dir), "--passages", "--format", "json", home=home)
    assert rc == 0, err
    rows = [json.loads(l) for l in out.splitlines()]
    assert rows and all("every dollar" in r["passage"].lower() or "dollar" in r["passage"].lower() for r in rows)
    assert (home / "search-index").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == [home.name]


def test_cli_no_match_and_usage_errors(tmp_path):
    rc, out, err = run_cli("zzqxvw")
    assert rc == 1 and out == "" and "no matches" in err
    rc, _, err = run_cli("   ")
    assert rc == 2 and err.count("\n") == 1
    rc, _, err = run_cli("biden", "--limit", "0")
    assert rc == 2 and "--limit" in err
    rc, _, err = run_cli("biden", str(tmp_path / "missing"))
    assert rc == 2 and "no such file" in err
    rc, _, err = run_cli("biden", str(tmp_path))  # exists, but no articles
    assert rc == 2 and "no readable articles" in err


def test_cli_hostile_titles_are_printed_plain(hostile_library):
    rc, out, err = run_cli("bold", str(hostile_library), "--format", "json")
    assert "Traceback" not in err
    assert "\x1b" not in out


def test_search_module_not_imported_by_cli_startup():
    code = "import sys, tui.cli; tui.cli._parser(); print('tui.core.search' in sys.modules, 'rapidfuzz' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.split() == ["False", "False"]


# -- properties ------------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(min_size=0, max_size=40))
def test_any_query_is_safe_and_well_formed(ix, q):
    for hits in (ix.search_titles(q), ix.search_passages(q)):
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)
        assert all(0 <= s <= 100 for s in scores)
    for h in ix.search_titles(q):
        assert all(0 <= p < len(h.title) for p in h.positions)
    for h in ix.search_passages(q):
        assert all(0 <= a < b <= len(h.passage) for a, b in h.spans)
        snip, spans = h.snippet(80)
        assert all(0 <= a < b <= len(snip) for a, b in spans)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(["storm", "shadow", "pokrovsk", "dollar", "door", "korean",
                                        "troops", "kursk", "missiles", "blinken"]),
                      min_size=1, max_size=4))
def test_word_order_does_not_change_passage_results(ix, words):
    a = {(h.path, h.paragraph) for h in ix.search_passages(" ".join(words), limit=500, prefix_last=False)}
    b = {(h.path, h.paragraph) for h in ix.search_passages(" ".join(reversed(words)), limit=500,
                                                            prefix_last=False)}
    assert a == b


def test_titles_are_ready_before_paragraphs(seeds):
    got = []
    from tui.core.search import doc_from_article

    full = SearchIndex.build([doc_from_article(p, a) for p, a in seeds], on_titles=got.append)
    (part,) = got
    assert not part.passages_ready and full.passages_ready
    assert part.search_titles("biden cavs")[0].path == seed_path(2)
    assert part.search_passages("storm shadow") == []
    assert full.search_passages("storm shadow")


def test_saved_index_round_trip_and_invalidation(seeds_dir, tmp_path):
    from tui.core.db import Database
    from tui.core.library import Library
    from tui.core.search import INDEX_DIR, docs_from_db, library_index, library_signature

    db = Database.open(tmp_path / "home")
    lib = Library(db, [seeds_dir])
    lib.scan()
    paths = [e.path for e in lib.entries() if e.ok]
    dbp = str(db.path)
    built = library_index(dbp, paths)
    folder = tmp_path / "home" / INDEX_DIR
    assert (folder / "index.json").exists()
    sig = library_signature(dbp, paths)
    loaded = SearchIndex.load(folder, docs_from_db(db, paths), dbp, sig)
    assert loaded is not None
    for q in ("pokrovsk artilery power sector", "north korean troops", "every dollar"):
        assert [(h.path, h.paragraph, h.score, h.spans) for h in loaded.search_passages(q)] == \
               [(h.path, h.paragraph, h.score, h.spans) for h in built.search_passages(q)]
    assert [(h.path, h.positions) for h in loaded.search_titles("biden cavs")] == \
           [(h.path, h.positions) for h in built.search_titles("biden cavs")]
    src = built.search_passages("every dollar out the door")[0]
    assert [(h.path, h.paragraph) for h in loaded.same_passage(src.path, src.paragraph)] == \
           [(h.path, h.paragraph) for h in built.same_passage(src.path, src.paragraph)]
    # Another library state (or other roots) does not load it.
    assert SearchIndex.load(folder, docs_from_db(db, paths), dbp, sig[:-1] + ["other"]) is None
    assert SearchIndex.load(folder, docs_from_db(db, paths[:3]), dbp, sig) is None
    # A damaged saved index is ignored and rebuilt.
    (folder / "body.postings.npy").write_bytes(b"garbage")
    assert SearchIndex.load(folder, docs_from_db(db, paths), dbp, sig) is None
    again = library_index(dbp, paths)
    assert again.search_passages("storm shadow")
    assert SearchIndex.load(folder, docs_from_db(db, paths), dbp, sig) is not None
    db.close()


def test_same_passage_prefers_a_paraphrase_over_a_heading_fragment():
    src = ("The ministry said on Tuesday that the new bridge over the river will open in March, "
           "two years later than planned, after costs rose to 400 million euros.")
    para = ("The new bridge over the river will now open in March, the ministry said Tuesday, "
            "two years behind schedule, with costs up to 400 million euros.")
    docs = [Doc("a.txt", "Bridge delayed", paragraphs=[src, "Unrelated text about the weather today."]),
            Doc("b.txt", "River crossing late", paragraphs=["New Bridge Over the River Opens in March", para]),
            Doc("c.txt", "Cooking", paragraphs=["Stir the onions until golden, then add the rice."])]
    ix = SearchIndex.build(docs)
    hits = ix.same_passage("a.txt", 0)
    assert (hits[0].path, hits[0].paragraph) == ("b.txt", 1)
    assert hits[0].score >= 60
    heading = [h for h in hits if h.paragraph == 0 and h.path == "b.txt"]
    assert not heading or heading[0].score < hits[0].score - 20
    assert all(h.path != "c.txt" for h in hits)
    # A short source inside a long paragraph is found (containment).
    hits = ix.same_passage("b.txt", 0)
    assert hits and (hits[0].path, hits[0].paragraph) == ("a.txt", 0)


# -- same story ---------------------------------------------------------------------------------------

COOKING = Doc("cooking.txt", "Chef Maria Rossi Opens a Trattoria in Naples", outlet="Food Weekly",
              paragraphs=["Chef Maria Rossi opened her new trattoria in Naples on Friday, serving "
                          "recipes from her grandmother in Calabria.",
                          "The menu at Trattoria Rossi changes with the season; in October it "
                          "features porcini from the hills above Salerno, 250 grams a plate.",
                          "Rossi trained in Milan and Lyon before returning to Naples in 2019."])


@pytest.fixture(scope="module")
def ix_story(seeds):
    from tui.core.search import doc_from_article

    return SearchIndex.build([doc_from_article(p, a) for p, a in seeds] + [COOKING])


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_same_story_finds_the_other_seeds(ix_story, n):
    # The five seeds cover one story (Biden, Ukraine, ATACMS strikes in Russia).
    hits = ix_story.same_story(seed_path(n))
    paths = [h.path for h in hits]
    assert seed_path(n) not in paths and "cooking.txt" not in paths
    assert len(set(paths) & {seed_path(i) for i in range(5)}) >= 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_same_story_of_an_unrelated_article_is_empty(ix_story):
    assert ix_story.same_story("cooking.txt") == []
    assert ix_story.same_story("missing.txt") == []
