"""Helpers shared by the CLI modules: progress, output, option types."""

from __future__ import annotations

import contextlib
import json
import sys

import click

from docgen.i18n import cli_gettext as _
from docgen.i18n import cli_ngettext as ngettext


def N_(message: str) -> str:
    """Marks a text for the catalog where it is declared; `_()` translates it where shown."""
    return message


def progressbar(items, *, label: str, silent: bool, length: int | None = None):
    """Iterate `items` behind a progress bar on stderr, unless silent or there are few."""
    items = list(items) if length is None and not hasattr(items, "__len__") else items
    n = length if length is not None else len(items)
    if silent or n <= 3:
        return contextlib.nullcontext(items)
    return click.progressbar(items, length=n, label=label, file=sys.stderr)


def quiet(ctx: click.Context) -> bool:
    return bool((ctx.find_root().obj or {}).get("quiet"))


def echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def notice(ctx: click.Context, message: str) -> None:
    if not quiet(ctx):
        click.echo(message, err=True)


@contextlib.contextmanager
def conversion_progress(ctx: click.Context, n: int):
    """A progress bar over n conversions; yields the `on_done` callback docgen.convert calls."""
    with progressbar(range(n), label=_("Converting"), silent=quiet(ctx)) as bar:
        def on_done(src, pdf, reason):
            if hasattr(bar, "update"):
                bar.update(1)

        yield on_done


class VocabChoice(click.Choice):
    """A choice from docgen.vocab: the English code or its Chinese name (承诺书 → commitment)."""

    def __init__(self, names: dict[str, str]):
        self.names = dict(names)
        super().__init__(list(self.names))

    def convert(self, value, param, ctx):
        for code, name in self.names.items():
            if value == name:
                return code
        return super().convert(value, param, ctx)


def form_types() -> VocabChoice:
    from docgen.vocab import FORM_TYPES

    return VocabChoice(FORM_TYPES)


def record_types() -> VocabChoice:
    from docgen.vocab import RECORD_TYPES

    return VocabChoice(RECORD_TYPES)


def retentions() -> click.Choice:
    from docgen.vocab import RETENTION_CODES

    return click.Choice(list(RETENTION_CODES))


def classifications() -> click.Choice:
    from docgen.vocab import CLASSIFICATIONS

    return click.Choice(list(CLASSIFICATIONS))


class TextOption(click.ParamType):
    """Typed text passing docgen.textcheck's door check; a bad value is exit 10 (BadInput),
    one line naming the option, never click's usage error."""

    name = "text"

    def __init__(self, *, multiline: bool = False, metavar: str | None = None):
        self.multiline = multiline
        self.metavar = metavar

    def get_metavar(self, param, ctx=None):  # click ≥ 8.2 passes ctx
        return self.metavar

    def convert(self, value, param, ctx):
        from docgen.errors import BadInput
        from docgen.textcheck import text_problem

        if not isinstance(value, str):
            return value
        problem = text_problem(value, multiline=self.multiline)
        if problem:
            where = (param.opts[0] if param is not None and param.opts else
                     (param.human_readable_name if param is not None else "value"))
            raise BadInput(_("%(option)s: %(problem)s") % {"option": where, "problem": problem})
        return value


TEXT = TextOption()


def tsv(*cells) -> str:
    """One tab-separated output line; tabs, newlines, backslashes and control characters in
    a cell are escaped (\\t, \\n, \\\\, \\x1b), so each value stays one cell and cannot drive
    the terminal."""
    from docgen.textcheck import visible

    return "\t".join(visible("" if c is None else c) for c in cells)


def safe(text) -> str:
    """A value for human-readable output, with the same escapes as `tsv`."""
    from docgen.textcheck import visible

    return visible("" if text is None else text)


def width(text: str) -> int:
    """Columns `text` takes in a terminal: East Asian Wide and Fullwidth characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(header, rows) -> list[str]:
    """Lines of a table under its header row, columns aligned by display width (a Chinese
    character is two columns wide); cells escaped like `safe`, the last column unpadded."""
    cells = [[safe(c) for c in row] for row in [header, *rows]]
    widths = [max(width(row[i]) for row in cells) for i in range(len(header))]
    return ["  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths)).rstrip()
            for row in cells]


def echo_table(header, rows, *, as_tsv: bool = False) -> None:
    """A table on stdout: aligned under a header row, or `--tsv`: tab-separated, no header."""
    lines = [tsv(*row) for row in rows] if as_tsv else table(header, rows)
    for line in lines:
        click.echo(line)


def tsv_option(f):
    return click.option("--tsv", "as_tsv", is_flag=True,
                        help=N_("Print tab-separated lines without a header (for scripts)."))(f)


@contextlib.contextmanager
def pages_progress(ctx: click.Context, label: str | None = None):
    """A progress bar over pages, made at the first report (the total is known only then);
    yields the `progress(done, total)` callback docgen.scan.normalize calls."""
    label = label or _("Reading scans")
    with contextlib.ExitStack() as stack:
        state = {"bar": None, "shown": 0}

        def progress(done: int, total: int) -> None:
            if state["bar"] is None:
                state["bar"] = stack.enter_context(
                    progressbar(range(total), label=label, silent=quiet(ctx), length=total))
            bar = state["bar"]
            if hasattr(bar, "update") and done > state["shown"]:
                bar.update(done - state["shown"])
            state["shown"] = max(state["shown"], done)

        yield progress
