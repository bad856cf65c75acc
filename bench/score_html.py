"""Score the cleaner on the HTML of the extraction dev pages.

    python bench/score_html.py [--trafilatura]

Gunzips ``../shared/eval/extraction-dev/html/<id>.html.gz`` to a temporary
folder, runs ``copydesk clean --format text`` on each page (in one batch
process) into ``<id>.txt`` files, and prints the scorer's output
(``score_extraction.py --pred DIR``). With ``--trafilatura`` it scores
trafilatura's extraction of the same HTML too, for comparison.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trafilatura", action="store_true", help="also score trafilatura on the same HTML")
    args = ap.parse_args()
    src = EVAL / "extraction-dev" / "html"
    if not src.is_dir():
        print(f"no HTML pages at {src}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        html_dir, pred = Path(tmp, "html"), Path(tmp, "pred")
        html_dir.mkdir()
        pred.mkdir()
        pages = []
        for gz in sorted(src.glob("*.html.gz")):
            out = html_dir / gz.name[: -len(".gz")]
            out.write_bytes(gzip.decompress(gz.read_bytes()))
            pages.append(out)
        res = subprocess.run(
            [sys.executable, "-m", "tui", "clean", "--format", "json", *map(str, pages)],
            capture_output=True, text=True, cwd=ROOT,
        )
        for line in res.stdout.splitlines():
            d = json.loads(line)
            stem = Path(d["path"]).name.split(".")[0]
            (pred / f"{stem}.txt").write_text(d.get("text") or "", encoding="utf-8")
        print("copydesk clean (HTML):")
        sys.stdout.flush()
        subprocess.run([sys.executable, str(EVAL / "score_extraction.py"), "--pred", str(pred)])
        if args.trafilatura:
            import trafilatura

            tpred = Path(tmp, "tpred")
            tpred.mkdir()
            for p in pages:
                t = trafilatura.extract(p.read_text("utf-8", "replace")) or ""
                (tpred / f"{p.name.split('.')[0]}.txt").write_text(t, encoding="utf-8")
            print("trafilatura (same HTML):")
            sys.stdout.flush()
            subprocess.run([sys.executable, str(EVAL / "score_extraction.py"), "--pred", str(tpred)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
