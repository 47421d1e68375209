"""Commands on the archive as a whole: init, status, verify (filing is in filing.py)."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli._common import (N_, TEXT, TextOption, _, echo_json, echo_table, ngettext,
                                tsv_option)
from docgen.errors import BadInput, StatusIncomplete


def archive_option(f):
    return click.option(
        "--archive", "archive_root", type=click.Path(path_type=Path), envvar="DOCGEN_ARCHIVE",
        default=Path("archive"), show_default=True,
        help=N_("The archive folder (or set DOCGEN_ARCHIVE)."))(f)


def by_option(f):
    return click.option("--by", metavar="NAME", type=TEXT,
                        help=N_("Who acts, for the audit log (default: the OS user)."))(f)


def _open(root: Path):
    from docgen.archive import Archive

    return Archive(root)


def _pairs(values, what: str) -> list[tuple[str, str]]:
    out = []
    for v in values:
        name, sep, code = v.rpartition("=")
        if not sep or not name.strip() or not code.strip():
            raise BadInput(_("%(option)s %(value)r: write it as 名称=CODE, e.g. 区建设局规划处=GHC")
                           % {"option": what, "value": v})
        out.append((name.strip(), code.strip()))
    return out


def _deadlines(values) -> dict[tuple[int, str], dict]:
    """'2011:commitment=2011-05-20' or '2011:fulfilment=2011-09-01..2011-10-31'."""
    from docgen.vocab import STEP_KEYS

    out = {}
    for v in values:
        head, sep, dates = v.partition("=")
        year, _sep, step = head.partition(":")
        if not sep or not year.strip().isdigit() or step.strip() not in STEP_KEYS:
            raise BadInput(_("--deadline %(value)r: write YEAR:STEP=DATE (or START..DUE), e.g. "
                             "2011:commitment=2011-05-20; steps: %(steps)s")
                           % {"value": v, "steps": ", ".join(STEP_KEYS)})
        start, _sep, due = dates.rpartition("..")
        out[(int(year), step.strip())] = {"due": due.strip(), "start": start.strip() or None}
    return out


@click.command()
@click.argument("root", metavar="[ARCHIVE]", required=False, type=click.Path(path_type=Path))
@archive_option
@click.option("--fonds-code", metavar="CODE", type=TEXT, help="全宗号, e.g. Z109.")
@click.option("--fonds-name", metavar="NAME", type=TEXT, help="立档单位名称, e.g. 区建设局.")
@click.option("--unit", "units", multiple=True, type=TextOption(metavar="NAME=CODE"),
              help="A unit and its 机构代码, e.g. 区建设局规划处=GHC (repeatable).")
@click.option("--filing-office", metavar="NAME", type=TEXT, help="The office filings go to [局监察科].")
@click.option("--deadline", "deadlines", multiple=True, type=TextOption(metavar="YEAR:STEP=DATE"),
              help="Change a calendar date, e.g. 2011:commitment=2011-05-20, or a window "
                   "2011:fulfilment=2011-09-01..2011-10-31 (repeatable).")
@click.option("--allow-kind", "extra_kinds", multiple=True, metavar="文种",
              help="With --update: a 文种 `file --import --kind` accepts besides the "
                   "calendar's, e.g. 情况通报 (repeatable).")
@click.option("--update", is_flag=True, help="Change an existing archive's settings instead.")
@by_option
@click.pass_context
def init(ctx, root, archive_root, fonds_code, fonds_name, units, filing_office, deadlines,
         extra_kinds, update, by):
    """Create an archive with its settings and campaign calendar; --update changes them.

    Calendar steps and default dates (from the 实施方案): plan 04-20, opinions 04-20,
    commitment 05-31, hearing 05-01..06-30, fulfilment 09-01..10-31, assessment 11-30,
    summary 12-01..12-05, results 03-31 of the next year.

    \b
    Example:
        docgen init archive --fonds-code Z109 --fonds-name 区建设局 \\
            --unit 区建设局规划处=GHC --unit 区建设局办公室=BGS
        docgen init archive --update --deadline 2011:commitment=2011-05-20
    """
    from docgen.archive import init_archive

    root = root or archive_root
    unit_pairs, changes = _pairs(units, "--unit"), _deadlines(deadlines)
    if update:
        if fonds_code or fonds_name:
            raise BadInput(_("--update cannot change the 全宗号 or its name: filed 档号 use them"))
        arc = _open(root)
        arc.update_settings(units=unit_pairs, deadlines=changes, filing_office=filing_office,
                            by=by, extra_kinds=extra_kinds)
        click.echo(_("%(archive)s: settings updated") % {"archive": root})
        return
    missing = [o for o, v in (("--fonds-code", fonds_code), ("--fonds-name", fonds_name)) if not v]
    if missing:
        raise BadInput(_("docgen init needs %(options)s, e.g. --fonds-code Z109 --fonds-name "
                         "区建设局") % {"options": _(" and ").join(missing)})
    arc = init_archive(root, fonds_code=fonds_code, fonds_name=fonds_name, units=unit_pairs,
                       filing_office=filing_office or "局监察科", by=by)
    if changes or extra_kinds:
        arc.update_settings(deadlines=changes, by=by, extra_kinds=extra_kinds)
    click.echo(_("%(archive)s: archive created (全宗号 %(fonds)s, %(units)d unit(s))")
               % {"archive": root, "fonds": fonds_code, "units": len(unit_pairs)})


STATUS_HELP = N_("""Show each filing the campaign calendar requires: on time, late, missing, or due,
its 档号, and the command that makes it (docgen form new TYPE).

\b
Example:
    docgen status --year 2011 --unit GHC
    docgen status --year 2011 --strict --json""")


@click.command(help=STATUS_HELP)
@archive_option
@click.option("--year", type=int, help=N_("Campaign year (default: the latest with filings)."))
@click.option("--unit", type=TEXT, help=N_("One unit, by name or 机构代码."))
@click.option("--today", type=TEXT, help=N_("Judge deadlines as of this date instead of today, "
              "e.g. 2011-12-31 (filings count whenever they were made)."))
@click.option("--strict", is_flag=True, help=N_("Exit 11 when a required filing is missing."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the rows as JSON."))
@tsv_option
def status(archive_root, year, unit, today, strict, as_json, as_tsv):
    from docgen.archive.status import MISSING
    from docgen.dates import parse_date

    arc = _open(archive_root)
    if today is not None:
        try:
            today = parse_date(today)
        except ValueError as e:
            raise BadInput(_("--today: %(problem)s") % {"problem": e}) from None
    year, rows = arc.status(year, unit=unit, today=today)
    if as_json:
        echo_json({"year": year, "rows": [r.to_json() for r in rows]})
    else:
        echo_table((_("unit"), _("stage"), _("document"), _("due"), _("state"), _("档号"),
                    _("how to make it")),
                   [(r.unit_code, r.stage, r.kind, r.due.isoformat(), state_label(r),
                     " ".join(r.filing_numbers) or "-", r.command) for r in rows],
                   as_tsv=as_tsv)
    missing = [r for r in rows if r.state == MISSING]
    if strict and missing:
        raise StatusIncomplete(
            _("%(count)d required filing(s) missing in %(year)d") % {"count": len(missing),
                                                                    "year": year},
            [_("%(unit)s %(kind)s: due %(due)s, %(state)s")
             % {"unit": r.unit_code, "kind": r.kind, "due": r.due.isoformat(),
                "state": state_label(r)} for r in missing])


def state_label(row) -> str:
    """A status row's state in the installed language, e.g. missing (221 days overdue)."""
    from docgen.archive.status import DUE, LATE, MISSING, ON_TIME

    days = {"days": row.days}
    if row.state == DUE:
        return ngettext("due in %(days)d day", "due in %(days)d days", row.days) % days
    if row.state == LATE:
        return ngettext("filed late (%(days)d day)", "filed late (%(days)d days)",
                        row.days) % days
    if row.state == MISSING:
        return ngettext("missing (%(days)d day overdue)", "missing (%(days)d days overdue)",
                        row.days) % days
    if row.state == ON_TIME:
        return _("filed on time")
    return row.label


VERIFY_HELP = N_("""Run the DA/T 70 四性检测: 真实性, 完整性, 可用性, 安全性; exit 8 listing every problem.

The last line prints the audit head (SEQ:HASH). Note it outside the archive: a later
`verify --head SEQ:HASH` proves the log was not rewritten since (exit 8 naming the
entry where it changed, when it was).

\b
Example:
    docgen verify --archive archive
    docgen verify --year 2011 --json
    docgen verify --head 42:66c7f0f4d3…
    docgen verify --against 规划处2011.zip""")


@click.command(help=VERIFY_HELP)
@archive_option
@click.option("--year", type=int, help=N_("Check one year's records (the audit log is always "
              "checked whole)."))
@click.option("--deep", is_flag=True, help=N_("Also open every PDF and Word file and run the "
              "PDF/A check (slower)."))
@click.option("--head", metavar="SEQ:HASH", help=N_("Prove the audit log still extends this "
              "head, noted outside the archive (an inspection receipt, a bundle's 说明.txt)."))
@click.option("--against", "bundle", metavar="BUNDLE.zip", type=click.Path(path_type=Path),
              help=N_("Prove the audit log still extends the head recorded in this bundle."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the report as JSON."))
@tsv_option
def verify(archive_root, year, deep, head, bundle, as_json, as_tsv):
    from docgen.archive import anchor as anchors

    if head is not None and bundle is not None:
        raise BadInput(_("give --head or --against, not both"))
    anchor, known = None, None
    if head is not None:
        anchor = anchors.parse(head)
    elif bundle is not None:
        from docgen.bundle.verify import read_anchor

        anchor, known = read_anchor(bundle)
    arc = _open(archive_root)
    report = arc.verify(year, deep=deep, anchor=anchor, known=known)
    if as_json:
        echo_json(report.to_json())
    else:
        echo_table((_("check"), _("result")),
                   [(check, _("pass") if not problems else
                     _("FAIL (%(count)d)") % {"count": len(problems)})
                    for check, problems in report.by_check().items()], as_tsv=as_tsv)
        click.echo(_("%(records)d 件, %(files)d files, %(bytes)d bytes checked")
                   % {"records": report.records, "files": report.files, "bytes": report.bytes})
        if anchor is not None and report.ok:
            click.echo(_("the audit log extends the anchor %(anchor)s…")
                       % {"anchor": f"{anchor.seq}:{anchor.hash[:16]}"})
        click.echo(_("audit head %(head)s (note it outside the archive: `docgen verify --head` "
                     "with it proves the log was not rewritten since)")
                   % {"head": report.audit_head})
    report.raise_if_failed()
