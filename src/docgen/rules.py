"""The campaign's rules that span several fields of a form (from the seed's 实施方案)."""

from __future__ import annotations

from dataclasses import dataclass

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
            found.append(Violation(key, f"the year {day.year} is outside {FIRST_YEAR}–"
                                   f"{LAST_YEAR}", "check the year (four digits, e.g. 2011)"))
    m = DOC_NUMBER.match(form.doc_number)
    if m and int(m.group(1)) != form.date.year:
        found.append(Violation("doc_number", f"the year in {form.doc_number!r} is not the year "
                               f"of date ({form.date.year})", "make the two years agree"))
    if form.print_date and form.print_date < form.date:
        found.append(Violation("print_date", "印发日期 is before 成文日期",
                               "a document is printed on or after the day it is signed"))
    if isinstance(form, Commitment):
        for i, item in enumerate(form.items):
            where = f"items.{i}.deadline"
            if item.deadline.year != form.year:
                found.append(Violation(where, f"{item.deadline.isoformat()} is outside the "
                                       f"campaign year {form.year}",
                                       f"时限化: set a completion date in {form.year}"))
            elif item.deadline < form.date:
                found.append(Violation(where, f"{item.deadline.isoformat()} is before the "
                                       f"commitment's own date {form.date.isoformat()}",
                                       "promise a date after the 承诺书 is signed"))
    found.extend(rules_campaign.check(form, context))
    return found
