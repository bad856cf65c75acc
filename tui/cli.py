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


HOME_HELP = "the copydesk home (default: $COPYDESK_HOME, else the user data directory)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        # parse_intermixed_args names the optional PATH list as required
        # too when QUERY is missing ("required: QUERY, PATH").
        super().error(message.replace("required: QUERY, PATH", "required: QUERY"))


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


def _command_parser(command: str, argv: list[str]) -> tuple[argparse.ArgumentParser, list[str]]:
    """The parser for one subcommand (and the arguments left for it).

    Each subcommand has a parser of its own so that options and positionals
    may be intermixed (``copydesk search QUERY --passages PATH``), which
    argparse cannot do through subparsers."""
    p = _Parser(prog=f"copydesk {command}")
    if command == "clean":
        p.description = "Print cleaned articles."
        p.add_argument("--format", choices=("markdown", "text", "json"), default="markdown",
                       help="markdown (default), text, or json (the article's fields)")
        p.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders")
        p.add_argument("--home", metavar="DIR",
                       help="accepted like the other commands', but unused: clean reads and "
                       "writes no database (a missing DIR is not created)")
    elif command == "search":
        p.description = "Search the library's titles (default) or passages."
        p.add_argument("query", metavar="QUERY")
        p.add_argument("paths", nargs="*", metavar="PATH",
                       help="files or folders to search (default: the bundled articles)")
        p.add_argument("--passages", action="store_true", help="search paragraphs, not titles")
        p.add_argument("--limit", type=int, default=10, metavar="N",
                       help="at most N results (default 10)")
        p.add_argument("--format", choices=("text", "json"), default="text",
                       help="text (default) or json: one object per line")
        p.add_argument("--home", metavar="DIR", help=HOME_HELP + "; not created if missing")
    elif command == "index":
        p.description = "Index a library without the UI."
        p.add_argument("paths", nargs="*", metavar="PATH",
                       help="files or folders to index (default: the bundled articles)")
        p.add_argument("--home", metavar="DIR", help=HOME_HELP)
        p.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="cleaning processes (default: one per CPU, capped)")
    elif command == "marks":
        p.description = "List or export marks (copydesk marks list|export --help)."
        p.usage = "copydesk marks {list,export} [options]"
        sub = argv[0] if argv else None
        if sub not in ("list", "export"):
            if sub in ("-h", "--help"):
                p.print_help()
                raise SystemExit(0)
            p.error("choose one of: list, export")
        p = _Parser(prog=f"copydesk marks {sub}")
        if sub == "list":
            p.description = "A table of marks."
        else:
            p.description = "Export marks to stdout."
            p.add_argument("--format", choices=("markdown", "json", "csv"), default="markdown",
                           help="markdown (default: quotes grouped by article), json (W3C Web "
                           "Annotations) or csv (Readwise's import columns)")
        p.add_argument("--article", metavar="PATH", help="only the marks of this article")
        p.add_argument("--home", metavar="DIR", help=HOME_HELP + "; not created if missing")
        p.set_defaults(marks_command=sub)
        argv = argv[1:]
    p.set_defaults(command=command)
    return p, argv


def error(msg: str, status: int = 2) -> int:
    print(f"copydesk: {msg}", file=sys.stderr)
    return status


def _subcommand_first(argv: list[str]) -> list[str]:
    """``copydesk --home DIR search ...`` as ``copydesk search ... --home DIR``:
    a subcommand after the global ``--home`` was read as a file name ("search:
    no such file or directory"). A file or folder of that name stays a path."""
    i = 0
    while i < len(argv):
        if argv[i] == "--home" and i + 1 < len(argv):
            i += 2
        elif argv[i].startswith("--home="):
            i += 1
        else:
            break
    if 0 < i < len(argv) and argv[i] in SUBCOMMANDS:
        from pathlib import Path

        if not Path(argv[i]).exists():
            return [argv[i], *argv[i + 1:], *argv[:i]]
    return argv


def main(argv: list[str] | None = None) -> int:
    argv = _subcommand_first(sys.argv[1:] if argv is None else list(argv))
    try:
        if argv and argv[0] in SUBCOMMANDS:
            parser, rest = _command_parser(argv[0], argv[1:])
            args = parser.parse_intermixed_args(rest)
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
