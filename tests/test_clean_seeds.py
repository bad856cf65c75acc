"""The five seed articles, cleaned exactly as ../shared/seeds/labels.json says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clean_labels import check_labels
from tui.core.clean import clean

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).parents[1].parent / "shared" / "seeds"
LABELS = SEEDS / "labels.json"
DATA = REPO / "data"

if not LABELS.is_file():
    pytest.skip(f"seed labels not found at {LABELS} (the shared/ folder beside the repo)", allow_module_level=True)

ALL = json.loads(LABELS.read_text(encoding="utf-8"))


def _text(name: str) -> str:
    p = DATA / name if (DATA / name).is_file() else SEEDS / name
    return p.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(ALL))
def test_seed_lines(name):
    text = _text(name)
    art = clean(text, name=name)
    problems = check_labels(art, text, ALL[name]["lines"])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(ALL))
def test_seed_metadata(name):
    lab = ALL[name]
    art = clean(_text(name), name=name)
    for field in ("title", "outlet", "author", "published", "section"):
        if field not in lab:
            continue
        if field == "title" and lab["title"] is None:
            continue
        assert getattr(art, field) == lab[field], field


@pytest.mark.parametrize("name", sorted(ALL))
def test_seed_meta_lines_out_of_body(name):
    text = _text(name)
    lines = text.split("\n")
    art = clean(text, name=name)
    body = {b.text for b in art.blocks}
    for key, lab in ALL[name]["lines"].items():
        if lab.startswith("meta:") or lab in ("title", "dek"):
            assert " ".join(lines[int(key)].split()) not in body


def test_untitled_seed_gets_short_title_from_first_sentence():
    name = next(n for n in sorted(ALL) if ALL[n]["title"] is None)
    text = _text(name)
    art = clean(text, name=name)
    first = art.blocks[0].text
    assert art.title
    assert len(art.title) <= 130
    assert first.startswith(art.title.rstrip("…"))
    assert "." not in art.title[-1:]


def test_seed_with_dek_keeps_it_as_dek():
    name = next(n for n in sorted(ALL) if "dek" in ALL[n]["lines"].values())
    text = _text(name)
    art = clean(text, name=name)
    dek_line = next(int(k) for k, v in ALL[name]["lines"].items() if v == "dek")
    assert art.dek == " ".join(text.split("\n")[dek_line].split())


def test_seed_ambiguous_dates_are_not_guessed():
    from tui.core.clean.meta import parse_dateline

    assert parse_dateline("11/09/2024 21h26") == ("2024-09-11T21:26", True)
    iso, is_date = parse_dateline("03/04/2024")
    assert iso is None and is_date
    assert parse_dateline("Nov 18, 2024\xa0-\xa013:28")[0] == "2024-11-18T13:28"
    assert parse_dateline("The council met on Nov 18, 2024 to discuss the budget for next year") is None
