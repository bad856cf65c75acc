"""One fixture per junk family, worded unlike the seeds: the junk goes (with
its family as the reason), the article stays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clean_labels import check_labels
from tui.core.clean import clean

FIX = Path(__file__).parent / "fixtures" / "clean"
NAMES = sorted(p.stem for p in FIX.glob("*.txt"))


@pytest.mark.parametrize("name", NAMES)
def test_family_fixture(name):
    text = (FIX / f"{name}.txt").read_text(encoding="utf-8")
    spec = json.loads((FIX / f"{name}.json").read_text(encoding="utf-8"))
    art = clean(text, name=f"{name}.txt")
    problems = check_labels(art, text, spec["lines"])
    assert not problems, "\n".join(problems)
    if spec["meta"].get("title"):
        assert art.title == spec["meta"]["title"]


def test_every_family_has_a_fixture():
    fams = {"comments", "reactions", "share-counter", "duplicate", "artifact", "syndication", "promo",
            "author-bio", "disclaimer", "related", "navigation", "cookie", "advertisement", "credit"}
    assert fams <= set(NAMES)


def test_prose_in_other_scripts_is_kept():
    zh = ("首页\n新闻\n体育\n"
          "北京市政府周二宣布，将在明年春季之前完成老城区供暖管道的全面改造，预计惠及超过二十万户居民。\n"
          "据市住建委介绍，此次改造涉及管道总长度约一千二百公里，工程将分三期进行，第一期已于上月启动。\n"
          "一些居民表示，过去几年冬季室内温度偏低，希望改造完成后供暖质量能够明显改善。\n"
          "相关新闻\n版权所有 © 2024")
    art = clean(zh)
    assert len(art.blocks) == 3 and art.blocks[0].text.startswith("北京市政府")
    assert "首页" not in art.text() and "版权所有" not in art.text()
    ru = ("Главная\nНовости\nСпорт\n"
          "Городской совет во вторник утвердил план ремонта моста, который был закрыт для движения ещё прошлой осенью.\n"
          "По словам мэра, работы начнутся в апреле и продлятся не меньше полугода, а стоимость составит около двух миллионов.\n"
          "Жители окрестных домов говорят, что ждали этого решения несколько лет и уже не верили в него.\n"
          "Поделиться\nКомментарии (3)\nИван: наконец-то, давно пора было это сделать, спасибо.")
    art = clean(ru)
    assert [b.text[:9] for b in art.blocks] == ["Городской", "По словам", "Жители ок"]


def test_hard_wrapped_text_is_rejoined_with_its_line_range():
    import textwrap

    text = (FIX / "comments.txt").read_text(encoding="utf-8")
    paras = [p for p in text.split("\n\n") if p.strip()]
    wrapped = "\n\n".join(textwrap.fill(p, 66) for p in paras) + "\n"
    art = clean(wrapped)
    body = [b for b in art.blocks]
    assert body[0].text.startswith("The Harbour Town public library reopened")
    assert body[0].end_line - body[0].start_line >= 3
    lines = wrapped.split("\n")
    assert " ".join(lines[body[0].start_line: body[0].end_line]) == body[0].text
    assert "About time too" not in art.text()


def test_related_teasers_outweighing_a_short_article_are_not_the_article():
    teasers = [
        ("Council approves budget for new swimming pool after long debate",
         "The council voted on Tuesday to approve the budget for the new swimming pool, ending a debate that had lasted for more than two years and divided the town."),
        ("Fishing fleet faces another difficult winter as quotas are cut",
         "Skippers say the new quotas, which were announced by the ministry last week, will make it hard for the smaller boats to survive until the spring."),
        ("Harbour festival returns with record crowds and a new stage",
         "Organisers said more than ten thousand people visited the festival over the weekend, the largest number since it was first held twenty years ago."),
    ]
    lines = ["Home", "News", "Ferry timetable changes from Monday", "By Jane Roe",
             "The ferry company said on Friday that the first morning crossing will leave half an hour later from Monday, because of repairs to the pier.",
             "Passengers who hold season tickets will be offered a refund for the week, the company said in a statement.",
             "Related stories"]
    for h, p in teasers:
        lines += [h, p]
    lines.append("Privacy policy")
    art = clean("\n".join(lines))
    assert art.title == "Ferry timetable changes from Monday"
    assert art.author == "Jane Roe"
    assert [b.text[:20] for b in art.blocks] == ["The ferry company sa", "Passengers who hold "]
    reasons = removed_lines(art)
    assert reasons["Related stories"] == "related"
    assert reasons[teasers[0][1]] == "related"


def test_comment_thread_without_a_header_is_removed():
    body = [
        "The ferry company said on Friday that the first morning crossing will leave half an hour later from Monday, because of repairs to the pier that were delayed by the storms.",
        "Passengers who hold season tickets will be offered a refund for the week, the company said in a statement, and the last crossing of the day will not change.",
        "The harbour master said the repairs should be finished before the summer, when the number of passengers usually doubles and extra crossings are added.",
    ]
    thread = [
        "MarkT", "3 hours ago", "This is ridiculous, they have known about the pier for years and did nothing until it was almost too late to fix it properly.", "Reply",
        "Sandra B.", "2 hours ago", "I agree with Mark, but at least they are refunding season tickets this time, which is more than they did the last time.", "Reply",
        "harbourwatcher", "1 hour ago", "Does anyone know if the Sunday crossings are affected as well, or only the weekday ones? The statement does not say.", "Reply",
    ]
    art = clean("\n".join(["Ferry Changes", "By Jane Roe", *body, *thread]))
    assert [b.text for b in art.blocks] == body
    assert {reason for t, reason in removed_lines(art).items() if t in thread} == {"comments"}


def test_huge_inputs_are_shown_uncleaned_with_a_note():
    from tui.core.clean import MAX_UNITS

    lines = [f"line {i} of a very long list" for i in range(MAX_UNITS + 10)]
    art = clean("\n".join(lines))
    assert any("too long to clean" in n for n in art.notes)
    # Every line is shown, in order, with its source line range; consecutive
    # lines are read together (not one block a line: 50,000 blocks is too many).
    assert " ".join(b.text for b in art.blocks) == " ".join(lines)
    assert len(art.blocks) < len(lines) / 10
    for b in art.blocks:
        assert b.text == " ".join(lines[b.start_line: b.end_line])


def test_blog_page_furniture_around_a_short_post():
    body = [
        "The ferry company said on Friday that the first morning crossing will leave half an hour later from Monday, because of repairs to the pier that were delayed by the storms.",
        "Passengers who hold season tickets will be offered a refund for the week, the company said in a statement, and the last crossing of the day will not change.",
        "The harbour master said the repairs should be finished before the summer, when the number of passengers usually doubles and extra crossings are added.",
    ]
    page = ["Skip to content", "Harbour Notes", "A blog about the island and its boats", "Menu", "Home", "About",
            "Ferry Changes", "Posted on March 3, 2023 by islandwriter", *body,
            "Share this:", "Twitter", "Facebook", "Like this:", "Like Loading...", "Related", "Storm damage on the quay",
            'In "News"', "New boats for the fleet", 'In "Boats"', "Posted in News | Tagged ferry, pier | Leave a comment",
            "Leave a Reply Cancel reply", "Enter your comment here...", "Name (required)", "Website",
            "Blog at WordPress.com.", "Follow Harbour Notes", "Sign me up"]
    art = clean("\n\n".join(page))
    assert art.title == "Ferry Changes"
    assert art.published == "2023-03-03"
    assert [b.text for b in art.blocks] == body
    reasons = removed_lines(art)
    assert reasons["Share this:"] == "share-counter" and reasons["Related"] == "related"
    assert reasons["Leave a Reply Cancel reply"] == "comments" and reasons["Skip to content"] == "navigation"


def test_news_page_metadata_caption_and_inline_furniture():
    body = [
        "The ferry company said on Friday that the first morning crossing will leave half an hour later from Monday, because of repairs to the pier that were delayed by the storms.",
        "Passengers who hold season tickets will be offered a refund for the week, the company said in a statement, and the last crossing of the day will not change.",
        "The harbour master said the repairs should be finished before the summer, when the number of passengers usually doubles and extra crossings are added.",
        "Local businesses on the quay said they were worried about the later start, which means fewer day visitors arrive before lunch.",
        "The island council will discuss the timetable at its next meeting, which is open to the public and will be held in the village hall.",
    ]
    page = ["The Island Times", "Subscribe", "Sign in", "News", "Sport",
            "Ferry timetable changes from Monday as pier repairs drag on",
            "The first crossing will leave later while the pier is repaired",
            "By Jane Roe, Transport Correspondent", "Published 3 March 2023, 08:15",
            "The ferry leaving the harbour on a calm morning.", "Photo: Ewan Baird/The Island Times",
            body[0], "Advertisement", body[1], "RELATED: Storm damage closes the quay for a week", body[2],
            "Sign up for our morning newsletter and get the day's island news in your inbox.", "Enter your email",
            body[3], "Story continues below advertisement", body[4], "READ MORE: New boats for the fleet next year",
            "Have your say", "Most Read", "Storm damage closes the quay for a week", "© 2023 The Island Times. All rights reserved."]
    art = clean("\n".join(page))
    assert art.title == "Ferry timetable changes from Monday as pier repairs drag on"
    assert art.dek == "The first crossing will leave later while the pier is repaired"
    assert (art.author, art.published, art.outlet) == ("Jane Roe", "2023-03-03T08:15", "The Island Times")
    assert [b.text for b in art.blocks if b.kind == "paragraph"] == body
    assert [b.text for b in art.blocks if b.kind == "caption"] == ["The ferry leaving the harbour on a calm morning."]
    reasons = removed_lines(art)
    assert reasons["Photo: Ewan Baird/The Island Times"] == "credit"
    assert reasons["Advertisement"] == reasons["Story continues below advertisement"] == "advertisement"
    assert reasons["RELATED: Storm damage closes the quay for a week"] == "related"
    assert reasons["Sign up for our morning newsletter and get the day's island news in your inbox."] == "promo"
    assert reasons["Have your say"] == "comments"


def test_texts_without_prose_are_not_emptied():
    poem = ("The Sea Road\nby Anna Weir\n\nThe road runs down to the sea\npast the chapel and the green\n"
            "where the old men sit all day\nand the gulls come in between\n")
    art = clean(poem)
    assert (art.title, art.author) == ("The Sea Road", "Anna Weir")
    assert [b.text for b in art.blocks][0] == "The road runs down to the sea" and len(art.blocks) == 4
    lst = ("Packing list for the island\n- Waterproof jacket and boots\n- A good map of the coast paths\n"
           "- Sun cream, even in April\n- Cash for the ferry café\n- A book for the crossing\n")
    art = clean(lst, kind="markdown")
    assert art.title == "Packing list for the island"
    assert [b.kind for b in art.blocks] == ["item"] * 5
    again = clean(art.markdown(), kind="markdown")
    assert [(b.kind, b.text) for b in again.blocks] == [(b.kind, b.text) for b in art.blocks]
    assert clean("Home\nAbout\nContact").blocks == []


def removed_lines(art) -> dict[str, str]:
    """Each removed line's text -> its reason (neighbouring removed lines with
    the same reason come as one Removed, their texts joined by newlines)."""
    return {t: r.reason for r in art.removed for t in r.text.split("\n")}


def test_neighbouring_removed_lines_with_one_reason_are_one_entry():
    body = [
        "The ferry company said on Friday that the first morning crossing will leave half an hour later from Monday, because of repairs to the pier.",
        "Passengers who hold season tickets will be offered a refund for the week, the company said in a statement, and the last crossing will not change.",
        "The harbour master said the repairs should be finished before the summer, when the number of passengers usually doubles.",
    ]
    junk = [f"Menu item {i}" for i in range(2000)]
    text = "\n".join(["Ferry Changes", "By Jane Roe", *body, *junk])
    art = clean(text)
    assert [b.text for b in art.blocks] == body
    last = art.removed[-1]
    assert last.text.split("\n") == junk
    assert (last.start_line, last.end_line) == (5, 5 + len(junk))
    assert len(art.removed) <= 3
    # Every removed line is still accounted for, with its reason and its lines.
    lines = text.split("\n")
    for r in art.removed:
        assert r.text.split("\n") == [" ".join(l.split()) for l in lines[r.start_line: r.end_line] if l.strip()]
