"""copydesk's command line. Parses arguments and dispatches; every
subcommand lives in ``tui.commands.<name>`` and is imported only when used,
so ``copydesk --help`` and start-up stay fast.

User mistakes end with one clear line on stderr and exit status 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import sys

from tui import __version__

SUBCOMMANDS = ("clean", "search", "marks", "index")


class UsageError(Exception):
    """A user mistake: printed as one line, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="copydesk",
        description="A terminal reader for articles saved from the web. "
        "Subcommands: clean, search, marks, index (copydesk SUBCOMMAND --help).",
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="article files or folders (.txt, .md, .html); default: the bundled articles")
    p.add_argument("--home", metavar="DIR", help="where copydesk keeps its database "
                   "(default: $COPYDESK_HOME, else the user data directory)")
    p.add_argument("--version", action="version", version=f"copydesk {__version__}")
    return p


def _sub_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="copydesk")
    p.add_argument("--version", action="version", version=f"copydesk {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("clean", help="print cleaned articles")
    c.add_argument("--format", choices=("markdown", "text", "json"), default="markdown")
    c.add_argument("paths", nargs="+", metavar="PATH")

    s = sub.add_parser("search", help="search titles or passages")
    s.add_argument("query", metavar="QUERY")
    s.add_argument("paths", nargs="*", metavar="PATH")
    s.add_argument("--passages", action="store_true", help="search paragraphs, not titles")
    s.add_argument("--limit", type=int, default=10, metavar="N")
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.add_argument("--home", metavar="DIR")

    m = sub.add_parser("marks", help="list or export marks")
    msub = m.add_subparsers(dest="marks_command", required=True)
    ml = msub.add_parser("list", help="a table of marks")
    ml.add_argument("--article", metavar="PATH")
    ml.add_argument("--home", metavar="DIR")
    me = msub.add_parser("export", help="export marks to stdout")
    me.add_argument("--format", choices=("markdown", "json", "csv"), default="markdown")
    me.add_argument("--article", metavar="PATH")
    me.add_argument("--home", metavar="DIR")

    i = sub.add_parser("index", help="index a library without the UI")
    i.add_argument("paths", nargs="*", metavar="PATH")
    i.add_argument("--home", metavar="DIR")
    i.add_argument("--jobs", type=int, default=None, metavar="N")
    return p


def error(msg: str, status: int = 2) -> int:
    print(f"copydesk: {msg}", file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            args = _sub_parser().parse_args(argv)
            import importlib

            mod = importlib.import_module(f"tui.commands.{args.command}")
            return int(mod.run(args) or 0)
        args = _parser().parse_args(argv)
        from tui.commands.read import run

        return int(run(args) or 0)
    except UsageError as e:
        return error(str(e))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `copydesk clean ... | head`: the reader went away; not an error.
        try:
            sys.stdout = open("/dev/null", "w")  # noqa: SIM115
        except OSError:
            pass
        return 0
