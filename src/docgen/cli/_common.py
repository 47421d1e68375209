"""Helpers shared by the CLI modules: progress, output, option types."""

from __future__ import annotations

import contextlib
import json
import sys

import click


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
    with progressbar(range(n), label="Converting", silent=quiet(ctx)) as bar:
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
            raise BadInput(f"{where}: {problem}")
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


@contextlib.contextmanager
def pages_progress(ctx: click.Context, label: str = "Reading scans"):
    """A progress bar over pages, made at the first report (the total is known only then);
    yields the `progress(done, total)` callback docgen.scan.normalize calls."""
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
