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


_UNSAFE = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\"}


def cell(value) -> str:
    """One field of tab-separated output: tabs, newlines and control characters (terminal
    escapes) shown as escapes, so a value can never break a row or drive the terminal."""
    out = []
    for ch in str(value):
        if ch in _UNSAFE:
            out.append(_UNSAFE[ch])
        elif ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def tsv(*fields) -> str:
    """A tab-separated row of cells."""
    return "\t".join(cell(f) for f in fields)


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
