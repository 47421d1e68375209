"""Dates as clerks write them (2011-04-20, 2011年4月20日) and as GB/T 9704 prints them."""

from __future__ import annotations

import datetime as dt
import re

_CN = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")

ACCEPTED = "write it as 2011-04-20 or 2011年4月20日"  # also accepted: 20110420


def parse_date(value) -> dt.date:
    """Parse a date given as a date object, 'YYYY-MM-DD', 'YYYYMMDD' or 'YYYY年M月D日'.

    Raises ValueError with a message a clerk can act on.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a date, got {type(value).__name__} {value!r} — {ACCEPTED}")
    for pattern in (_ISO, _CN, _COMPACT):
        m = pattern.match(value)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError as e:
                raise ValueError(f"{value!r} is not a real date ({e}) — "
                                 "check the month and the day") from None
    raise ValueError(f"{value!r} is not a date — {ACCEPTED}")


def format_cn(date: dt.date) -> str:
    """成文日期 as GB/T 9704 wants it: '2011年4月20日', year in full, no zero padding."""
    return f"{date.year}年{date.month}月{date.day}日"


def format_compact(date: dt.date) -> str:
    """The catalogue's 日期 column: YYYYMMDD."""
    return date.strftime("%Y%m%d")
