"""The `docgen` command line: a thin layer that parses, calls the library, and reports errors.

Each command lives in a module of this package and is imported only when it runs, so
`docgen --help` never pays for LibreOffice probes, jieba or whoosh.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from docgen import __version__
from docgen.errors import DocgenError, ExitCode

# name -> (module in docgen.cli, attribute, one-line help shown by `docgen --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "form": ("forms", "form", "Write, check and describe form files."),
    "template": ("forms", "template", "Check a Word template against the form types."),
    "generate": ("forms", "generate", "Render form files into official Word documents."),
    "convert": ("convert", "convert", "Convert Word files to PDF/A with LibreOffice."),
    "init": ("archive", "init", "Create an archive with its settings and campaign calendar."),
    "file": ("filing", "file", "File forms into the archive (档号, 归档章, metadata)."),
    "import": ("filing", "import_", "File documents docgen did not make (PDF/A, Word)."),
    "withdraw": ("filing", "withdraw", "Withdraw (撤回) a filed 件; nothing is deleted."),
    "status": ("archive", "status", "Show which filings the campaign calendar requires, and their state."),
    "verify": ("archive", "verify", "Run the DA/T 70 四性检测 on the archive."),
    "search": ("search", "search", "Search filed records by their Chinese words."),
    "index": ("search", "index", "Rebuild the search index from the archive."),
    "layout": ("layout", "layout", "Check PDFs against the GB/T 9704 page layout, rule by rule."),
    "bundle": ("bundle", "bundle", "Bundle filed records for inspection (BagIt zip), or verify one."),
    "user": ("user", "user", "Manage the accounts of the web pages (roles, units, passwords)."),
    "serve": ("serve", "serve", "Serve the bureau's web pages on the archive (accounts, roles)."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)


    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(f"docgen.cli.{module}"), attr)

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True,
              help="Show tracebacks on errors, and every external program run (stderr).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or notices on stderr.")
@click.version_option(__version__, prog_name="docgen")
@click.pass_context
def cli(ctx, verbose, quiet):
    """docgen: 民主评议 filings, from form file to filed, searchable archive.

    \b
    Example:
        docgen form new plan > plan.yaml
        docgen generate plan.yaml -o out/
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    ctx.obj["quiet"] = quiet
    _log_to_stderr(verbose)


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a message comes (click's test runner swaps it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _):
        pass


def _log_to_stderr(verbose: bool) -> None:
    """--verbose: the "docgen" logger (each external command run, docgen._run) on stderr."""
    logger = logging.getLogger("docgen")
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("docgen: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; turn every DocgenError into its message and exit code."""
    args = sys.argv[1:] if argv is None else argv
    verbose = "-v" in args or "--verbose" in args
    try:
        rv = cli.main(args=args, prog_name="docgen", standalone_mode=False)
    except DocgenError as e:
        if verbose:
            raise
        from docgen.textcheck import printable

        # messages quote bad values back: never let one drive the terminal
        first, *rest = (printable(line) for line in e.lines())
        click.echo(f"docgen: {first}", err=True)
        for line in rest:
            click.echo(f"  {line}", err=True)
        return int(e.exit_code)
    except click.exceptions.Abort:
        click.echo("docgen: interrupted", err=True)
        return int(ExitCode.interrupted)
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except KeyboardInterrupt:
        click.echo("docgen: interrupted", err=True)
        return int(ExitCode.interrupted)
    except Exception as e:  # a bug: say so in one line unless asked for the traceback
        if verbose:
            raise
        from docgen.textcheck import printable

        click.echo(f"docgen: internal error: {type(e).__name__}: {printable(e)} (rerun with "
                   "--verbose)", err=True)
        return int(ExitCode.failure)
    return rv if isinstance(rv, int) else 0
