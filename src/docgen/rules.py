"""The campaign's rules that span several fields of a form (from the seed's 实施方案)."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.i18n import cli_gettext as _
from docgen.models import DOC_NUMBER, Commitment, Form

# 成文日期 years a form may carry. The 民主评议 campaigns this tool files began in the late
# 1990s and its rules (GB/T 9704-2012, DA/T 22-2015) are this century's; a 档号 needs a four-
# digit 年度. A year outside is a typo (0999, 20111) that would otherwise pass `form check`
# and fail only in `file`, after conversion.
FIRST_YEAR, LAST_YEAR = 2000, 2099


@dataclass(frozen=True)
class Violation:
    field: str
    what: str
    fix: str
    warning: bool = False  # reported, but the form is still valid


def check(form: Form, context=None) -> list[Violation]:
    """Every rule the form breaks, in field order; empty when it keeps them all.

    `context` (rules_campaign.CheckContext) brings the archive's calendar and its filed
    承诺书; without it the seed's default dates are used and nothing is compared.
    """
    from docgen import rules_campaign

    found: list[Violation] = []
    for key, day in (("date", form.date), ("print_date", form.print_date)):
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            found.append(Violation(key, _("the year {year} is outside {first}–{last}").format(
                year=day.year, first=FIRST_YEAR, last=LAST_YEAR),
                _("check the year (four digits, e.g. 2011)")))
    m = DOC_NUMBER.match(form.doc_number)
    if m and int(m.group(1)) != form.date.year:
        found.append(Violation("doc_number", _("the year in {number!r} is not the year of date "
                                               "({year})").format(number=form.doc_number,
                                                                  year=form.date.year),
                               _("make the two years agree")))
    if form.print_date and form.print_date < form.date:
        found.append(Violation("print_date", _("印发日期 is before 成文日期"),
                               _("a document is printed on or after the day it is signed")))
    if isinstance(form, Commitment):
        for i, item in enumerate(form.items):
            where = f"items.{i}.deadline"
            if item.deadline.year != form.year:
                found.append(Violation(
                    where, _("{date} is outside the campaign year {year}").format(
                        date=item.deadline.isoformat(), year=form.year),
                    _("时限化: set a completion date in {year}").format(year=form.year)))
            elif item.deadline < form.date:
                found.append(Violation(
                    where, _("{date} is before the commitment's own date {signed}").format(
                        date=item.deadline.isoformat(), signed=form.date.isoformat()),
                    _("promise a date after the 承诺书 is signed")))
    found.extend(rules_campaign.check(form, context))
    return found
