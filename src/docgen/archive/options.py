"""What a filing is asked to do, built once at the edge (CLI, web, API) and passed down.

Validation collects every problem; `ImportOptions.build(**fields)` raises BadInput (exit 10)
listing them, so a bad option never reaches the archive.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from docgen.dates import parse_date
from docgen.errors import BadInput
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _
from docgen.i18n import cli_ngettext as ngettext
from docgen.textcheck import check_text
from docgen.vocab import (CLASSIFICATIONS, DEFAULT_CLASSIFICATION, DEFAULT_RETENTION,
                          RECORD_TYPES, RETENTION_CODES, record_type_code)


class FilingOptions(BaseModel):
    """How any 件 is filed: who, as a correction of which, handed in when, duplicates allowed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    by: str | None = None  # 机构人员名称 for the audit log; default: the OS user
    supersedes: str | None = None  # 档号 this 件 corrects (更正)
    submitted: dt.date | None = None  # 报送日期, when handed in before filing
    duplicate_ok: bool = False  # file even when the same 发文字号 and 题名 are already filed

    @field_validator("by", "supersedes")
    @classmethod
    def _text(cls, v):
        return check_text(v)

    @field_validator("submitted", mode="before")
    @classmethod
    def _date(cls, v):
        return None if v in (None, "") else parse_date(v)

    @classmethod
    def build(cls, **fields) -> FilingOptions:
        return _build(cls, fields)


class ImportOptions(FilingOptions):
    """A document docgen did not make: its DA/T 46 metadata comes from these options."""

    type: str = "other"  # plan, commitment, summary, … or other (English or Chinese)
    title: str = Field(min_length=1)  # 题名
    date: dt.date  # 成文日期
    kind: str | None = None  # 文种; default: the type's
    unit: str | None = None  # 机构 name; default: the archive's only unit
    unit_code: str | None = None
    doc_number: str | None = None  # 文件编号
    responsible: str | None = None  # 责任者; default: the unit
    retention: str = DEFAULT_RETENTION  # 保管期限
    classification: str = DEFAULT_CLASSIFICATION  # 密级
    campaign_year: int | None = None  # for 评议结果 dated in the next year

    @field_validator("type")
    @classmethod
    def _type(cls, v):
        code = record_type_code(v)
        if code is None:
            raise ValueError(_("{value} is not one of {allowed}").format(
                value=repr(v), allowed=", ".join(RECORD_TYPES)))
        return code

    @field_validator("title")
    @classmethod
    def _title(cls, v):
        check_text(v)
        if not v.strip():
            raise ValueError(_("is empty"))
        return v.strip()

    @field_validator("kind", "unit", "unit_code", "doc_number", "responsible")
    @classmethod
    def _strip(cls, v):
        check_text(v)
        return v.strip() or None if isinstance(v, str) else v

    @field_validator("date", mode="before")
    @classmethod
    def _when(cls, v):
        return parse_date(v)

    @field_validator("retention")
    @classmethod
    def _retention(cls, v):
        if v not in RETENTION_CODES:
            raise ValueError(_("{value} is not a 保管期限; use one of {allowed}").format(
                value=repr(v), allowed=", ".join(RETENTION_CODES)))
        return v

    @field_validator("classification")
    @classmethod
    def _classification(cls, v):
        if v not in CLASSIFICATIONS:
            raise ValueError(_("{value} is not a 密级; use one of {allowed}").format(
                value=repr(v), allowed=", ".join(CLASSIFICATIONS)))
        return v

    @field_validator("campaign_year")
    @classmethod
    def _year(cls, v):
        if v is not None and not 1000 <= int(v) <= 9999:
            raise ValueError(_("{value} is not a four-digit year").format(value=repr(v)))
        return v


_NAMES = {"title": N_("the title (题名)"), "date": N_("date (成文日期)"), "by": "--by",
          "type": "type", "retention": N_("retention (保管期限)"),
          "classification": N_("classification (密级)"), "campaign_year": N_("campaign year"),
          "submitted": N_("submitted (报送日期)")}


def _build(cls, fields: dict):
    try:
        return cls.model_validate(fields)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            what = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                what = _("is missing")
            elif err["type"] == "string_too_short":
                what = _("is empty")
            label = _(_NAMES[name]) if name in _NAMES else name
            problems.append(_("{field}: {problem}").format(field=label, problem=what))
        if len(problems) == 1:
            raise BadInput(problems[0]) from None
        raise BadInput(ngettext("{count} problem with the options",
                                "{count} problems with the options", len(problems)).format(
            count=len(problems)), problems) from None
