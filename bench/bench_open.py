#!/usr/bin/env python3
"""Opening a 1 MB article from the library index, in the app.

    python bench/bench_open.py [--runs 7] [--size 1000000] [--lib DIR --home DIR]

Writes a ~1 MB Markdown file (headings over the prose of generated articles,
or of the bundled ones), indexes it with ``copydesk index`` into a scratch
home next to the 5 bundled articles (or, with ``--lib/--home``, copies it
into nothing: the big file sits in its own folder added as a second root,
so the source list has the whole big library), then measures, median of N:

- ``Library.article(path)``: the doc read from SQLite and rebuilt;
- in a headless ``CopydeskApp`` (120x40): ``open_path(big)`` -> the first
  frame painted (the app's whole path: index read, reading state, reading
  pane load, marks, status line), next to the same for a bundled article
  (the baseline: a small article through the same path).

Goal (issue 6): a 1 MB article opens and paints its first screen <= 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_reader import FrameClock  # noqa: E402  (the reading pane's frame clock)


def make_big(out: Path, size: int, source: Path | None) -> None:
    from tui.core.library import bundled_data_dir, iter_article_files

    files = list(iter_article_files([source or bundled_data_dir()]))
    parts, total, i = [], 0, 0
    while total < size:
        text = files[i % len(files)].read_text(encoding="utf-8", errors="replace")
        body = "\n\n".join(p.strip() for p in text.split("\n\n")[2:] if len(p.split()) > 12)
        chunk = f"## Chapter {i + 1}\n\n{body}\n\n"
        parts.append(chunk)
        total += len(chunk.encode("utf-8"))
        i += 1
    out.write_text("# A long report\n\n" + "".join(parts), encoding="utf-8")


async def bench_app(roots: list[Path], home: Path, big: str, small: str, runs: int) -> dict:
    from tui.ui.app import CopydeskApp

    out: dict = {"big": [], "small": []}
    app = CopydeskApp(roots=roots, home=home)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while app._scanning:  # let the start-up scan finish first
            await asyncio.sleep(0.05)
        await pilot.pause()
        clock = FrameClock(app)
        for _ in range(runs):
            for key, path in (("small", small), ("big", big)):
                app.open_path(small if key == "big" else big)
                await pilot.pause()
                await pilot.pause()
                clock.arm()
                t0 = time.perf_counter()
                app.open_path(path)
                t = await clock.wait()
                out[key].append(t - t0)
                await pilot.pause()
        out["blocks"] = len(app.reader.article.blocks) if app.reader.article else 0
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--lib", type=Path, help="an indexed library to open it next to")
    ap.add_argument("--home", type=Path, help="that library's home")
    ap.add_argument("--source", type=Path, help="articles to take the prose from")
    args = ap.parse_args(argv)
    from tui.core.db import Database
    from tui.core.library import Library, bundled_data_dir

    tmp = Path(tempfile.mkdtemp(prefix="cd-bench-open-"))
    try:
        big_dir = tmp / "big"
        big_dir.mkdir()
        big = big_dir / "long-report.md"
        make_big(big, args.size, args.source)
        big_size = big.stat().st_size
        if args.lib:
            roots, home = [args.lib, big_dir], args.home
        else:
            roots, home = [bundled_data_dir(), big_dir], tmp / "home"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tui", "index", *map(str, roots), "--home",
                        str(home)], check=True, capture_output=True)
        t_index = time.perf_counter() - t0
        db = Database.open(home)
        lib = Library(db, roots)
        art = lib.article(str(big))
        small = next(e.path for e in lib.entries() if e.ok and e.path != str(big))
        loads = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            lib.article(str(big))
            loads.append(time.perf_counter() - t0)
        n = lib.count()
        db.close()
        res = asyncio.run(bench_app(roots, home, str(big), small, args.runs))
        # The big article is a new source: forget it in a shared home.
        if args.lib:
            db = Database.open(home)
            with db.transaction() as c:
                c.execute("DELETE FROM paragraphs WHERE article_id = "
                          "(SELECT id FROM articles WHERE path = ?)", (str(big),))
                c.execute("DELETE FROM articles WHERE path = ?", (str(big),))
                c.execute("DELETE FROM reading_state WHERE path = ?", (str(big),))
            db.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    med = statistics.median
    print(f"1 MB article: {big_size} bytes of Markdown -> "
          f"{len(art.text()) / 1e6:.2f} M chars, {len(art.blocks)} blocks; library of {n} "
          f"articles; indexing it (with the library check) took {t_index:.1f} s")
    print(f"FIGURE    Library.article(path), 1 MB: {med(loads) * 1000:.1f} ms (median of {args.runs})")
    print(f"baseline  app: open a bundled article -> first frame: {med(res['small']) * 1000:.1f} ms")
    print(f"FIGURE    app: open the 1 MB article -> first frame: {med(res['big']) * 1000:.1f} ms "
          f"(runs: {', '.join(f'{x * 1000:.0f}' for x in res['big'])}; goal <= 200 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
