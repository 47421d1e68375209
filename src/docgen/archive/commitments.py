"""The filed 承诺书 a report answers to (践诺情况报告, 年度工作总结), found by year and unit or by 档号.

Its form file is kept in the 件 folder (`<档号>.form.yaml`), so the promises are read back
exactly as they were filed.
"""

from __future__ import annotations

from docgen.errors import DocgenError
from docgen.i18n import cli_gettext as _


def filed_commitment(archive, year: int, unit: str, filing_number: str | None = None):
    """(Record, Commitment form) of the current filed 承诺书 of `unit` (name or 机构代码) in
    campaign `year`, or the one named by `filing_number`; LookupError(why) when none."""
    from docgen.forms import load_form

    if filing_number:
        try:
            rec = archive.record(filing_number)
        except DocgenError as e:
            raise LookupError(e.message) from None
        if rec.type != "commitment" or rec.status != "filed":
            raise LookupError(_("{number} is a {kind} ({status}), not a filed 承诺书").format(
                number=filing_number, kind=rec.kind, status=_(rec.status)))
    else:
        found = [r for r in archive.records(year) if r.type == "commitment"
                 and r.status == "filed" and r.campaign_year == year
                 and unit in (r.unit, r.unit_code)]
        if not found:
            raise LookupError(_("no filed 承诺书 of {unit} for {year} in {root}").format(
                unit=unit, year=year, root=archive.root))
        rec = found[-1]  # the latest 档号: a correction supersedes, so normally the only one
    form_file = rec.files.get("form")
    if form_file is None or not form_file.is_file():
        raise LookupError(_("{number} was imported, not made from a form: its commitments "
                            "cannot be read").format(number=rec.filing_number))
    try:
        return rec, load_form(form_file)
    except DocgenError as e:
        raise LookupError(_("{number}: its form cannot be read ({error})").format(
            number=rec.filing_number, error=e.message)) from None


def check_context(archive=None):
    """The CheckContext for forms checked (or filed) with `archive`, or without one."""
    from docgen.rules_campaign import CheckContext

    if archive is None:
        return CheckContext()

    def calendar(year: int) -> dict:
        return {d.step.key: (d.start, d.due) for d in archive.settings.calendar(year)}

    def commitments(form):
        rec, promised = filed_commitment(archive, form.year, form.unit,
                                         getattr(form, "commitment_ref", None))
        where = f"the filed 承诺书 {rec.filing_number} ({promised.doc_number})"
        return where, [(i.content, i.target) for i in promised.items]

    return CheckContext(calendar, commitments, str(archive.root))
