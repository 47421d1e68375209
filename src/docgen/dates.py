"""Dates as clerks write them (2011-04-20, 2011年4月20日) and as GB/T 9704 prints them."""

from __future__ import annotations

import datetime as dt
import re

from docgen.i18n import N_
from docgen.i18n import cli_gettext as _

_CN = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
# 2011/4/20 and 2011.4.20, as Excel and WPS show dates typed as text
_SLASH = re.compile(r"^\s*(\d{4})\s*([/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})\s*$")
# 二〇一一年四月二十日: the 成文日期 as older documents print it
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_CN_WORDS = re.compile(r"^\s*([〇零一二三四五六七八九]{4})\s*年\s*([〇零一二三四五六七八九十]{1,3})\s*月"
                       r"\s*([〇零一二三四五六七八九十]{1,3})\s*日\s*$")

ACCEPTED = N_("write it as 2011-04-20 or 2011年4月20日")  # also: 20110420, 2011/4/20, 2011.4.20,
# 二〇一一年四月二十日
# datetime's own reasons for a date that does not exist, in the catalog for the message above
DATETIME_REASONS = (N_("day is out of range for month"), N_("month must be in 1..12"),
                    N_("year 0 is out of range"))


def _cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31, 〇九 → 9 (digit by digit)."""
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, __, ones = text.partition("十")
    return (_cn_number(tens) if tens else 1) * 10 + (_cn_number(ones) if ones else 0)


def _groups(value: str):
    """(year, month, day) as ints from any accepted spelling, else None."""
    for pattern in (_ISO, _CN, _COMPACT):
        m = pattern.match(value)
        if m:
            return tuple(int(g) for g in m.groups())
    m = _SLASH.match(value)
    if m:
        return int(m.group(1)), int(m.group(3)), int(m.group(4))
    m = _CN_WORDS.match(value)
    if m:
        try:
            return tuple(_cn_number(g) for g in m.groups())
        except ValueError:
            return None
    return None


def parse_date(value) -> dt.date:
    """Parse a date given as a date object, 'YYYY-MM-DD', 'YYYYMMDD', 'YYYY年M月D日',
    'YYYY/M/D', 'YYYY.M.D' or in Chinese numerals (二〇一一年四月二十日).

    Raises ValueError with a message a clerk can act on.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(_("expected a date, got {type} {value!r} — {fix}").format(
            type=type(value).__name__, value=value, fix=_(ACCEPTED)))
    found = _groups(value)
    if found:
        y, mo, d = found
        try:
            return dt.date(y, mo, d)
        except ValueError as e:
            raise ValueError(_("{value!r} is not a real date ({error}) — check the month and "
                               "the day").format(value=value, error=_(str(e)))) from None
    raise ValueError(_("{value!r} is not a date — {fix}").format(value=value, fix=_(ACCEPTED)))


def format_cn(date: dt.date) -> str:
    """成文日期 as GB/T 9704 wants it: '2011年4月20日', year in full, no zero padding."""
    return f"{date.year}年{date.month}月{date.day}日"


def format_compact(date: dt.date) -> str:
    """The catalogue's 日期 column: YYYYMMDD."""
    return date.strftime("%Y%m%d")
