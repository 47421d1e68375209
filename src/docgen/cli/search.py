"""Commands on the search index: search, index rebuild."""

from __future__ import annotations

import click

from docgen.cli._common import (TEXT, echo_json, notice, progressbar, quiet, record_types,
                                safe)
from docgen.cli.archive import _open, archive_option
from docgen.errors import BadInput

TYPES = record_types()


def _date(value, option: str):
    if value is None:
        return None
    from docgen.dates import parse_date

    try:
        return parse_date(value)
    except ValueError as e:
        raise BadInput(f"{option}: {e}") from None


@click.command()
@click.argument("query", nargs=-1, required=True, type=TEXT)
@click.option("--type", "type_", type=TYPES, help="Only this form type.")
@click.option("--year", type=click.IntRange(1000, 9999), help="Only this year (年度).")
@click.option("--unit", type=TEXT, help="Only this unit (its name or a part of it, or its code).")
@click.option("--from", "date_from", metavar="DATE", type=TEXT, help="Only dated on or after DATE.")
@click.option("--to", "date_to", metavar="DATE", type=TEXT, help="Only dated on or before DATE.")
@click.option("--limit", type=int, default=20, show_default=True, help="At most N hits.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of hits.")
@archive_option
@click.pass_context
def search(ctx, query, type_, year, unit, date_from, date_to, limit, as_json, archive_root):
    """Search filed records by their words; ranked hits with 档号, title and a snippet.

    Any Chinese string of two or more characters that occurs in a record finds it (审批 inside
    行政审批制度改革); Latin words and numbers too (GDP, 5G, 2011年). Titles weigh more.
    Quote a phrase ("限时 办结"), combine with AND, OR, NOT (or -word) and parentheses, and
    restrict with title:, unit:, type:, kind:, year:, number:.

    \b
    Example:
        docgen search 行政审批
        docgen search '审批 OR 听证' --type plan --year 2011
        docgen search 'title:承诺 -撤回' --from 2011-04-01 --to 2011-06-30 --json
    """
    from docgen.search import search as run_search

    hits = run_search(_open(archive_root), " ".join(query), type=type_, year=year, unit=unit,
                      date_from=_date(date_from, "--from"), date_to=_date(date_to, "--to"),
                      limit=limit)
    if hits.notice:
        notice(ctx, hits.notice)
    if as_json:
        echo_json([h.to_dict() for h in hits])
        return
    if not hits:
        notice(ctx, "no records match")
        return
    for h in hits:
        status = "" if h.status == "filed" else f"  [{h.status}]"
        click.echo(f"{safe(h.filing_number)}  {safe(h.date)}  {safe(h.type)}  {safe(h.unit)}  "
                   f"{h.score:.2f}{safe(status)}")
        click.echo(f"    {safe(h.title)}")
        click.echo(f"    {safe(h.snippet)}")
    if hits.total > len(hits):
        notice(ctx, f"{len(hits)} of {hits.total} hits shown; use --limit to see more")


@click.group(invoke_without_command=True)
@archive_option
@click.pass_context
def index(ctx, archive_root):
    """The search index under ARCHIVE/index/ (derived: delete and rebuild it any time).

    Searches and filings keep it up to date with the archive's audit log by themselves.

    `docgen index` alone is `docgen index rebuild`.

    \b
    Example:
        docgen index rebuild --archive archive
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(rebuild, archive_root=archive_root)


@index.command()
@archive_option
@click.pass_context
def rebuild(ctx, archive_root):
    """Rebuild the search index from the archive's files, on every core, with a progress bar.

    Searches keep working on the old index until the new one is complete.

    \b
    Example:
        docgen index rebuild --archive archive
    """
    from docgen.search import rebuild_index

    arc = _open(archive_root)
    total = len(arc.record_dirs())
    with progressbar(range(total), label="indexing", silent=quiet(ctx), length=total) as bar:
        step = getattr(bar, "update", None)
        n = rebuild_index(arc, progress=step)
    click.echo(f"{arc.root}: search index rebuilt ({n} records)")
