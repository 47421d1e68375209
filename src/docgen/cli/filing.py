"""Commands that change what is filed: file (forms), import (other documents), withdraw."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli._common import (N_, TEXT, TextOption, _, classifications, conversion_progress,
                                echo_json, notice, pages_progress, record_types, retentions,
                                tsv)
from docgen.cli.archive import _open, archive_option, by_option
from docgen.errors import BadInput, ConversionFailed
from docgen.vocab import WORD_SUFFIXES

# --- options shared by the filing commands (declared once) ---------------------------------

_FILING = [
    click.option("--submitted", metavar="DATE", type=TEXT, help="报送日期: when the document reached the "
                 "filing office, if before today (e.g. handed in on paper); status judges by it."),
    click.option("--supersedes", metavar="档号", type=TEXT, help="File as a new version (更正) of this 件."),
    click.option("--duplicate-ok", is_flag=True, help="File even when a 件 with the same 年度, "
                 "unit, 发文字号 and 题名 is already filed (refused by default, exit 7)."),
    click.option("--json", "as_json", is_flag=True, help="Print the filed records as JSON."),
    by_option,
    archive_option,
]

def _import_decorators(hidden: bool = False):
    """The metadata options of an import; hidden on `file` (its deprecated --import)."""
    def option(*decls, **kw):
        return click.option(*decls, hidden=hidden, **kw)

    return [
        option("--type", "doc_type", type=record_types(), default="other", show_default=True,
                  help="Record type: plan, commitment, summary, … or other (Chinese names too)."),
        option("--title", type=TEXT, help="题名 (required)."),
        option("--date", "date", type=TEXT, help="成文日期 (required), e.g. 2011-06-10."),
        option("--kind", type=TEXT, help="文种, e.g. 听证会纪要 (the calendar matches on it)."),
        option("--unit", type=TEXT, help="The filing unit's name (default: the only one)."),
        option("--unit-code", type=TEXT, help="Its 机构代码 when not in the settings."),
        option("--doc-number", type=TEXT, help="文件编号."),
        option("--responsible", type=TEXT, help="责任者 (default: the unit)."),
        option("--retention", type=retentions(), default="定期30年", show_default=True,
                  help="保管期限."),
        option("--classification", type=classifications(), default="公开", show_default=True,
                  help="密级."),
        option("--campaign-year", type=int, help="The campaign it belongs to, e.g. 2011 for "
                  "评议结果 dated 2012."),
        option("--pdf", "pdf", type=click.Path(path_type=Path),
                  help="Its PDF/A, when FILE is not one."),
    ]


def _options(decorators):
    def apply(f):
        for d in reversed(decorators):
            f = d(f)
        return f
    return apply


def filing_options(f):
    return _options(_FILING)(f)


def import_options(f):
    return _options(_import_decorators())(f)


# --- commands ---------------------------------------------------------------------------------

@click.command("file")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="FORM…")
@filing_options
@click.option("--duplex", is_flag=True, help=N_("For double-sided printing: the 版记 goes on an "
              "even page (as `generate --duplex`)."))
@click.option("--import", "is_import", is_flag=True, hidden=True)
@click.option("--withdraw", "withdraw_number", metavar="档号", type=TEXT, hidden=True)
@click.option("--reason", type=TextOption(multiline=True), hidden=True)
@_options(_import_decorators(hidden=True))
@click.pass_context
def file(ctx, paths, archive_root, submitted, supersedes, duplicate_ok, as_json, by, duplex,
         is_import, withdraw_number, reason, **import_fields):
    """File forms: each is rendered (Word), converted (PDF/A), stamped and filed.

    Each 件 gets its 档号, a 归档章 on the PDF's first page, SM3 and SHA-256 digests and an
    audit entry. When any form is invalid nothing is filed. The same form filed twice (same
    年度, unit, 发文字号 and 题名) is refused (exit 7) unless --supersedes or --duplicate-ok.
    Documents docgen did not make: `docgen import`; withdrawing: `docgen withdraw`.

    \b
    Example:
        docgen file examples/plan.yaml examples/commitment.yaml
        docgen file examples/plan.yaml --supersedes Z109-WS·2011-D30-GHC-0001
    """
    if withdraw_number:
        notice(ctx, _("docgen: `file --withdraw` is deprecated; use `docgen withdraw 档号 "
                      "--reason …` (it will be removed in the next release)"))
        if paths:
            raise BadInput(_("--withdraw takes a 档号, not files"))
        _withdraw(ctx, archive_root, withdraw_number, reason, by, as_json)
        return
    if is_import:
        notice(ctx, _("docgen: `file --import` is deprecated; use `docgen import FILE… --title "
                      "… --date …` (it will be removed in the next release)"))
        _import(ctx, archive_root, paths, import_fields, submitted=submitted,
                supersedes=supersedes, duplicate_ok=duplicate_ok, as_json=as_json, by=by)
        return
    used = [f"--{k.replace('_', '-')}" for k, v in import_fields.items()
            if v and _IMPORT_DEFAULTS.get(k) != v]
    if used:
        raise BadInput(_("%(options)s only go with `docgen import`; a form file carries its "
                         "own fields") % {"options": ", ".join(used)})
    if not paths:
        raise BadInput(_("name the form files to file (documents docgen did not make: "
                         "`docgen import FILE…`)"))
    if supersedes and len(paths) != 1:
        raise BadInput(_("--supersedes replaces one 件: give exactly one file"))
    from docgen.archive import FilingOptions
    from docgen.pipeline import file_forms

    options = FilingOptions.build(by=by, supersedes=supersedes, submitted=submitted,
                                  duplicate_ok=duplicate_ok)
    from docgen.archive.commitments import check_context

    arc = _open_for_filing(ctx, archive_root)
    context = check_context(arc)
    with conversion_progress(ctx, len(paths)) as on_converted:
        filed = file_forms(arc, paths, options=options, on_converted=on_converted,
                           context=context, duplex=duplex)
    for n in context.notices:
        notice(ctx, _("docgen: warning: %(notice)s") % {"notice": n})
    _report(ctx, _filed_or_raise(ctx, filed, len(paths)), as_json)


_IMPORT_DEFAULTS = {"doc_type": "other", "retention": "定期30年", "classification": "公开"}


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="FILE…")
@import_options
@click.option("--one-item", is_flag=True, help="The scans, images and PDFs given are the "
              "pages of one 件, in the order given.")
@filing_options
@click.pass_context
def import_(ctx, paths, archive_root, submitted, supersedes, duplicate_ok, as_json, by,
            one_item, **import_fields):
    """File documents docgen did not make, as searchable PDF/A with the original beside it.

    Accepted: a PDF/A as it is; any other PDF and JPEG, PNG or TIFF images (multi-page too),
    made PDF/A-2b by OCRmyPDF with Tesseract (Simplified Chinese and English; pages rotated
    and deskewed, real text kept); .docx, .doc, .wps, .odt and .rtf converted by LibreOffice.
    Each file is its own 件 with the metadata given here, or with --one-item all of them are
    the pages of one 件. The recognised text is what search finds. A bad input (password,
    truncated, a decompression bomb, content not matching its suffix) is refused before
    anything is filed (exit 10); a file that cannot be converted is not filed (exit 6).

    \b
    Example:
        docgen import 听证会纪要.pdf --kind 听证会纪要 --title 规划处听证会纪要 --date 2011-06-10
        docgen import 通知.docx --title 关于开展民主评议的通知 --date 2011-04-02 --unit 区建设局规划处
        docgen import --one-item p1.jpg p2.jpg --kind 测评结果 --title 规划处民主评议测评表 \\
            --date 2011-11-20
    """
    _import(ctx, archive_root, paths, import_fields, submitted=submitted,
            supersedes=supersedes, duplicate_ok=duplicate_ok, as_json=as_json, by=by,
            one_item=one_item)


@click.command()
@click.argument("filing_number", metavar="档号", type=TEXT)
@click.option("--reason", type=TextOption(multiline=True), help="Why it is withdrawn (required; kept in the record and the "
              "audit log).")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@by_option
@archive_option
@click.pass_context
def withdraw(ctx, filing_number, reason, as_json, by, archive_root):
    """Withdraw (撤回) a filed 件: it is marked withdrawn, nothing is deleted.

    \b
    Example:
        docgen withdraw Z109-WS·2011-D30-GHC-0002 --reason 误报
    """
    _withdraw(ctx, archive_root, filing_number, reason, by, as_json)


# --- shared machinery -------------------------------------------------------------------------

def _open_for_filing(ctx, archive_root):
    """The archive, with the search index brought up to it once the command ends."""
    arc = _open(archive_root)
    _index_when_done(ctx, arc)
    return arc


def _index_when_done(ctx, arc) -> None:
    """Bring the search index up to the archive once the command ends, filed or failed: one
    index commit for all its filings. The index is derived: its failure is a notice, never a
    failed filing, and the next search or filing catches up."""
    from docgen.search import start_filing

    try:
        filing = start_filing(arc)  # so the catch-up knows which changes are this command's
    except OSError:  # a read-only index folder: sync will say so
        filing = None
    head = _head(arc)
    ctx.call_on_close(lambda: _update_index(ctx, arc, filing, head))


def _head(arc):
    try:
        return arc.audit_head()
    except Exception:  # noqa: BLE001 - a damaged log: filing refuses, verify names it
        return None


def _update_index(ctx, arc, filing, head) -> None:
    from docgen.search import sync

    if _head(arc) == head:  # nothing was filed: a refused command leaves everything as it was
        if filing is not None:
            filing.done()
        return
    try:
        message = sync(arc, filing=filing)
    except Exception as e:  # noqa: BLE001 - the filings are done and durable whatever this does
        message = (_("search index not updated (%(error)s: %(message)s); the next search or "
                     "filing catches up") % {"error": type(e).__name__, "message": e})
    if message:
        notice(ctx, _("docgen: %(message)s") % {"message": message})


def _withdraw(ctx, archive_root, filing_number, reason, by, as_json):
    rec = _open_for_filing(ctx, archive_root).withdraw(filing_number, reason=reason or "",
                                                       by=by)
    _report(ctx, [rec], as_json)


def _import(ctx, archive_root, paths, fields, *, submitted, supersedes, duplicate_ok, as_json,
            by, one_item=False):
    from docgen.archive import ImportOptions
    from docgen.pipeline import import_files

    if not paths:
        raise BadInput(_("name the files to import"))
    if supersedes and len(paths) != 1 and not one_item:
        raise BadInput(_("--supersedes replaces one 件: give exactly one file"))
    fields = dict(fields)
    pdf = fields.pop("pdf", None)
    fields["type"] = fields.pop("doc_type") or "other"
    missing = [o for o, k in (("--title", "title"), ("--date", "date")) if not fields.get(k)]
    if missing:
        raise BadInput(_("import needs %(options)s, e.g. --title 规划处听证会纪要 --date "
                         "2011-06-10") % {"options": _(" and ").join(missing)})
    options = ImportOptions.build(**fields, by=by, supersedes=supersedes, submitted=submitted,
                                  duplicate_ok=duplicate_ok)
    arc = _open_for_filing(ctx, archive_root)
    words = 0 if pdf else sum(Path(p).suffix.lower() in WORD_SUFFIXES for p in paths)
    with conversion_progress(ctx, words) as on_converted, pages_progress(ctx) as on_ocr:
        filed = import_files(arc, paths, options=options, pdf=pdf, on_converted=on_converted,
                             one_item=one_item, on_ocr=on_ocr)
    _report(ctx, _filed_or_raise(ctx, filed, len(paths)), as_json)


def _filed_or_raise(ctx, filed, n: int):
    """The records filed; when some could not be converted, report those filed, then fail."""
    if filed.failed:
        _report(ctx, filed.records, False)
        raise ConversionFailed(_("%(failed)d of %(count)d document(s) could not be converted "
                                 "to PDF/A and were not filed")
                               % {"failed": len(filed.failed), "count": n},
                               [f"{p}: {why}" for p, why in filed.failed.items()])
    return filed.records


def _report(ctx, recs, as_json: bool) -> None:
    if as_json:
        echo_json([{"filing_number": r.filing_number, "status": r.status, "title": r.title,
                    "dir": str(r.dir), "files": {k: str(v) for k, v in r.files.items()},
                    "notices": r.notices} for r in recs])
    else:
        for r in recs:
            click.echo(tsv(r.filing_number, _(r.status), r.title))
    for r in recs:
        for n in r.notices:
            notice(ctx, _("docgen: %(message)s") % {"message": n})
