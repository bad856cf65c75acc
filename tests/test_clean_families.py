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
