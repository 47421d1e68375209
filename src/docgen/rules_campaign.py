"""The campaign's rules for 征求意见汇总, 听证会纪要, 践诺情况报告, 测评结果 and 评议结果, and the
check of a report (践诺情况报告, 年度工作总结) against the filed 承诺书."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable

from docgen.i18n import N_
from docgen.i18n import cli_gettext as _
from docgen.i18n import cli_ngettext as ngettext
from docgen.models_campaign import (GRADES, Assessment, Fulfillment, Hearing, Opinions,
                                    Results, in_window)
from docgen.vocab import STEPS

RATE_TOLERANCE = 0.1  # percentage points: a typed 93.8% for a computed 93.75% is right


@dataclass(frozen=True)
class CheckContext:
    """What a form is checked against besides itself, built once at the edge.

    calendar(year) -> {step key: (start, due)}: the archive's campaign calendar.
    commitments(form) -> (where, [(content, target)]): the filed 承诺书 a report answers to;
    raises LookupError(why) when there is none. Without it, a summary gets a warning.
    notices collects the warnings of every form checked with this context.
    """

    calendar: Callable[[int], dict] | None = None
    commitments: Callable[[object], tuple[str, list]] | None = None
    archive_name: str = ""
    notices: list = field(default_factory=list)


def _v(field: str, what: str, fix: str, warning: bool = False):
    from docgen.rules import Violation

    return Violation(field, what, fix, warning)


def window(step_key: str, year: int, calendar=None) -> tuple[dt.date | None, dt.date]:
    """(start, due) of a calendar step: the archive's when given, else the seed's default."""
    dates = calendar(year) if calendar else {}
    if step_key in dates:
        return dates[step_key]
    step = next(s for s in STEPS if s.key == step_key)
    return step.dates(year)


def check(form, context: CheckContext | None = None) -> list:
    calendar = context.calendar if context else None
    found = []
    for cls, rules in ((Opinions, _opinions), (Hearing, _hearing), (Fulfillment, _fulfillment),
                       (Assessment, _assessment), (Results, _results)):
        if isinstance(form, cls):
            found = rules(form, calendar)
    return found + _against_archive(form, context)


def _against_archive(form, context) -> list:
    """A 践诺情况报告 or 年度工作总结 against the filed 承诺书 (warning without an archive)."""
    field_name, __ = reported(form)
    if not field_name:
        return []
    if context is None or context.commitments is None:
        if isinstance(form, Fulfillment):
            return []  # it carries the promises it reports on; `--archive` compares them
        return [_v(field_name, _("not checked against the filed 承诺书"),
                   _("run `docgen form check --archive ARCHIVE FILE` to check every commitment "
                     "is reported, none invented"), warning=True)]
    try:
        where, promised = context.commitments(form)
    except LookupError as e:
        if isinstance(form, Fulfillment):
            return [_v("commitment_ref" if form.commitment_ref else "unit", str(e.args[0]),
                       _("file the year's 承诺书 first (docgen file commitment.yaml), or name "
                         "it with commitment_ref: 档号"))]
        return [_v(field_name, str(e.args[0]), _("file the year's 承诺书 to have the summary "
                                                 "checked against it"), warning=True)]
    return against_commitments(form, promised, where)


def _in_year(found, where: str, day: dt.date, form, what: str) -> None:
    if day.year != form.year:
        found.append(_v(where, _("{date} is outside the campaign year {year}").format(
            date=day.isoformat(), year=form.year),
            _("set {what} in {year}").format(what=_(what), year=form.year)))


def _opinions(form: Opinions, calendar) -> list:
    found = []
    methods = [c.method for c in form.channels]
    for i, m in enumerate(methods):
        if m in methods[:i]:
            found.append(_v(f"channels.{i}.method", _("{value!r} is listed twice").format(value=m),
                            _("list each 征求方式 once, with its total count")))
    by_source = form.totals_by_source
    for i, c in enumerate(form.channels):
        if c.count == 0 and by_source.get(c.method):
            found.append(_v(f"channels.{i}.count",
                            ngettext("is 0, but {count} opinion came from {method}",
                                     "is 0, but {count} opinions came from {method}",
                                     by_source[c.method]).format(count=by_source[c.method],
                                                                 method=c.method),
                            _("give the number of 问卷/场次/户次")))
    for i, o in enumerate(form.opinions):
        if o.source not in methods:
            found.append(_v(f"opinions.{i}.source",
                            _("{value!r} is not one of the 征求方式 ({methods})").format(
                                value=o.source, methods="、".join(methods)),
                            _("use one of them, or add it to channels")))
        _in_year(found, f"opinions.{i}.deadline", o.deadline, form, N_("the 整改时限"))
        if o.deadline.year == form.year and o.deadline < form.date:
            found.append(_v(f"opinions.{i}.deadline",
                            _("{date} is before the 汇总's own date {own}").format(
                                date=o.deadline.isoformat(), own=form.date.isoformat()),
                            _("a 整改时限 lies after the opinions are gathered")))
    categories = set(form.totals_by_category)
    for i, k in enumerate(form.key_problems):
        if k.category not in categories:
            found.append(_v(f"key_problems.{i}.category",
                            _("no opinion is filed under {category!r}").format(
                                category=k.category),
                            _("突出问题 are drawn from the opinions: use one of {categories}")
                            .format(categories="、".join(categories))))
    return found


def _hearing(form: Hearing, calendar) -> list:
    found = []
    start, due = window("hearing", form.year, calendar)
    if not in_window(form.held_on, start, due):
        span = (f"{start.isoformat()}..{due.isoformat()}" if start
                else _("by {date}").format(date=due.isoformat()))
        found.append(_v("held_on", _("{date} is outside the hearing window {span}").format(
            date=form.held_on.isoformat(), span=span),
            _("hold the hearing in the window, or change the calendar: docgen init --update "
              "--deadline {year}:hearing=START..DUE").format(year=form.year)))
    if form.date < form.held_on:
        found.append(_v("date", _("the minutes are dated {date}, before the hearing ({held})")
                        .format(date=form.date.isoformat(), held=form.held_on.isoformat()),
                        _("date them on or after it")))
    roles = " ".join(p.role for p in form.participants)
    for role in ("群众代表", "监督员"):
        if role not in roles:
            found.append(_v("participants",
                            _("no {role} among the participants").format(role=role),
                            _("a hearing hears the public: list the {role} who attended")
                            .format(role=role)))
    for i, f in enumerate(form.follow_ups):
        _in_year(found, f"follow_ups.{i}.deadline", f.deadline, form, N_("the deadline"))
        if f.deadline.year == form.year and f.deadline < form.held_on:
            found.append(_v(f"follow_ups.{i}.deadline",
                            _("{date} is before the hearing").format(date=f.deadline.isoformat()),
                            _("a follow-up is due after the hearing decides it")))
    return found


def _fulfillment(form: Fulfillment, calendar) -> list:
    found = []
    seen = set()
    for i, item in enumerate(form.items):
        key = normal(item.commitment)
        if key in seen:
            found.append(_v(f"items.{i}.commitment", _("is reported twice"),
                            _("report each commitment once")))
        seen.add(key)
        if item.status != "已完成" and not item.remedy:
            found.append(_v(f"items.{i}.remedy",
                            _("is missing for a commitment {status}").format(status=item.status),
                            _("say why, and what is done to finish it (未完成原因及整改措施)")))
    return found


def _assessment(form: Assessment, calendar) -> list:
    found = []
    s = form.survey
    if s.returned > s.distributed:
        found.append(_v("survey.returned", _("{returned} returned of {distributed} distributed")
                        .format(returned=s.returned, distributed=s.distributed),
                        _("回收 cannot exceed 发放")))
    for i, t in enumerate(form.tallies):
        if t.total != s.returned:
            found.append(_v(f"tallies.{i}",
                            _("{question}: {satisfied}+{basic}+{dissatisfied} = {total}, not the "
                              "{returned} questionnaires returned").format(
                                question=t.question, satisfied=t.satisfied, basic=t.basic,
                                dissatisfied=t.dissatisfied, total=t.total,
                                returned=s.returned),
                            _("the 满意/基本满意/不满意 counts of each question add up to "
                              "survey.returned")))
        if t.rate is not None and t.computed_rate is not None and \
                abs(t.rate - t.computed_rate) > RATE_TOLERANCE:
            found.append(_v(f"tallies.{i}.rate",
                            _("{rate:g}% disagrees with the counts ({satisfied}+{basic})/{total} "
                              "= {computed:g}%").format(
                                rate=t.rate, satisfied=t.satisfied, basic=t.basic,
                                total=t.total, computed=t.computed_rate),
                            _("leave the rate out: docgen computes it")))
    for i, v in enumerate(form.visits):
        if v.visited_on > form.date:
            found.append(_v(f"visits.{i}.visited_on",
                            _("{date} is after the report's date {own}").format(
                                date=v.visited_on.isoformat(), own=form.date.isoformat()),
                            _("report visits made")))
    return found


def _results(form: Results, calendar) -> list:
    found = []
    if form.date.month > 3:
        year = form.date.year
        found.append(_v("date", _("{date} is not in the first quarter (一季度公布评议结果)")
                        .format(date=form.date.isoformat()),
                        _("date the 通报 between {year}-01-01 and {year}-03-31, for the "
                          "{campaign} campaign").format(year=year, campaign=year - 1)))
    names = [u.unit for u in form.units]
    for i, n in enumerate(names):
        if n in names[:i]:
            found.append(_v(f"units.{i}.unit", _("{value!r} is listed twice").format(value=n),
                            _("list each unit once")))
    rank = {g: k for k, g in enumerate(GRADES)}
    for i, a in enumerate(form.units):
        for b in form.units:
            if a.score > b.score and rank[a.grade] > rank[b.grade]:
                found.append(_v(f"units.{i}.grade",
                                _("{unit} scored {score:g} but is rated {grade}, below {other} "
                                  "({other_score:g}, {other_grade})").format(
                                    unit=a.unit, score=a.score, grade=a.grade, other=b.unit,
                                    other_score=b.score, other_grade=b.grade),
                                _("a higher score never gets a lower 等次")))
                break
    fixing = {r.unit for r in form.rectifications}
    for i, u in enumerate(form.units):
        if u.grade in ("一般", "较差") and u.unit not in fixing:
            found.append(_v(f"units.{i}", _("{unit} is rated {grade} but has no 整改要求")
                            .format(unit=u.unit, grade=u.grade),
                            _("add it under rectifications")))
    for i, r in enumerate(form.rectifications):
        if r.unit not in names:
            found.append(_v(f"rectifications.{i}.unit",
                            _("{value!r} is not among the units rated").format(value=r.unit),
                            _("use a unit from the units table")))
        if r.deadline < form.date:
            found.append(_v(f"rectifications.{i}.deadline",
                            _("{date} is before the 通报's date").format(
                                date=r.deadline.isoformat()),
                            _("give a deadline after it")))
    return found


# --- against the filed 承诺书 ---------------------------------------------------------------
def normal(text: str) -> str:
    """Commitments compare without spaces and final punctuation."""
    return re.sub(r"[\s。；;，,]+$", "", re.sub(r"\s+", "", text or ""))


def reported(form) -> tuple[str, list[tuple[str, str | None]]]:
    """(list field, [(commitment, target or None)]) a report states, or ('', [])."""
    from docgen.models import Summary

    if isinstance(form, Fulfillment):
        return "items", [(i.commitment, i.target) for i in form.items]
    if isinstance(form, Summary):
        return "fulfilments", [(f.commitment, None) for f in form.fulfilments]
    return "", []


def against_commitments(form, promised: list[tuple[str, str]], where: str) -> list:
    """Violations of 'every commitment reported, none invented' (and, for 践诺情况报告, the
    target as promised). `promised` is [(content, target)] of the filed 承诺书 `where`."""
    field, items = reported(form)
    if not field:
        return []
    found = []
    targets = {normal(c): t for c, t in promised}
    said = {normal(c) for c, __ in items}
    for i, (content, target) in enumerate(items):
        key = normal(content)
        if key not in targets:
            found.append(_v(f"{field}.{i}.commitment",
                            _("{content!r} was never promised in {where}").format(
                                content=content, where=where),
                            _("report only the filed commitments, word for word (docgen form "
                              "new fulfillment --archive … pre-fills them)")))
        elif target is not None and normal(target) != normal(targets[key]):
            found.append(_v(f"{field}.{i}.target",
                            _("{target!r} is not the target promised in {where} ({promised!r})")
                            .format(target=target, where=where, promised=targets[key]),
                            _("copy the promised 量化目标")))
    for content, __ in promised:
        if normal(content) not in said:
            found.append(_v(field, _("the commitment {content!r} of {where} is not reported")
                            .format(content=content, where=where),
                            _("add an entry for it")))
    return found
