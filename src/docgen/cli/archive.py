"""Commands on the archive as a whole: init, status, verify (filing is in filing.py)."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli._common import TEXT, TextOption, echo_json, tsv
from docgen.errors import BadInput, StatusIncomplete


def archive_option(f):
    return click.option(
        "--archive", "archive_root", type=click.Path(path_type=Path), envvar="DOCGEN_ARCHIVE",
        default=Path("archive"), show_default=True,
        help="The archive folder (or set DOCGEN_ARCHIVE).")(f)


def by_option(f):
    return click.option("--by", metavar="NAME", type=TEXT,
                        help="Who acts, for the audit log (default: the OS user).")(f)


def _open(root: Path):
    from docgen.archive import Archive

    return Archive(root)


def _pairs(values, what: str) -> list[tuple[str, str]]:
    out = []
    for v in values:
        name, sep, code = v.rpartition("=")
        if not sep or not name.strip() or not code.strip():
            raise BadInput(f"{what} {v!r}: write it as 名称=CODE, e.g. 区建设局规划处=GHC")
        out.append((name.strip(), code.strip()))
    return out


def _deadlines(values) -> dict[tuple[int, str], dict]:
    """'2011:commitment=2011-05-20' or '2011:fulfilment=2011-09-01..2011-10-31'."""
    from docgen.vocab import STEP_KEYS

    out = {}
    for v in values:
        head, sep, dates = v.partition("=")
        year, _, step = head.partition(":")
        if not sep or not year.strip().isdigit() or step.strip() not in STEP_KEYS:
            raise BadInput(f"--deadline {v!r}: write YEAR:STEP=DATE (or START..DUE), e.g. "
                           f"2011:commitment=2011-05-20; steps: {', '.join(STEP_KEYS)}")
        start, _, due = dates.rpartition("..")
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
            raise BadInput("--update cannot change the 全宗号 or its name: filed 档号 use them")
        arc = _open(root)
        arc.update_settings(units=unit_pairs, deadlines=changes, filing_office=filing_office,
                            by=by, extra_kinds=extra_kinds)
        click.echo(f"{root}: settings updated")
        return
    missing = [o for o, v in (("--fonds-code", fonds_code), ("--fonds-name", fonds_name)) if not v]
    if missing:
        raise BadInput(f"docgen init needs {' and '.join(missing)}, e.g. --fonds-code Z109 "
                       "--fonds-name 区建设局")
    arc = init_archive(root, fonds_code=fonds_code, fonds_name=fonds_name, units=unit_pairs,
                       filing_office=filing_office or "局监察科", by=by)
    if changes or extra_kinds:
        arc.update_settings(deadlines=changes, by=by, extra_kinds=extra_kinds)
    click.echo(f"{root}: archive created (全宗号 {fonds_code}, {len(unit_pairs)} unit(s))")


@click.command()
@archive_option
@click.option("--year", type=int, help="Campaign year (default: the latest with filings).")
@click.option("--unit", type=TEXT, help="One unit, by name or 机构代码.")
@click.option("--today", type=TEXT, help="Judge deadlines as of this date instead of today, e.g. "
              "2011-12-31 (filings count whenever they were made).")
@click.option("--strict", is_flag=True, help="Exit 11 when a required filing is missing.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def status(archive_root, year, unit, today, strict, as_json):
    """Show each filing the campaign calendar requires: on time, late, missing, or due,
    its 档号, and the command that makes it (docgen form new TYPE).

    \b
    Example:
        docgen status --year 2011 --unit GHC
        docgen status --year 2011 --strict --json
    """
    from docgen.archive.status import MISSING
    from docgen.dates import parse_date

    arc = _open(archive_root)
    if today is not None:
        try:
            today = parse_date(today)
        except ValueError as e:
            raise BadInput(f"--today: {e}") from None
    year, rows = arc.status(year, unit=unit, today=today)
    if as_json:
        echo_json({"year": year, "rows": [r.to_json() for r in rows]})
    else:
        for r in rows:
            click.echo(tsv(r.unit_code, r.stage, r.kind, r.due.isoformat(), r.label,
                           " ".join(r.filing_numbers) or "-", r.command))
    missing = [r for r in rows if r.state == MISSING]
    if strict and missing:
        raise StatusIncomplete(f"{len(missing)} required filing(s) missing in {year}",
                               [f"{r.unit_code} {r.kind}: due {r.due.isoformat()}, {r.label}"
                                for r in missing])


@click.command()
@archive_option
@click.option("--year", type=int, help="Check one year's records (the audit log is always "
              "checked whole).")
@click.option("--deep", is_flag=True, help="Also open every PDF and Word file and run the "
              "PDF/A check (slower).")
@click.option("--head", metavar="SEQ:HASH", help="Prove the audit log still extends this "
              "head, noted outside the archive (an inspection receipt, a bundle's 说明.txt).")
@click.option("--against", "bundle", metavar="BUNDLE.zip", type=click.Path(path_type=Path),
              help="Prove the audit log still extends the head recorded in this bundle.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify(archive_root, year, deep, head, bundle, as_json):
    """Run the DA/T 70 四性检测: 真实性, 完整性, 可用性, 安全性; exit 8 listing every problem.

    The last line prints the audit head (SEQ:HASH). Note it outside the archive: a later
    `verify --head SEQ:HASH` proves the log was not rewritten since (exit 8 naming the
    entry where it changed, when it was).

    \b
    Example:
        docgen verify --archive archive
        docgen verify --year 2011 --json
        docgen verify --head 42:66c7f0f4d3…
        docgen verify --against 规划处2011.zip
    """
    from docgen.archive import anchor as anchors

    if head is not None and bundle is not None:
        raise BadInput("give --head or --against, not both")
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
        for check, problems in report.by_check().items():
            click.echo(tsv(check, "pass" if not problems else f"FAIL ({len(problems)})"))
        click.echo(f"{report.records} 件, {report.files} files, {report.bytes} bytes checked")
        if anchor is not None and report.ok:
            click.echo(f"the audit log extends the anchor {anchor.seq}:{anchor.hash[:16]}…")
        click.echo(f"audit head {report.audit_head} (note it outside the archive: "
                   "`docgen verify --head` with it proves the log was not rewritten since)")
    report.raise_if_failed()
