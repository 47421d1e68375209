"""The campaign's other five filings as typed models: 征求意见汇总, 听证会纪要, 践诺情况报告,
测评结果, 评议结果 (registered in docgen.models.FORM_MODELS).

Totals, shares and satisfaction rates are computed here from the counts a clerk types, never
typed; a rate typed anyway must agree with the counts (rules_campaign checks it).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, NonNegativeInt

from docgen.i18n import N_
from docgen.i18n import cli_gettext as _
from docgen.models import Date, Form, Line, Text, _quantified, _Strict

FILING_NUMBER_HINT = "已归档承诺书的档号，如 Z109-WS·2011-D30-GHC-0002"
STATUSES = ("已完成", "部分完成", "未完成")
ANSWERS = ("满意", "基本满意", "不满意")
GRADES = ("优秀", "良好", "一般", "较差")  # 评议等次, best first
PARTICIPANT_ROLES = ("群众代表", "监督员", "人大代表", "政协委员", "服务对象", "单位代表", "其他")
# field names a clerk may be tempted to type; docgen computes them (forms.py explains)
COMPUTED = {
    "totals": N_("totals by 来源 and 归类 are computed from the opinions table"),
    "total": N_("totals are computed from the counts"),
    "totals_by_source": N_("totals by 来源 are computed from the opinions table"),
    "totals_by_category": N_("totals by 归类 are computed from the opinions table"),
    "overall_rate": N_("the overall 满意率 is computed from the counts"),
    "satisfaction_rate": N_("满意率 is computed from the counts"),
    "grade_counts": N_("the count per 等次 is computed from the units table"),
}


def _rate(value):
    """A typed 满意率: 93.8%, '93.8', 0.938 → percent as float; None stays None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value) * 100 if 0 < value <= 1 and isinstance(value, float) else float(value)
    text = str(value).strip().replace("％", "%")
    try:
        return float(text[:-1]) if text.endswith("%") else _rate(float(text))
    except ValueError:
        raise ValueError(_("{value!r} is not a rate — write it as 93.8% (or leave it out: "
                           "docgen computes it)").format(value=value)) from None


Rate = Annotated[float | None, BeforeValidator(_rate)]


def percent(part: int, whole: int) -> float | None:
    """part/whole as a percentage rounded to one decimal (None when whole is 0)."""
    return round(part * 100 / whole, 1) if whole else None


# --- 征求意见汇总 ---------------------------------------------------------------------------
class Channel(_Strict):
    """One way opinions were gathered: 问卷, 座谈, 走访, 阳光服务 …"""

    method: Line = Field(description=N_("征求方式：问卷、座谈、走访、阳光服务等"))
    count: NonNegativeInt = Field(description=N_("次数或份数: 问卷回收份数、座谈会场次、走访户数"))
    participants: NonNegativeInt | None = Field(None, description=N_("参与人数"))
    note: Text | None = Field(None, description=N_("说明，如：发放问卷200份，回收186份"))


class Opinion(_Strict):
    """One opinion or suggestion received, and what the unit does about it."""

    source: Line = Field(description=N_("来源：征求方式之一（问卷、座谈……）"))
    content: Text = Field(description=N_("意见内容"))
    category: Line = Field(description=N_("归类，如：行政审批、热点难点、政务公开、作风建设"))
    measure: Text = Field(description=N_("整改措施"))
    department: Line = Field(description=N_("责任科室"))
    deadline: Date = Field(description=N_("整改时限"))


class KeyProblem(_Strict):
    """突出问题, drawn from the opinions of one 归类."""

    problem: Text = Field(description=N_("突出问题"))
    category: Line = Field(description=N_("归类：所依据的意见归类（须在意见建议汇总表中出现）"))


class Opinions(Form):
    """征求意见汇总: how opinions were gathered, the opinions, the 突出问题 and 工作重点."""

    type: Literal["opinions"]
    overview: Text = Field(description=N_("基本情况：征求意见的时间、范围和组织"))
    channels: list[Channel] = Field(min_length=1, description=N_("征求方式及数量"))
    opinions: list[Opinion] = Field(min_length=1, description=N_("意见建议汇总表"))
    key_problems: list[KeyProblem] = Field(min_length=1, description=N_("突出问题，每条注明所属归类"))
    priorities: list[Text] = Field(min_length=1, description=N_("工作重点"))

    @property
    def totals_by_source(self) -> dict[str, int]:
        """意见条数 per 来源, in the order of the channels (sources not listed last)."""
        counts = Counter(o.source for o in self.opinions)
        order = [c.method for c in self.channels] + list(counts)
        return {s: counts[s] for s in dict.fromkeys(order)}

    @property
    def totals_by_category(self) -> dict[str, int]:
        """意见条数 per 归类, most first."""
        return dict(Counter(o.category for o in self.opinions).most_common())


# --- 听证会纪要 -----------------------------------------------------------------------------
class Participant(_Strict):
    name: Line = Field(description=N_("姓名"))
    role: Line = Field(description=N_("身份：群众代表、监督员、人大代表、政协委员、服务对象、单位代表、其他"))
    organization: Line | None = Field(None, description=N_("单位或职务"))


class Speech(_Strict):
    speaker: Line = Field(description=N_("发言人"))
    summary: Text = Field(description=N_("发言摘要"))


class FollowUp(_Strict):
    """A matter the hearing decided, with who does it by when."""

    item: Text = Field(description=N_("落实事项"))
    owner: Line = Field(description=N_("责任科室或责任人"))
    deadline: Date = Field(description=N_("完成时限"))


class Hearing(Form):
    """听证会纪要: 5—6月, on the hot and difficult issues the public cares about."""

    type: Literal["hearing"]
    held_on: Date = Field(description=N_("听证会日期，须在日历规定的听证期间内（默认5月1日至6月30日）"))
    time: Line | None = Field(None, description=N_("具体时间，如：上午9:00—11:30"))
    place: Line = Field(description=N_("地点"))
    host: Line = Field(description=N_("主持人"))
    participants: list[Participant] = Field(
        min_length=1, description=N_("参加人员，至少有一名群众代表和一名监督员"))
    topics: list[Line] = Field(min_length=1, description=N_("议题"))
    speeches: list[Speech] = Field(min_length=1, description=N_("发言摘要"))
    conclusion: Text = Field(description=N_("结论"))
    follow_ups: list[FollowUp] = Field(min_length=1, description=N_("落实事项，每项有责任科室和完成时限"))


# --- 践诺情况报告 ---------------------------------------------------------------------------
class FulfillmentItem(_Strict):
    """践诺情况 of one commitment: the promise as filed, and what came of it."""

    commitment: Text = Field(description=N_("承诺事项，与已归档的承诺书一字不差"))
    target: Line = Field(description=N_("量化目标，与已归档的承诺书一致"))
    status: Literal[STATUSES] = Field(description=N_("完成情况：已完成、部分完成、未完成"))
    achieved: Annotated[Line, AfterValidator(_quantified)] = Field(
        description=N_("实际完成：对照量化目标的实际数字，如：平均8.6个工作日"))
    evidence: list[Line] = Field(min_length=1, description=N_("佐证材料"))
    remedy: Text | None = Field(None, description=N_("未完成原因及整改措施（部分完成、未完成时必填）"))


class Fulfillment(Form):
    """践诺情况报告: 9—10月 践诺成果公示, one entry per filed commitment."""

    type: Literal["fulfillment"]
    commitment_ref: Line | None = Field(None, description=FILING_NUMBER_HINT
                                        + "；不填则按年度和单位查找")
    overview: Text = Field(description=N_("基本情况"))
    items: list[FulfillmentItem] = Field(min_length=1, description=N_("践诺情况，每项承诺一条"))
    publicity: Line | None = Field(None, description=N_("公示方式，如：区政府网站、政务公开栏"))

    @property
    def status_counts(self) -> dict[str, int]:
        counts = Counter(i.status for i in self.items)
        return {s: counts[s] for s in STATUSES}


# --- 测评结果 -------------------------------------------------------------------------------
class Survey(_Strict):
    method: Line = Field(description=N_("测评方式，如：问卷测评、网上测评"))
    distributed: NonNegativeInt = Field(description=N_("发放问卷份数"))
    returned: NonNegativeInt = Field(description=N_("回收有效问卷份数：每个测评项目的票数之和须等于它"))


class Tally(_Strict):
    """One survey question: how many answered 满意, 基本满意, 不满意."""

    question: Line = Field(description=N_("测评项目"))
    satisfied: NonNegativeInt = Field(description=N_("满意票数"))
    basic: NonNegativeInt = Field(description=N_("基本满意票数"))
    dissatisfied: NonNegativeInt = Field(description=N_("不满意票数"))
    rate: Rate = Field(None, description="满意率＝（满意＋基本满意）÷合计，由 docgen 计算；"
                                         "填写则核对")

    @property
    def total(self) -> int:
        return self.satisfied + self.basic + self.dissatisfied

    @property
    def computed_rate(self) -> float | None:
        return percent(self.satisfied + self.basic, self.total)

    @property
    def satisfied_rate(self) -> float | None:
        return percent(self.satisfied, self.total)


class Visit(_Strict):
    """回访: a follow-up visit to someone who was served or who complained."""

    visited: Line = Field(description=N_("回访对象"))
    visited_on: Date = Field(description=N_("回访日期"))
    method: Line = Field(description=N_("回访方式，如：电话、上门"))
    feedback: Text = Field(description=N_("反馈意见"))
    result: Literal[ANSWERS] = Field(description=N_("回访结果：满意、基本满意、不满意"))


class Assessment(Form):
    """测评结果: 满意度统计和回访; rates computed, a bar chart and a table in the document."""

    type: Literal["assessment"]
    overview: Text = Field(description=N_("基本情况"))
    survey: Survey = Field(description=N_("测评方式和问卷数"))
    tallies: list[Tally] = Field(min_length=1, description=N_("测评统计，每个测评项目一行"))
    visits: list[Visit] = Field(default_factory=list, description=N_("回访记录"))
    conclusion: Text = Field(description=N_("测评结论"))
    improvements: list[Text] = Field(default_factory=list, description=N_("改进措施"))

    @property
    def overall_rate(self) -> float | None:
        """综合满意率 over all questions."""
        good = sum(t.satisfied + t.basic for t in self.tallies)
        return percent(good, sum(t.total for t in self.tallies))

    @property
    def visit_rate(self) -> float | None:
        """回访满意率."""
        return percent(sum(v.result != "不满意" for v in self.visits), len(self.visits))


# --- 评议结果 -------------------------------------------------------------------------------
class UnitResult(_Strict):
    unit: Line = Field(description=N_("被评议单位"))
    score: Annotated[float, Field(ge=0, le=100)] = Field(description=N_("综合得分（0—100）"))
    grade: Literal[GRADES] = Field(description=N_("评议等次：优秀、良好、一般、较差"))


class Commendation(_Strict):
    name: Line = Field(description=N_("受表彰单位或个人"))
    honor: Line = Field(description=N_("表彰名称，如：民主评议先进单位"))


class Rectification(_Strict):
    unit: Line = Field(description=N_("整改单位"))
    requirement: Text = Field(description=N_("整改要求"))
    deadline: Date = Field(description=N_("整改时限"))


class Results(Form):
    """评议结果 (通报): dated in the first quarter of the year after the campaign."""

    type: Literal["results"]
    overview: Text = Field(description=N_("评议工作基本情况"))
    units: list[UnitResult] = Field(min_length=1, description=N_("评议结果：单位、得分、等次"))
    commendations: list[Commendation] = Field(default_factory=list, description=N_("表彰"))
    rectifications: list[Rectification] = Field(
        default_factory=list, description=N_("整改要求（评为一般、较差的单位必填）"))
    requirements: Text | None = Field(None, description=N_("结尾：工作要求"))

    @property
    def year(self) -> int:
        """The campaign year: the one before the 通报's 成文日期 (一季度公布评议结果)."""
        return self.date.year - 1

    @property
    def grade_counts(self) -> dict[str, int]:
        counts = Counter(u.grade for u in self.units)
        return {g: counts[g] for g in GRADES}


CAMPAIGN_MODELS: dict[str, type[Form]] = {
    "opinions": Opinions, "hearing": Hearing, "fulfillment": Fulfillment,
    "assessment": Assessment, "results": Results,
}


def in_window(day: dt.date, start: dt.date | None, due: dt.date) -> bool:
    return (start is None or start <= day) and day <= due
