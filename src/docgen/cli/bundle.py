"""Command `bundle`: make a BagIt zip of filed records for inspection; `bundle verify` checks one."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli._common import (N_, TEXT, _, echo_json, notice, progressbar, quiet,
                                record_types)
from docgen.cli.archive import archive_option
from docgen.errors import BadInput

RECORD_TYPES = record_types()
LABELS = (N_("staging"),)  # the progress labels docgen.bundle gives, shown translated


@click.group(invoke_without_command=True)
@click.option("--year", type=int, metavar="YEAR", help="Only this 年度 (default: every year).")
@click.option("--unit", metavar="UNIT", type=TEXT,
              help="Only this unit, by name or 机构代码 (e.g. GHC).")
@click.option("--type", "record_type", type=RECORD_TYPES, help="Only this record type.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE.zip", help="Where to write the bundle.")
@click.option("--include-classified", is_flag=True,
              help="Also bundle 秘密/机密/绝密 records (left out and counted by default).")
@click.option("--allow-unverified", is_flag=True,
              help="Bundle even when the archive fails `docgen verify`; the bundle says so.")
@archive_option
@click.option("--sha256-only", is_flag=True,
              help="Manifests in sha256 alone (default: sha256 and sha512); faster.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes hashing the bag's files (bagit).")
@click.option("--json", "as_json", is_flag=True, help="Print what was bundled as JSON.")
@click.pass_context
def bundle(ctx, year, unit, record_type, output, include_classified, allow_unverified,
           archive_root, sha256_only, jobs, as_json):
    """Bundle filed records for inspection as a BagIt zip (RFC 8493), or verify one.

    The zip holds, per 件, its PDF/A, original and record.json in 年度/机构/档号 folders,
    the 归档文件目录 (.xlsx and .pdf), a 合订本.pdf with a bookmark per 件, the archive's
    audit log up to its head (SEQ:HASH, also in bag-info) and a 说明.txt. Note the head: a
    later `docgen verify --against BUNDLE.zip` proves the log was not rewritten since.
    Classified records are left out (and counted)
    unless --include-classified. An archive that fails `docgen verify` is refused unless
    --allow-unverified. Prints the zip's path.

    \b
    Example:
        docgen bundle --year 2011 --unit GHC -o 规划处2011.zip
        docgen bundle verify 规划处2011.zip
    """
    if ctx.invoked_subcommand is not None:
        return
    if output is None:
        raise click.UsageError(_("give the bundle's file name: -o FILE.zip"), ctx)
    from docgen.archive import Archive
    from docgen.bundle import BundleOptions, make_bundle

    options = BundleOptions(year=year, unit=unit, type=record_type,
                            include_classified=include_classified,
                            allow_unverified=allow_unverified,
                            checksums=("sha256",) if sha256_only else ("sha256", "sha512"))

    def bar(items, label):
        with progressbar(items, label=_(label), silent=quiet(ctx)) as it:
            yield from it

    report = make_bundle(Archive(archive_root), output, options, progress=bar, processes=jobs)
    if report.unverified:
        notice(ctx, _("warning: the archive fails 四性检测 (%(count)d problem(s)); the bundle "
                      "is marked unverified") % {"count": len(report.archive_problems)})
    if report.left_out:
        notice(ctx, _("%(count)d classified 件 left out (--include-classified to bundle them)")
               % {"count": len(report.left_out)})
    notice(ctx, _("bundled %(records)d 件, %(bytes)d bytes, sha256 %(sha256)s")
           % {"records": len(report.records), "bytes": report.zip_bytes,
              "sha256": report.sha256})
    if as_json:
        echo_json(report.to_json())
    else:
        click.echo(str(report.path))


@bundle.command("verify")
@click.argument("zip_path", metavar="FILE.zip", type=click.Path(path_type=Path))
@click.option("--max-ratio", type=float, default=10.0, show_default=True,
              help="Refuse a zip that declares more than this many times its size unpacked.")
@click.option("--max-bytes", type=int, default=16 << 30, show_default=True,
              help="Refuse a zip that declares more than this many bytes unpacked.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def verify(ctx, zip_path, max_ratio, max_bytes, as_json):
    """Check a bundle: every digest, nothing missing or extra, catalogue = records.

    Refuses zips with absolute paths, '..' entries, links or sizes past the bound before
    extracting anything. Names every problem and exits 8 when there is one.

    \b
    Example:
        docgen bundle verify 规划处2011.zip
    """
    from docgen.bundle import VerifyLimits
    from docgen.bundle.verify import check_bundle

    if max_ratio <= 0 or max_bytes <= 0:
        raise BadInput(_("--max-ratio and --max-bytes must be positive"))
    result = check_bundle(zip_path, limits=VerifyLimits(max_ratio=max_ratio,
                                                        max_bytes=max_bytes))
    if as_json:  # the report, failed or not; the exit code still says which
        echo_json(result.to_json())
    result.raise_if_failed()
    if result.unverified:
        notice(ctx, _("note: %(path)s was made from an archive that failed 四性检测 "
                      "(%(state)s)") % {"path": zip_path,
                                        "state": result.info.get("Docgen-Archive-Verified")})
    if not as_json:
        click.echo(_("%(path)s: OK, %(records)d 件, bag %(bag)s")
                   % {"path": zip_path, "records": result.records,
                      "bag": result.info.get("External-Identifier")})
