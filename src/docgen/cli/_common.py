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
