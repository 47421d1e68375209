"""Commands on the archive: init, file, status, verify."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli._common import (TEXT, TextOption, classifications, conversion_progress,
                                echo_json, notice, record_types, retentions, tsv)
from docgen.errors import BadInput, ConversionFailed, StatusIncomplete

RETENTIONS = retentions()
CLASSIFICATIONS = classifications()
IMPORT_TYPES = record_types()


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
@click.option("--update", is_flag=True, help="Change an existing archive's settings instead.")
@by_option
@click.pass_context
def init(ctx, root, archive_root, fonds_code, fonds_name, units, filing_office, deadlines,
         update, by):
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
                            by=by)
        click.echo(f"{root}: settings updated")
        return
    missing = [o for o, v in (("--fonds-code", fonds_code), ("--fonds-name", fonds_name)) if not v]
    if missing:
        raise BadInput(f"docgen init needs {' and '.join(missing)}, e.g. --fonds-code Z109 "
                       "--fonds-name 区建设局")
    arc = init_archive(root, fonds_code=fonds_code, fonds_name=fonds_name, units=unit_pairs,
                       filing_office=filing_office or "局监察科", by=by)
    if changes:
        arc.update_settings(deadlines=changes, by=by)
    click.echo(f"{root}: archive created (全宗号 {fonds_code}, {len(unit_pairs)} unit(s))")


@click.command("file")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="FORM…|FILE…")
@archive_option
@click.option("--import", "is_import", is_flag=True,
              help="FILE… are documents docgen did not make: PDF/A files (a scan must be "
                   "saved as PDF/A), Word files (converted here), others kept as they are.")
@click.option("--type", "doc_type", type=IMPORT_TYPES, help="With --import: plan, commitment, "
              "summary or other.")
@click.option("--title", type=TEXT, help="With --import: 题名.")
@click.option("--date", "date", type=TEXT, help="With --import: 成文日期, e.g. 2011-06-10.")
@click.option("--kind", type=TEXT,
              help="With --import: 文种, e.g. 听证会纪要 (the calendar matches on it).")
@click.option("--unit", type=TEXT,
              help="With --import: the filing unit's name (default: the only one).")
@click.option("--unit-code", type=TEXT, help="With --import: its 机构代码 when not in the settings.")
@click.option("--doc-number", type=TEXT, help="With --import: 文件编号.")
@click.option("--responsible", type=TEXT, help="With --import: 责任者 (default: the unit).")
@click.option("--retention", type=RETENTIONS, default="定期30年", show_default=True,
              help="With --import: 保管期限.")
@click.option("--classification", type=CLASSIFICATIONS, default="公开", show_default=True,
              help="With --import: 密级.")
@click.option("--campaign-year", type=int, help="With --import: the campaign it belongs to, "
              "e.g. 2011 for 评议结果 dated 2012.")
@click.option("--pdf", "pdf", type=click.Path(path_type=Path),
              help="With --import: its PDF/A, when FILE is not one.")
@click.option("--submitted", metavar="DATE", type=TEXT, help="报送日期: when the document reached the "
              "filing office, if before today (e.g. handed in on paper); status judges by it.")
@click.option("--supersedes", metavar="档号", type=TEXT, help="File as a new version of this 件.")
@click.option("--withdraw", "withdraw", metavar="档号", type=TEXT,
              help="Withdraw (撤回) this 件 instead; "
              "nothing is deleted.")
@click.option("--reason", type=TEXT, help="With --withdraw: why.")
@click.option("--json", "as_json", is_flag=True, help="Print the filed records as JSON.")
@by_option
@click.pass_context
def file(ctx, paths, archive_root, is_import, doc_type, title, date, kind, unit, unit_code,
          doc_number, responsible, retention, classification, campaign_year, pdf, supersedes,
          withdraw, reason, as_json, by, submitted):
    """File documents: form files are rendered (Word), converted (PDF/A), stamped and filed.

    Each 件 gets its 档号, a 归档章 on the PDF's first page, SM3 and SHA-256 digests and an
    audit entry. When any form is invalid nothing is filed.

    \b
    Example:
        docgen file examples/plan.yaml examples/commitment.yaml
        docgen file --import 听证会纪要.pdf --type other --kind 听证会纪要 \\
            --title 规划处听证会纪要 --date 2011-06-10
        docgen file examples/plan.yaml --supersedes Z109-WS·2011-D30-GHC-0001
        docgen file --withdraw Z109-WS·2011-D30-GHC-0002 --reason 误报
    """
    arc = _open(archive_root)
    if withdraw:
        if paths:
            raise BadInput("--withdraw takes a 档号, not files")
        rec = arc.withdraw(withdraw, reason=reason or "", by=by)
        _report(ctx, [rec], as_json)
        return
    if not paths:
        raise BadInput("name the form files to file (or --import FILE…, or --withdraw 档号)")
    if supersedes and len(paths) != 1:
        raise BadInput("--supersedes replaces one 件: give exactly one file")
    if is_import:
        missing = [o for o, v in (("--type", doc_type), ("--title", title), ("--date", date))
                   if not v]
        if missing:
            raise BadInput(f"--import needs {', '.join(missing)}")
        done = _import(ctx, arc, paths, dict(
            type=doc_type, title=title, date=date, kind=kind, unit=unit, unit_code=unit_code,
            doc_number=doc_number, responsible=responsible, retention=retention,
            classification=classification, campaign_year=campaign_year, by=by,
            supersedes=supersedes, submitted=submitted), pdf)
    else:
        used = [o for o, v in (("--type", doc_type), ("--title", title), ("--date", date),
                               ("--pdf", pdf), ("--kind", kind)) if v]
        if used:
            raise BadInput(f"{', '.join(used)} only go with --import; a form file carries "
                           "its own fields")
        done = _file_forms(ctx, arc, paths, supersedes, by, submitted)
    _report(ctx, done, as_json)


def _file_forms(ctx, arc, paths, supersedes, by, submitted):
    from docgen.pipeline import file_forms

    with conversion_progress(ctx, len(paths)) as on_converted:
        filed = file_forms(arc, paths, supersedes=supersedes, by=by, submitted=submitted,
                           on_converted=on_converted)
    return _filed_or_raise(ctx, filed, len(paths))


def _import(ctx, arc, paths, fields, pdf):
    from docgen.pipeline import import_files

    with conversion_progress(ctx, len(paths)) as on_converted:
        filed = import_files(arc, paths, fields=fields, pdf=pdf, on_converted=on_converted)
    return _filed_or_raise(ctx, filed, len(paths))


def _filed_or_raise(ctx, filed, n: int):
    """The records filed; when some could not be converted, report those filed, then fail."""
    if filed.failed:
        _report(ctx, filed.records, False)
        raise ConversionFailed(f"{len(filed.failed)} of {n} document(s) could not be "
                               "converted to PDF/A and were not filed",
                               [f"{p}: {why}" for p, why in filed.failed.items()])
    return filed.records


def _report(ctx, recs, as_json: bool) -> None:
    if as_json:
        echo_json([{"filing_number": r.filing_number, "status": r.status, "title": r.title,
                    "dir": str(r.dir), "files": {k: str(v) for k, v in r.files.items()},
                    "notices": r.notices} for r in recs])
    else:
        for r in recs:
            click.echo(tsv(r.filing_number, r.status, r.title))
    for r in recs:
        for n in r.notices:
            notice(ctx, f"docgen: {n}")


@click.command()
@archive_option
@click.option("--year", type=int, help="Campaign year (default: the latest with filings).")
@click.option("--unit", type=TEXT, help="One unit, by name or 机构代码.")
@click.option("--today", type=TEXT, help="Judge deadlines as of this date instead of today, e.g. "
              "2011-12-31 (filings count whenever they were made).")
@click.option("--strict", is_flag=True, help="Exit 11 when a required filing is missing.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def status(archive_root, year, unit, today, strict, as_json):
    """Show each filing the campaign calendar requires: on time, late, missing, or due.

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
                           " ".join(r.filing_numbers) or "-"))
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
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify(archive_root, year, deep, as_json):
    """Run the DA/T 70 四性检测: 真实性, 完整性, 可用性, 安全性; exit 8 listing every problem.

    \b
    Example:
        docgen verify --archive archive
        docgen verify --year 2011 --json
    """
    arc = _open(archive_root)
    report = arc.verify(year, deep=deep)
    if as_json:
        echo_json(report.to_json())
    else:
        for check, problems in report.by_check().items():
            click.echo(f"{check}\t{'pass' if not problems else f'FAIL ({len(problems)})'}")
        click.echo(f"{report.records} 件, {report.files} files, {report.bytes} bytes checked")
        click.echo(f"audit head {report.audit_head} (note it: a later verify showing the same "
                   "entry proves the log was not rewritten)")
    report.raise_if_failed()
