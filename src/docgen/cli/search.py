"""Commands on the search index: search, index rebuild."""

from __future__ import annotations

import click

from docgen.cli._common import (N_, TEXT, _, echo_json, notice, progressbar, quiet,
                                record_types, safe, table, tsv, tsv_option)
from docgen.cli.archive import _open, archive_option
from docgen.errors import BadInput

TYPES = record_types()
STATES = (N_("filed"), N_("withdrawn"), N_("superseded"))  # a hit's status, shown translated


def _date(value, option: str):
    if value is None:
        return None
    from docgen.dates import parse_date

    try:
        return parse_date(value)
    except ValueError as e:
        raise BadInput(_("%(option)s: %(problem)s") % {"option": option, "problem": e}) from None


SEARCH_HELP = N_("""Search filed records by their words; ranked hits with 档号, title and a snippet.

Any Chinese string of two or more characters that occurs in a record finds it (审批 inside
行政审批制度改革); Latin words and numbers too (GDP, 5G, 2011年). Titles weigh more.
Quote a phrase ("限时 办结"), combine with AND, OR, NOT (or -word) and parentheses, and
restrict with title:, unit:, type:, kind:, year:, number:.

\b
Example:
    docgen search 行政审批
    docgen search '审批 OR 听证' --type plan --year 2011
    docgen search 'title:承诺 -撤回' --from 2011-04-01 --to 2011-06-30 --json""")


@click.command(help=SEARCH_HELP)
@click.argument("query", nargs=-1, required=True, type=TEXT)
@click.option("--type", "type_", type=TYPES, help=N_("Only this form type."))
@click.option("--year", type=click.IntRange(1000, 9999), help=N_("Only this year (年度)."))
@click.option("--unit", type=TEXT,
              help=N_("Only this unit (its name or a part of it, or its code)."))
@click.option("--from", "date_from", metavar="DATE", type=TEXT,
              help=N_("Only dated on or after DATE."))
@click.option("--to", "date_to", metavar="DATE", type=TEXT,
              help=N_("Only dated on or before DATE."))
@click.option("--limit", type=int, default=20, show_default=True, help=N_("At most N hits."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print a JSON array of hits."))
@tsv_option
@archive_option
@click.pass_context
def search(ctx, query, type_, year, unit, date_from, date_to, limit, as_json, as_tsv,
           archive_root):
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
        notice(ctx, _("no records match"))
        return
    rows = [(h.filing_number, h.date, h.type, h.unit, f"{h.score:.2f}",
             "" if h.status == "filed" else _(h.status), h.title, h.snippet) for h in hits]
    if as_tsv:
        for row in rows:
            click.echo(tsv(*row))
    else:
        from docgen.i18n import current_cli_language
        from docgen.vocab import RECORD_TYPES

        if current_cli_language() == "zh":  # the type's Chinese name (the codes stay in --tsv)
            rows = [(*row[:2], RECORD_TYPES.get(row[2], row[2]), *row[3:]) for row in rows]
        # one aligned row per hit under the header; its snippet on the next line, indented
        header = (_("档号"), _("date"), _("type"), _("unit"), _("score"), _("state"), _("title"))
        head, *lines = table(header, [row[:-1] for row in rows])
        click.echo(head)
        for line, row in zip(lines, rows):
            click.echo(line)
            click.echo(f"    {safe(row[-1])}")
    if hits.total > len(hits):
        notice(ctx, _("%(shown)d of %(total)d hits shown; use --limit to see more")
               % {"shown": len(hits), "total": hits.total})


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
    with progressbar(range(total), label=_("indexing"), silent=quiet(ctx), length=total) as bar:
        step = getattr(bar, "update", None)
        n = rebuild_index(arc, progress=step)
    click.echo(_("%(archive)s: search index rebuilt (%(count)d records)")
               % {"archive": arc.root, "count": n})
