"""The `layout check` command: measure PDFs against GB/T 9704-2012, rule by rule."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli._common import N_, _, echo_json, width
from docgen.errors import VerifyFailed


@click.group()
def layout():
    """Check the page layout of official documents (GB/T 9704-2012).

    \b
    Example:
        docgen layout check out/plan.pdf
    """


@layout.command("check")
@click.argument("files", metavar="FILE.pdf...", nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help=N_("Print a JSON list: file, pages, ok, rules (rule, clause, label, measured, "
                      "expected, status, ok)."))
@click.option("--duplex", is_flag=True,
              help=N_("The documents are printed double-sided: the 版记 must be on an even "
                      "page."))
def check(files, as_json, duplex):
    """Measure each PDF (docgen's, Word's or WPS's) against GB/T 9704 and print every rule.

    The exit code is 8 when any rule fails, 10 when a file is not a readable PDF.

    \b
    Example:
        docgen layout check out/plan.pdf out/summary.pdf
        docgen layout check scan.pdf --json
    """
    from docgen.layout import check as check_pdf

    reports = [check_pdf(path, duplex=duplex) for path in files]
    if as_json:
        echo_json([r.as_dict() for r in reports])
    else:
        for report in reports:
            click.echo(table(report))
    failed = [(r, f) for r in reports for f in r.failed]
    if failed:
        raise VerifyFailed(
            _("%(failed)d layout rule(s) failed in %(pdfs)d of %(count)d PDF(s)")
            % {"failed": len(failed), "pdfs": len({r.path for r, _f in failed}),
               "count": len(reports)},
            [_("{file}: {rule} ({label}, GB/T 9704 {clause}): {measured}; expected "
               "{expected}").format(file=r.path, rule=f.rule, label=f.label, clause=f.clause,
                                    measured=f.measured, expected=f.expected)
             for r, f in failed])


STATUS = {"pass": N_("pass"), "fail": N_("fail"), "n/a": N_("n/a")}  # --json keeps the keys


def table(report) -> str:
    """rule | measured | expected | ok, one line per rule, under a line naming the file."""
    rows = [(_("rule"), _("measured"), _("expected"), _("ok"))] + [
        (f.rule, f.measured, f.expected, _(STATUS[f.status])) for f in report.findings]
    widths = [min(max(_width(r[i]) for r in rows), cap) for i, cap in enumerate((22, 48, 44, 4))]
    lines = [_("%(path)s (%(pages)d page(s)): %(result)s")
             % {"path": report.path, "pages": report.pages,
                "result": _("ok") if report.ok else _("FAILED")}]
    for row in rows:
        lines.append("  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


_width = width


def _pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))
