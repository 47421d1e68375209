"""The form types and the campaign's rules for each, as typed models.

Field names are the form file's keys; the Chinese term each stands for is in its description.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      PlainValidator, StringConstraints)

from docgen.dates import parse_date
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _
from docgen.textcheck import check_text
from docgen.vocab import CJK_IDEOGRAPHS, CJK_PUNCTUATION, CLASSIFICATIONS, RETENTION_CODES
from docgen.vocab import FORM_TYPES as FORM_KINDS

# CJK characters and full-width punctuation: between two of them, whitespace is never wanted
_CJK = f"[{CJK_IDEOGRAPHS}{CJK_PUNCTUATION}]"
_CJK_GAP = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def _join_cjk_lines(value):
    """YAML folds a long line into 'a b'; in Chinese text that space is a typo, so drop it."""
    return _CJK_GAP.sub("", value) if isinstance(value, str) else value


def _multi_line(value):
    return check_text(value, multiline=True)


def _one_line(value):
    # a line break at either end is YAML's (`|` blocks end in one); the strip removes it
    check_text(value.strip(" \t\r\n") if isinstance(value, str) else value, multiline=False)
    return value


# the door check (docgen.textcheck) is listed last so it runs first: pydantic runs before-
# validators last to first, and _join_cjk_lines must not silently eat a control character
Text = Annotated[str, BeforeValidator(_join_cjk_lines), BeforeValidator(_multi_line),
                 StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
Line = Annotated[str, BeforeValidator(_join_cjk_lines), BeforeValidator(_one_line),
                 StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


MAX_ISSUERS = 8  # a joint head taller than this leaves no room for the title on page 1


def _names(value):
    """One name, or a list of names (联合行文: 主办机关 first): a list of one is that name, and
    a name given twice is a typo. Checked here rather than as a union of types, so an error
    names the field (and the name's place), not pydantic's union members."""
    from pydantic import TypeAdapter, ValidationError

    if not isinstance(value, list):
        try:
            return TypeAdapter(Line).validate_python(value)
        except ValidationError as e:
            raise ValueError(_inner_error(e, _("give a name, or a list of names"))) from None
    if not value:
        raise ValueError(_("the list is empty — give one name, or several (主办机关 first)"))
    if len(value) > MAX_ISSUERS:
        raise ValueError(_("{count} names — a joint document's head holds at most {most}; "
                           "name the 主办机关 and the main co-issuers").format(
            count=len(value), most=MAX_ISSUERS))
    names = []
    for i, item in enumerate(value, 1):
        try:
            names.append(TypeAdapter(Line).validate_python(item))
        except ValidationError as e:
            raise ValueError(_("name {n}: {problem}").format(
                n=i, problem=_inner_error(e, _("write each name as text")))) from None
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(_("{name!r} is given twice — name each 发文机关 once")
                         .format(name=twice[0]))
    return names[0] if len(names) == 1 else names


def _inner_error(e, fix: str) -> str:
    """'what — fix' of a name's first validation error."""
    err = e.errors()[0]
    if err["type"] == "value_error" and "error" in err.get("ctx", {}):
        return str(err["ctx"]["error"])
    msg = err["msg"]
    return f"{msg[0].lower()}{msg[1:]} — {fix}"


# one name or several: 发文机关 and 署名 of a joint document (联合行文, GB/T 9704 7.2.4, 7.3.5)
Names = Annotated[str | list[str], PlainValidator(_names, json_schema_input_type=Line | list[Line])]
OptionalNames = Annotated[str | list[str] | None, PlainValidator(
    lambda value: None if value is None else _names(value),
    json_schema_input_type=Line | list[Line] | None)]


def _date(value) -> dt.date:
    return parse_date(value)


Date = Annotated[dt.date, BeforeValidator(_date)]


DOC_NUMBER = re.compile(r"^\S+〔(\d{4})〕(\d+)号$")
# a number, in Arabic or Chinese numerals, makes a target measurable
QUANTITY = re.compile(r"[0-9０-９]|[零一二三四五六七八九十百千万两半]")


def _doc_number(value: str) -> str:
    if not DOC_NUMBER.match(value):
        raise ValueError(_("{value!r} is not a 发文字号 — write it as 机关代字〔年份〕序号号, "
                           "e.g. 建规〔2011〕3号 (六角括号 〔〕)").format(value=value))
    return value


def _quantified(value: str) -> str:
    if not QUANTITY.search(value):
        raise ValueError(_("{value!r} states no number — 力求量化: give a measurable figure, "
                           "e.g. 办结时限压缩至10个工作日").format(value=value))
    return value


Classification = Literal[CLASSIFICATIONS]
Retention = Literal[tuple(RETENTION_CODES)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Strict):
    """信息反馈联系人: the named person who reports on the campaign."""

    name: Line = Field(description=N_("姓名"))
    phone: Line | None = Field(None, description=N_("联系电话"))


class Form(_Strict):
    """Fields every filing has (GB/T 9704 elements and DA/T 22 filing data)."""

    type: str = Field(description="文种: " + "、".join(f"{c} {k}" for c, k in FORM_KINDS.items()))
    title: Line | None = Field(None, description=N_("标题; default: 单位 + 年度 + 文种"))
    unit: Line = Field(description=N_("单位: who files, e.g. 区建设局规划处"))
    unit_code: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,10}$")] | None = Field(
        None, description=N_("机构（问题）代码 for the 档号, e.g. GHC; else the archive's settings"))
    issuer: Names = Field(description=N_("发文机关: printed in the 版头 as 「…文件」; several "
                                         "(联合行文) as a list, 主办机关 first"))
    addressee: Line = Field(description=N_("主送机关, e.g. 局监察科"))
    doc_number: Annotated[Line, AfterValidator(_doc_number)] = Field(
        description=N_("发文字号, e.g. 建规〔2011〕3号"))
    date: Date = Field(description=N_("成文日期"))
    signature: OptionalNames = Field(None, description=N_("署名 (发文机关署名), one per issuer; "
                                                          "default: issuer"))
    attachments: list[Line] = Field(default_factory=list, description=N_("附件 titles, in order"))
    copy_to: list[Line] = Field(default_factory=list, description=N_("抄送机关"))
    printed_by: Line | None = Field(None, description=N_("印发机关; default: issuer (the 主办机关 "
                                                         "when several)"))
    print_date: Date | None = Field(None, description=N_("印发日期; default: 成文日期"))
    classification: Classification = Field("公开", description=N_("密级"))
    retention: Retention = Field("定期30年", description=N_("保管期限"))
    seal: bool = Field(False, description=N_("加盖印章: 署名/成文日期 laid out for the seal "
                                             "(7.3.5.1)"))
    signer: list[Line] = Field(default_factory=list,
                               description=N_("签发人 (上行文), in issuers' order"))

    @property
    def issuers(self) -> list[str]:
        """The 发文机关, 主办机关 first: one, or several for a joint document."""
        return list(self.issuer) if isinstance(self.issuer, list) else [self.issuer]

    @property
    def issuer_names(self) -> str:
        """The 发文机关 as one text (责任者, the .docx author): joined with 「、」."""
        return "、".join(self.issuers)

    @property
    def signatures(self) -> list[str]:
        """The 署名 lines, 主办机关 first: the form's signature, else the issuers."""
        if self.signature is None:
            return self.issuers
        return list(self.signature) if isinstance(self.signature, list) else [self.signature]

    @property
    def year(self) -> int:
        """The campaign year (年度) the filing belongs to: the year of its 成文日期."""
        return self.date.year

    @property
    def kind(self) -> str:
        """文种 in Chinese."""
        return FORM_KINDS[self.type]

    @property
    def display_title(self) -> str:
        return self.title or f"{self.unit}{self.year}年民主评议{self.kind}"



class Step(_Strict):
    """评议步骤: one stage of the campaign and what the unit does in it."""

    name: Line = Field(description=N_("阶段, e.g. 部署动员、查找问题"))
    period: Line | None = Field(None, description=N_("时间, e.g. 4月"))
    tasks: list[Text] = Field(min_length=1, description=N_("工作内容"))


class Requirement(_Strict):
    heading: Line = Field(description=N_("要求的小标题, e.g. 明确思路、抓住重点"))
    text: Text = Field(description=N_("正文"))


class Plan(Form):
    """工作方案: must state the key problems and the main measures (报局监察科备案)."""

    type: Literal["plan"]
    basis: Text = Field(description=N_("开头: 依据和目的"))
    guiding_ideology: Text = Field(description=N_("指导思想"))
    key_problems: list[Text] = Field(min_length=1, description=N_("拟解决的重点问题"))
    measures: list[Text] = Field(min_length=1, description=N_("主要做法"))
    steps: list[Step] = Field(default_factory=list, description=N_("评议步骤"))
    requirements: list[Requirement] = Field(default_factory=list, description=N_("工作要求"))
    contact: Contact | None = Field(None, description=N_("信息反馈联系人"))


class CommitmentItem(_Strict):
    """One 承诺: specific, measurable (量化) and with a deadline (时限化)."""

    content: Text = Field(description=N_("承诺事项"))
    target: Annotated[Line, AfterValidator(_quantified)] = Field(
        description=N_("量化目标: a number the item is judged by"))
    deadline: Date = Field(description=N_("完成时限, inside the campaign year"))
    responsible: Line | None = Field(None, description=N_("责任科室或责任人"))



class Supervision(_Strict):
    """监督举报: how the public holds the unit to its word."""

    phone: Line | None = Field(None, description=N_("举报电话"))
    mailbox: Line | None = Field(None, description=N_("举报箱位置"))
    supervisors: list[Line] = Field(default_factory=list, description=N_("民主评议监督员"))


class Commitment(Form):
    """承诺书: 围绕行政审批、热点难点; each item 量化、时限化."""

    type: Literal["commitment"]
    preamble: Text = Field(description=N_("开头"))
    items: list[CommitmentItem] = Field(min_length=1, description=N_("承诺事项"))
    supervision: Supervision | None = Field(None, description=N_("监督举报"))
    closing: Text | None = Field(None, description=N_("结尾"))



class Fulfilment(_Strict):
    """践诺情况: what became of one commitment."""

    commitment: Line = Field(description=N_("承诺事项 as promised"))
    status: Literal["已完成", "部分完成", "未完成"] = Field(description=N_("完成情况"))
    result: Text = Field(description=N_("具体成效, with the figures"))


class Summary(Form):
    """年度工作总结: reports on each commitment made; due to 局监察科 in early December."""

    type: Literal["summary"]
    overview: Text = Field(description=N_("基本情况"))
    fulfilments: list[Fulfilment] = Field(min_length=1, description=N_("承诺践诺情况, one per 承诺"))
    achievements: list[Text] = Field(min_length=1, description=N_("主要做法和成效"))
    problems: list[Text] = Field(default_factory=list, description=N_("存在的问题"))
    next_steps: list[Text] = Field(default_factory=list, description=N_("下一步打算"))


FORM_MODELS: dict[str, type[Form]] = {"plan": Plan, "commitment": Commitment, "summary": Summary}

# the campaign's other five filings live in their own module, built on the classes above
from docgen.models_campaign import CAMPAIGN_MODELS  # noqa: E402

FORM_MODELS.update(CAMPAIGN_MODELS)

