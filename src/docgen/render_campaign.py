"""What the templates of the campaign's other five filings show besides the form's fields:
section headings, computed totals and rates (`calc`), GB/T 9704 dates, the 测评结果 chart."""

from __future__ import annotations

import datetime as dt

from docgen.dates import format_cn
from docgen.models_campaign import percent

SECTION_TITLES = {
    "opinions": [("channels", "征求意见的方式"), ("opinions", "意见建议及整改措施"),
                 ("key_problems", "突出问题"), ("priorities", "工作重点")],
    "hearing": [("topics", "议题"), ("speeches", "发言摘要"), ("conclusion", "结论"),
                ("follow_ups", "落实事项")],
    "fulfillment": [("items", "践诺情况"), ("publicity", "践诺公示")],
    "assessment": [("tallies", "测评情况"), ("visits", "回访情况"), ("conclusion", "测评结论"),
                   ("improvements", "改进措施")],
    "results": [("units", "评议结果"), ("commendations", "表彰"), ("rectifications", "整改要求")],
}
# names these templates use besides the form's fields
DERIVED = {"calc", "chart", "held_on_cn"}
UNIT_WORDS = {"问卷": "份", "座谈": "场", "走访": "户次"}


def _dates_cn(value):
    """Give every date in the nested data its GB/T 9704 spelling: deadline → deadline_cn."""
    if isinstance(value, dict):
        for key, v in list(value.items()):
            if isinstance(v, dt.date):
                value[f"{key}_cn"] = format_cn(v)
            else:
                _dates_cn(v)
    elif isinstance(value, list):
        for v in value:
            _dates_cn(v)


def _shares(counts: dict[str, int]) -> list[dict]:
    total = sum(counts.values())
    return [{"name": k, "count": n, "share": percent(n, total)} for k, n in counts.items()]


def _listing(counts: dict[str, int]) -> str:
    return "、".join(f"{k}{n}条" for k, n in counts.items())


def extend(form, data: dict) -> None:
    """Add `calc` (computed values) and date spellings for the five campaign types."""
    _dates_cn(data)
    calc: dict = {}
    if form.type == "opinions":
        for c in data["channels"]:
            c["unit_word"] = UNIT_WORDS.get(c["method"], "次")
        calc.update(total=len(form.opinions),
                    by_source=_shares(form.totals_by_source),
                    by_category=_shares(form.totals_by_category),
                    by_source_text=_listing(form.totals_by_source),
                    by_category_text=_listing(form.totals_by_category))
    elif form.type == "fulfillment":
        counts = form.status_counts
        calc["status_text"] = (f"{len(form.items)}项承诺中，" + "、".join(
            f"{k}{n}项" for k, n in counts.items()) + "。")
    elif form.type == "assessment":
        calc.update(
            tallies=[{"question": t.question, "satisfied": t.satisfied, "basic": t.basic,
                      "dissatisfied": t.dissatisfied, "total": t.total,
                      "rate": t.computed_rate} for t in form.tallies],
            overall_rate=form.overall_rate, visit_rate=form.visit_rate,
            return_rate=percent(form.survey.returned, form.survey.distributed))
    elif form.type == "results":
        ranked = sorted(form.units, key=lambda u: -u.score)
        calc["units"] = [{"unit": u.unit, "score": f"{u.score:g}", "grade": u.grade}
                         for u in ranked]
        calc["grade_text"] = "、".join(f"{g}{n}个" for g, n in form.grade_counts.items())
    data["calc"] = calc


def images(form, tpl) -> dict:
    """Pictures for the template (InlineImage needs the open template): the 满意率 chart."""
    if form.type != "assessment":
        return {}
    import io

    from docx.shared import Mm
    from docxtpl import InlineImage

    from docgen.chart import bar_chart

    png = bar_chart([t.question for t in form.tallies],
                    [t.computed_rate or 0 for t in form.tallies])
    return {"chart": InlineImage(tpl, io.BytesIO(png), width=Mm(140))}

