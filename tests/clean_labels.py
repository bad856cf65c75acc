"""Checking a cleaned article against line labels (seeds/labels.json format).

Shared by the seed and junk-family tests."""

from __future__ import annotations

from tui.core.model import Article


def line_map(art: Article) -> dict[int, tuple[str, str]]:
    """Source line -> ("keep", block kind) or ("rm", reason)."""
    got: dict[int, tuple[str, str]] = {}
    for b in art.blocks:
        for ln in range(b.start_line, b.end_line):
            got[ln] = ("keep", b.kind)
    for r in art.removed:
        for ln in range(r.start_line, r.end_line):
            got.setdefault(ln, ("rm", r.reason))
    return got


def check_labels(art: Article, text: str, labels: dict[str, str]) -> list[str]:
    """Every mismatch between *art* and the per-line *labels*, as messages."""
    lines = text.split("\n")
    got = line_map(art)
    problems = []
    body_texts = [b.text for b in art.blocks]
    for key, lab in labels.items():
        ln = int(key)
        g = got.get(ln)
        src = " ".join(lines[ln].split())[:70]
        want: tuple | None
        if lab == "body":
            ok = g == ("keep", "paragraph")
        elif lab == "heading":
            ok = g == ("keep", "heading")
        elif lab == "quote":
            ok = g == ("keep", "quote")
        elif lab in ("title", "dek") or lab.startswith("meta:"):
            ok = g is not None and g[0] == "rm"
        elif lab.startswith("optional:"):
            norm = " ".join(lines[ln].split())
            ok = sum(1 for t in body_texts if t == norm) <= 1
        elif lab.startswith("junk:"):
            ok = g == ("rm", lab[5:])
        else:
            ok = False
        if not ok:
            problems.append(f"line {ln} labelled {lab} got {g}: {src!r}")
    return problems
