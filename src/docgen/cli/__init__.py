"""The `docgen` command line: a thin layer that parses, calls the library, and reports errors.

Each command lives in a module of this package and is imported only when it runs, so
`docgen --help` never pays for LibreOffice probes, jieba or whoosh.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys

import click

from docgen import __version__
from docgen.cli import _click_text
from docgen.cli._common import N_, _
from docgen.errors import DocgenError, ExitCode
from docgen.i18n import cli_language, use_cli_language

# name -> (module in docgen.cli, attribute, one-line help shown by `docgen --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "form": ("forms", "form", N_("Write, check and describe form files.")),
    "template": ("forms", "template", N_("Check a Word template against the form types.")),
    "generate": ("forms", "generate", N_("Render form files into official Word documents.")),
    "convert": ("convert", "convert", N_("Convert Word files to PDF/A with LibreOffice.")),
    "init": ("archive", "init", N_("Create an archive with its settings and campaign calendar.")),
    "file": ("filing", "file", N_("File forms into the archive (档号, 归档章, metadata).")),
    "import": ("filing", "import_", N_("File documents docgen did not make: PDF, Word, scans (OCR).")),
    "withdraw": ("filing", "withdraw", N_("Withdraw (撤回) a filed 件; nothing is deleted.")),
    "status": ("archive", "status",
               N_("Show which filings the campaign calendar requires, and their state.")),
    "verify": ("archive", "verify", N_("Run the DA/T 70 四性检测 on the archive.")),
    "search": ("search", "search", N_("Search filed records by their Chinese words.")),
    "index": ("search", "index", N_("Rebuild the search index from the archive.")),
    "layout": ("layout", "layout",
               N_("Check PDFs against the GB/T 9704 page layout, rule by rule.")),
    "bundle": ("bundle", "bundle",
               N_("Bundle filed records for inspection (BagIt zip), or verify one.")),
    "user": ("user", "user", N_("Manage the accounts of the web pages (roles, units, passwords).")),
    "serve": ("serve", "serve",
              N_("Serve the bureau's web pages on the archive (accounts, roles).")),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)


    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr, _summary = COMMANDS[name]
        return translate_help(getattr(importlib.import_module(f"docgen.cli.{module}"), attr))

    def format_commands(self, ctx, formatter):
        rows = [(name, _(COMMANDS[name][2])) for name in self.list_commands(ctx)]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)


def translate_help(cmd):
    """Show a command's (and its subcommands') help texts in the installed language: its
    docstring, its options' help= (in the catalog by docgen.cli._click_text.extract) and the
    texts marked N_().

    Commands are module-level objects: each text's msgid is kept beside it, so the language
    can change between runs in one process (tests) without losing the original."""
    for obj in [cmd, *cmd.params]:
        for attr in ("help", "short_help"):
            msgid = obj.__dict__.setdefault(f"_msgid_{attr}", getattr(obj, attr, None))
            if msgid:
                setattr(obj, attr, _click_text.translated(msgid))
    _click_text.forget_help_option(cmd)
    cmd.context_class = _click_text.Context
    for sub in getattr(cmd, "commands", {}).values():
        translate_help(sub)
    return cmd


def _choose_language(ctx, param, value):
    """--lang, else the locale: read once here, at the edge, and installed for the process."""
    use_cli_language(cli_language(value, os.environ))
    _click_text.install()
    translate_help(ctx.command)
    return value


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True,
              help=N_("Show tracebacks on errors, and every external program run (stderr)."))
@click.option("-q", "--quiet", is_flag=True, help=N_("No progress bars or notices on stderr."))
@click.option("--lang", type=click.Choice(["zh", "en"]), is_eager=True, expose_value=False,
              callback=_choose_language,
              help=N_("Language of messages and tables (default: the locale, LC_ALL, "
                      "LC_MESSAGES or LANG; zh_* is Chinese)."))
@click.option("--version", is_flag=True, is_eager=True, expose_value=False,
              callback=lambda ctx, param, value: _show_version(ctx, value),
              help=N_("Show the version and exit."))
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


def _show_version(ctx, value) -> None:
    """--version, in the language chosen (click's own version option words its line when
    the module is imported, before --lang is read)."""
    if value and not ctx.resilient_parsing:
        click.echo(_("%(prog)s, version %(version)s")
                   % {"prog": "docgen", "version": __version__})
        ctx.exit()


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a message comes (click's test runner swaps it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
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
    use_cli_language(cli_language(_lang_argument(args), os.environ))
    _click_text.install()
    translate_help(cli)
    try:
        rv = cli.main(args=args, prog_name="docgen", standalone_mode=False)
    except DocgenError as e:
        if verbose:
            raise
        from docgen.textcheck import printable

        # messages quote bad values back: never let one drive the terminal
        first, *rest = (printable(line) for line in e.lines())
        click.echo(_("docgen: %(message)s") % {"message": first}, err=True)
        for line in rest:
            click.echo(f"  {line}", err=True)
        return int(e.exit_code)
    except click.exceptions.Abort:
        click.echo(_("docgen: interrupted"), err=True)
        return int(ExitCode.interrupted)
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except KeyboardInterrupt:
        click.echo(_("docgen: interrupted"), err=True)
        return int(ExitCode.interrupted)
    except Exception as e:  # a bug: say so in one line unless asked for the traceback
        if verbose:
            raise
        from docgen.textcheck import printable

        click.echo(_("docgen: internal error: %(error)s: %(message)s (rerun with --verbose)")
                   % {"error": type(e).__name__, "message": printable(e)}, err=True)
        return int(ExitCode.failure)
    return rv if isinstance(rv, int) else 0


def _lang_argument(args: list[str]) -> str | None:
    """`--lang X` or `--lang=X` before the command, so even errors in parsing are translated."""
    for i, arg in enumerate(args):
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if not arg.startswith("-"):
            return None
    return None
